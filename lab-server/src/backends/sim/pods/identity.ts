/**
 * Who a container's processes run as: the image's USER (or the securityContext's runAsUser/runAsGroup over it),
 * named from the image's own /etc/passwd and /etc/group, with the home directory the runtime sets as HOME. `id`
 * and `whoami` print it as the image's tools do (BusyBox on Alpine, coreutils elsewhere).
 */
import { defineCommand, type Command } from 'just-bash';
import type { ImageProfile } from './images.ts';

/** Who runs: numeric ids, their names where the image's files name them, and HOME. */
export interface Identity {
  uid: number;
  gid: number;
  user?: string;
  group?: string;
  home: string;
  /** Supplementary groups as `id` lists them (the primary group first). */
  groups: { gid: number; name?: string }[];
}

/** Alpine's root is in these groups too (its /etc/group), and BusyBox's `id` lists them. */
const ALPINE_ROOT_GROUPS: [number, string][] = [
  [0, 'root'],
  [1, 'bin'],
  [2, 'daemon'],
  [3, 'sys'],
  [4, 'adm'],
  [6, 'disk'],
  [10, 'wheel'],
  [11, 'floppy'],
  [20, 'dialout'],
  [26, 'tape'],
  [27, 'video'],
];

/** The identity of a container of `profile` run with `context` (runAsUser / runAsGroup). */
export function identityOf(profile: ImageProfile, context: { runAsUser?: number; runAsGroup?: number }): Identity {
  const uid = context.runAsUser ?? profile.user ?? 0;
  const accounts = [{ name: 'root', uid: 0, gid: 0, home: '/root' }, ...(profile.accounts ?? [])];
  const groupNames = new Map<number, string>([
    [0, 'root'],
    ...(profile.groups ?? []).map((g) => [g.gid, g.name] as [number, string]),
  ]);
  const account = accounts.find((a) => a.uid === uid);
  const gid = context.runAsGroup ?? account?.gid ?? 0;
  const group = groupNames.get(gid);
  const groups =
    uid === 0 && gid === 0 && profile.base === 'alpine'
      ? ALPINE_ROOT_GROUPS.map(([g, name]) => ({ gid: g, name }))
      : [{ gid, ...(group ? { name: group } : {}) }];
  return {
    uid,
    gid,
    ...(account ? { user: account.name } : {}),
    ...(group ? { group } : {}),
    home: account?.home ?? '/',
    groups,
  };
}

/** Root, as `sudo` makes a command (its groups as root's own). */
export function rootIdentity(profile: ImageProfile): Identity {
  return identityOf(profile, { runAsUser: 0, runAsGroup: 0 });
}

const named = (id: number, name: string | undefined) => (name ? `${id}(${name})` : String(id));

/** `id`'s default line. */
export function idLine(identity: Identity): string {
  return (
    `uid=${named(identity.uid, identity.user)} gid=${named(identity.gid, identity.group)} ` +
    `groups=${identity.groups.map((g) => named(g.gid, g.name)).join(',')}`
  );
}

type Result = { stdout: string; stderr: string; exitCode: number };

const BANNER = 'BusyBox v1.37.0 (2025-08-05 16:40:33 UTC) multi-call binary.\n\n';
const BUSYBOX_ID_USAGE =
  `${BANNER}Usage: id [-Gnru] [USER]\n\nPrint information about USER or the current user\n\n\t-u\tUser ID\n\t-g\tGroup ` +
  `ID\n\t-G\tSupplementary group IDs\n\t-n\tPrint names instead of numbers\n\t-r\tPrint real ID instead of effective ID\n`;
const BUSYBOX_WHOAMI_USAGE = `${BANNER}Usage: whoami\n\nPrint the user name associated with the current effective user id\n`;

/** `option` is a letter (`x` of `-x`) or a long option with its dashes (`--foo`). */
function idUsage(busybox: boolean, option: string): Result {
  const problem = option.startsWith('--') ? `unrecognized option '${option}'` : `invalid option -- '${option}'`;
  const stderr = busybox
    ? `id: unrecognized option: ${option.replace(/^--/, '')}\n${BUSYBOX_ID_USAGE}`
    : `id: ${problem}\nTry 'id --help' for more information.\n`;
  return { stdout: '', stderr, exitCode: 1 };
}

