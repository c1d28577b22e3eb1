/** `istioctl` 1.30 in the lab shell: version, install, kube-inject, analyze; cobra's wording for usage errors. */
import type { Command, ExecResult } from 'just-bash';
import { decodeBytesToUtf8, defineCommand } from 'just-bash';
import type { SimCommandHost } from '../../../types.ts';
import { analyze, analyzeOutput } from './analyze.ts';
import { flagValue, helpText, parseFlags, UsageError, type FlagSpec } from './flags.ts';
import { runInstall } from '../../../istio/install.ts';
import { injectSettings, kubeInject } from '../../../istio/injector.ts';
import { versionText } from './version.ts';
import { clustersTable, findProxyPod, routesTable } from './proxyConfig.ts';

type Ctx = Parameters<Command['execute']>[1];

/** The subcommands, with their flags and one-line help. */
const SUBCOMMANDS: Record<string, { short: string; usage: string; flags: FlagSpec[] }> = {
  version: {
    short: 'Prints out build version information',
    usage: 'istioctl version [flags]',
    flags: [
      { long: 'remote', help: 'Use --remote=false to suppress control plane check' },
      { long: 'short', short: 's', help: 'Use --short=false to generate full version information' },
      { long: 'output', short: 'o', value: true, help: "One of 'yaml' or 'json'." },
    ],
  },
  install: {
    short: 'The install command generates an Istio install manifest and applies it to a cluster',
    usage: 'istioctl install [flags]',
    flags: [
      {
        long: 'set',
        short: 's',
        value: true,
        repeated: true,
        help: 'Override an IstioOperator value, e.g. to choose a profile (--set profile=demo)',
      },
      {
        long: 'filename',
        short: 'f',
        value: true,
        repeated: true,
        help: 'Path to file containing IstioOperator custom resource',
      },
      {
        long: 'skip-confirmation',
        short: 'y',
        help: 'The skipConfirmation determines whether the user is prompted for confirmation.',
      },
      { long: 'verify', help: 'Verify the Istio control plane after installation/in-place upgrade' },
    ],
  },
  'kube-inject': {
    short: 'Inject Istio sidecar into Kubernetes pod resources',
    usage: 'istioctl kube-inject [flags]',
    flags: [
      { long: 'filename', short: 'f', value: true, help: 'Input Kubernetes resource filename' },
      { long: 'output', short: 'o', value: true, help: 'Modified output Kubernetes resource filename' },
    ],
  },
  'proxy-config': {
    short: 'Retrieve information about proxy configuration from Envoy [kube only]',
    usage: 'istioctl proxy-config [routes|clusters] <pod-name[.namespace]> [flags]',
    flags: [{ long: 'output', short: 'o', value: true, help: 'Output format: one of json|yaml|short' }],
  },
  analyze: {
    short: 'Analyze Istio configuration and print validation messages',
    usage: 'istioctl analyze <file>... [flags]',
    flags: [
      { long: 'all-namespaces', short: 'A', help: 'Analyze all namespaces' },
      { long: 'use-kube', short: 'k', help: 'Use live Kubernetes cluster for analysis.' },
      { long: 'output', short: 'o', value: true, help: 'Output format: one of [log json yaml]' },
    ],
  },
};

/** Subcommand aliases istioctl accepts. */
const ALIASES: Record<string, string> = { pc: 'proxy-config', i: 'install', apply: 'install' };

const ROOT_HELP = `Istio configuration command line utility for service operators to
debug and diagnose their Istio mesh.

Usage:
  istioctl [command]

Available Commands:
${Object.entries(SUBCOMMANDS)
  .map(([n, s]) => `  ${n.padEnd(15)}${s.short}`)
  .join('\n')}

Flags:
  -h, --help   help for istioctl

Use "istioctl [command] --help" for more information about a command.
`;

function error(message: string): ExecResult {
  return { stdout: '', stderr: `Error: ${message}\n`, exitCode: 1 };
}

async function readInput(ctx: Ctx, name: string): Promise<string> {
  if (name === '-') return decodeBytesToUtf8(ctx.stdin);
  try {
    return await ctx.fs.readFile(ctx.fs.resolvePath(ctx.cwd, name));
  } catch {
    throw new UsageError(`open ${name}: no such file or directory`);
  }
}

