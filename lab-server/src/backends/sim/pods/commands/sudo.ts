/**
 * `sudo` in Istio's proxy image (sudo 1.9 on Ubuntu; `istio-proxy ALL=NOPASSWD: ALL` in its sudoers). The injected
 * sidecar runs with `allowPrivilegeEscalation: false`, which sets the kernel's no_new_privs flag, and sudo refuses
 * to run at all; with `values.global.proxy.privileged=true` it runs the command as root.
 */
import { decodeBytesToUtf8, defineCommand, type Command } from 'just-bash';
import type { K8sObject } from '../../../../contract.ts';
import type { Identity } from '../identity.ts';
import { mayEscalate, securityContextOf } from './privileges.ts';

const USAGE = `usage: sudo -h | -K | -k | -V
usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]
usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user]
            [-u user] [command [arg ...]]
usage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory]
            [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
            [-u user] [VAR=value] [-i | -s] [command [arg ...]]
usage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory]
            [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
            [-u user] file ...
`;

const NO_NEW_PRIVS =
  'sudo: The "no new privileges" flag is set, which prevents sudo from running as root.\nsudo: If sudo ' +
  'is running in a container, you may need to adjust the container configuration to disable the flag.\n';

/** Environment a command run by sudo sees; `SUDO_UID` is how the simulated tools know they run as root. */
export function sudoEnv(caller: Identity): Record<string, string> {
  return {
    USER: 'root',
    LOGNAME: 'root',
    HOME: '/root',
    ...(caller.user ? { SUDO_USER: caller.user } : {}),
    SUDO_UID: String(caller.uid),
    SUDO_GID: String(caller.gid),
  };
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * `sudo` for a container of `pod` run as `caller` (the pod's spec is read when it runs, so its current
 * securityContext decides). Root needs no new privileges.
 */
export function createSudoCommand(pod: () => K8sObject | undefined, container: string, caller: Identity): Command {
  return defineCommand('sudo', async (argv, ctx) => {
    let i = 0;
    while (i < argv.length && /^-[ABEHnkS]+$/.test(argv[i]!)) i++;
    const command = argv.slice(i);
    if (command.length === 0 || argv[0] === '-h') return { stdout: '', stderr: USAGE, exitCode: 1 };
    if (caller.uid !== 0 && !mayEscalate(securityContextOf(pod(), container)))
      return { stdout: '', stderr: NO_NEW_PRIVS, exitCode: 1 };
    if (!ctx.exec) return { stdout: '', stderr: 'sudo: unable to execute a command here\n', exitCode: 1 };
    // The arguments bypass the shell (as sudo's execve does); the stdin sudo got goes on to the command.
    return ctx.exec(quote(command[0]!), {
      cwd: ctx.cwd,
      env: sudoEnv(caller),
      args: command.slice(1),
      stdin: decodeBytesToUtf8(ctx.stdin),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  });
}