/** The single-letter flags an `id` argument stands for, or undefined for an operand. */
function idFlags(arg: string): string | undefined {
  const long: Record<string, string> = { '--user': 'u', '--group': 'g', '--groups': 'G', '--name': 'n', '--real': 'r' };
  if (long[arg]) return long[arg];
  return /^-[^-]/.test(arg) ? arg.slice(1) : undefined;
}

/** `id [-u|-g|-G] [-n] [-r]` for the current user (another USER is looked up only for the current one). */
function runId(argv: string[], identity: Identity, busybox: boolean): Result {
  let which: 'u' | 'g' | 'G' | undefined;
  let names = false;
  for (const arg of argv) {
    const flags = idFlags(arg);
    if (flags === undefined) {
      if (arg.startsWith('--')) return idUsage(busybox, arg.split('=')[0]!);
      if (arg === identity.user || arg === String(identity.uid)) continue;
      return {
        stdout: '',
        stderr: busybox ? `id: unknown user ${arg}\n` : `id: '${arg}': no such user\n`,
        exitCode: 1,
      };
    }
    for (const flag of flags) {
      if (flag === 'u' || flag === 'g' || flag === 'G') {
        if (which && which !== flag)
          return {
            stdout: '',
            stderr: busybox ? BUSYBOX_ID_USAGE : 'id: cannot print "only" of more than one choice\n',
            exitCode: 1,
          };
        which = flag;
      } else if (flag === 'n') names = true;
      else if (flag !== 'r') return idUsage(busybox, flag);
    }
  }
  if (!which) {
    if (names)
      return { stdout: '', stderr: 'id: cannot print only names or real IDs in default format\n', exitCode: 1 };
    return { stdout: `${idLine(identity)}\n`, stderr: '', exitCode: 0 };
  }
  const pick = (id: number, name: string | undefined): string | undefined => (names ? name : String(id));
  const values =
    which === 'u'
      ? [pick(identity.uid, identity.user)]
      : which === 'g'
        ? [pick(identity.gid, identity.group)]
        : identity.groups.map((g) => pick(g.gid, g.name));
  if (values.some((v) => v === undefined)) {
    const id = which === 'u' ? identity.uid : identity.gid;
    const what = which === 'u' ? 'user' : 'group';
    return {
      stdout: '',
      stderr: busybox
        ? `id: unknown ${what === 'user' ? 'uid' : 'gid'} ${id}\n`
        : `id: cannot find name for ${what} ID ${id}\n`,
      exitCode: 1,
    };
  }
  return { stdout: `${values.join(' ')}\n`, stderr: '', exitCode: 0 };
}

/**
 * `id` and `whoami` for a container: `identity` is who its processes run as; a command `sudo` runs (it sets
 * SUDO_UID) runs as root.
 */
export function createIdentityCommands(profile: ImageProfile, identity: Identity): Command[] {
  const busybox = profile.base === 'alpine';
  const current = (env: { get(name: string): string | undefined }) =>
    env.get('SUDO_UID') !== undefined ? rootIdentity(profile) : identity;
  return [
    defineCommand('id', async (argv, ctx) => runId(argv, current(ctx.env), busybox)),
    defineCommand('whoami', async (argv, ctx) => {
      const arg = argv[0];
      if (arg !== undefined && arg !== '--') {
        if (busybox)
          return {
            stdout: '',
            stderr: arg.startsWith('-')
              ? `whoami: unrecognized option: ${arg.replace(/^-+/, '')}\n${BUSYBOX_WHOAMI_USAGE}`
              : BUSYBOX_WHOAMI_USAGE,
            exitCode: 1,
          };
        const problem = arg.startsWith('--')
          ? `unrecognized option '${arg}'`
          : arg.startsWith('-')
            ? `invalid option -- '${arg[1]}'`
            : `extra operand '${arg}'`;
        return { stdout: '', stderr: `whoami: ${problem}\nTry 'whoami --help' for more information.\n`, exitCode: 1 };
      }
      const who = current(ctx.env);
      if (who.user) return { stdout: `${who.user}\n`, stderr: '', exitCode: 0 };
      return {
        stdout: '',
        stderr: busybox ? `whoami: unknown uid ${who.uid}\n` : `whoami: cannot find name for user ID ${who.uid}\n`,
        exitCode: 1,
      };
    }),
  ];
}