/** Runs istioctl with argv. */
export async function runIstioctl(host: SimCommandHost, argv: string[], ctx: Ctx): Promise<ExecResult> {
  const [given, ...rest] = argv;
  const sub = given !== undefined ? (ALIASES[given] ?? given) : undefined;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h')
    return { stdout: ROOT_HELP, stderr: '', exitCode: 0 };
  if (sub === '--version') return { stdout: versionText(host.cluster, false).stdout, stderr: '', exitCode: 0 };
  const spec = SUBCOMMANDS[sub];
  if (!spec) {
    if (sub.startsWith('-')) return error(`unknown flag: ${sub}`);
    return {
      stdout: '',
      stderr: `Error: unknown command "${sub}" for "istioctl"\nRun 'istioctl --help' for usage.\n`,
      exitCode: 1,
    };
  }
  try {
    const flags = parseFlags(rest, spec.flags);
    if (flags.booleans.has('help'))
      return { stdout: helpText(spec.short, spec.usage, spec.flags), stderr: '', exitCode: 0 };
    switch (sub) {
      case 'version': {
        const remote = !rest.some((a) => a === '--remote=false');
        const out = versionText(host.cluster, remote);
        return { ...out, exitCode: 0 };
      }
      case 'install': {
        const files = await Promise.all((flags.values.get('filename') ?? []).map((f) => readInput(ctx, f)));
        const answer = flags.booleans.has('skip-confirmation') ? 'y' : decodeBytesToUtf8(ctx.stdin);
        return runInstall(host.cluster, {
          sets: flags.values.get('set') ?? [],
          files,
          skipConfirmation: flags.booleans.has('skip-confirmation'),
          answer,
        });
      }
      case 'kube-inject': {
        const file = flagValue(flags, 'filename');
        if (!file) return error('filename not specified (see --filename or -f)');
        const text = await readInput(ctx, file);
        let injected: string;
        try {
          injected = kubeInject(text, injectSettings(host.cluster));
        } catch (e) {
          return error((e as Error).message);
        }
        const output = flagValue(flags, 'output');
        if (output) {
          await ctx.fs.writeFile(ctx.fs.resolvePath(ctx.cwd, output), injected);
          return { stdout: '', stderr: '', exitCode: 0 };
        }
        return { stdout: injected, stderr: '', exitCode: 0 };
      }
      case 'proxy-config': {
        const [what, target] = flags.positional;
        const kinds: Record<string, (c: typeof host.cluster, p: Parameters<typeof routesTable>[1]) => string> = {
          routes: routesTable,
          route: routesTable,
          clusters: clustersTable,
          cluster: clustersTable,
          c: clustersTable,
          r: routesTable,
        };
        if (!what) return { stdout: helpText(spec.short, spec.usage, spec.flags), stderr: '', exitCode: 0 };
        const render = kinds[what];
        if (!render) return error(`unknown command "${what}" for "istioctl proxy-config"`);
        if (!target) return error('pod name or --file is required');
        const pod = findProxyPod(host.cluster, target, flagValue(flags, 'namespace') ?? 'default');
        if (typeof pod === 'string') return error(pod);
        return { stdout: render(host.cluster, pod), stderr: '', exitCode: 0 };
      }
      case 'analyze': {
        if (flags.positional.length > 0)
          return error(
            'analyzing files is not supported in this lab; run `istioctl analyze` to check the live cluster',
          );
        const all = flags.booleans.has('all-namespaces');
        const ns = flagValue(flags, 'namespace') ?? 'default';
        const messages = analyze(host.cluster, all ? undefined : [ns]);
        return analyzeOutput(messages, all ? 'all namespaces' : `namespace: ${ns}`);
      }
    }
  } catch (e) {
    if (e instanceof UsageError) return error(e.message);
    throw e;
  }
  return error(`unknown command "${sub}" for "istioctl"`);
}

/** The `istioctl` command for the lab shell. */
export function createIstioctlCommand(host: SimCommandHost): Command {
  return defineCommand('istioctl', (argv, ctx) => runIstioctl(host, argv, ctx));
}
