/**
 * `kubectl` in the lab shell, against the simulated API server: kubectl 1.34's subcommands, flags, tables,
 * output formats and error texts (stdout and stderr apart, exit code 1 on errors).
 */
import { decodeBytesToUtf8, defineCommand, type Command } from 'just-bash';
import type { SimCluster, SimCommandHost } from '../../../types.ts';
import { streamFacts } from '../../orderedOutput.ts';
import { flag, KubectlUsageError, parseArgs, type FlagSpec } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { describe, DESCRIBE_FLAGS } from './describe.ts';
import { get, GET_FLAGS } from './get.ts';
import { subcommandHelp } from './help.ts';
import { ManifestError } from './manifests.ts';
import { apiResources, apiVersions, clusterInfo, config, HELP, version } from './misc.ts';
import { exec, EXEC_FLAGS, logs, LOGS_FLAGS } from './pods.ts';
import { UnknownResourceError } from './resources.ts';
import { rollout, ROLLOUT_FLAGS, wait, WAIT_FLAGS } from './wait.ts';
import { del, DELETE_FLAGS } from './delete.ts';
import { labelOrAnnotate } from './label.ts';
import { scale } from './scale.ts';
import { CONFIGMAP_FLAGS } from './createConfigMap.ts';
import { createNamed, WRITE_FLAGS, writeManifests } from './write.ts';
import { cp, CP_FLAGS } from './cp.ts';
import { explain, EXPLAIN_FLAGS } from './explain.ts';
import { kustomize, KUSTOMIZE_FLAGS } from './kustomize.ts';
import { debug, DEBUG_FLAGS } from './debug.ts';
import { patch, PATCH_FLAGS } from './patch.ts';
import { run, RUN_FLAGS } from './run.ts';
import { top, TOP_FLAGS } from './top.ts';
import { set, SET_FLAGS } from './setImage.ts';

const NONE: FlagSpec = { values: [], booleans: [], short: {} };

/** Subcommands of kubectl 1.34 that this lab shell does not simulate: named as such, not "unknown". */
const NOT_SIMULATED = [
  'expose',
  'autoscale',
  'certificate',
  'cordon',
  'uncordon',
  'drain',
  'taint',
  'attach',
  'proxy',
  'auth',
  'events',
  'diff',
  'completion',
  'plugin',
  'alpha',
  'options',
];

const SUBCOMMANDS: Record<
  string,
  { flags: FlagSpec; run: (args: ReturnType<typeof parseArgs>, ctx: CommandContext) => Output | Promise<Output> }
> = {
  get: { flags: GET_FLAGS, run: get },
  set: { flags: SET_FLAGS, run: set },
  describe: { flags: DESCRIBE_FLAGS, run: describe },
  apply: { flags: WRITE_FLAGS, run: (a, c) => writeManifests('apply', a, c) },
  create: {
    flags: { ...WRITE_FLAGS, values: [...WRITE_FLAGS.values, 'image', 'replicas', 'port', ...CONFIGMAP_FLAGS] },
    run: (a, c) => (a.values.get('filename')?.length ? writeManifests('create', a, c) : createNamed(a, c)),
  },
  replace: { flags: WRITE_FLAGS, run: (a, c) => writeManifests('replace', a, c) },
  delete: { flags: DELETE_FLAGS, run: del },
  label: {
    flags: {
      values: ['selector', 'resource-version', 'dry-run', 'output'],
      booleans: ['overwrite', 'all', 'all-namespaces', 'list', 'local'],
      short: { l: 'selector', A: 'all-namespaces', o: 'output' },
    },
    run: (a, c) => labelOrAnnotate('label', a, c),
  },
  annotate: {
    flags: {
      values: ['selector', 'resource-version', 'dry-run', 'output'],
      booleans: ['overwrite', 'all', 'all-namespaces', 'list', 'local'],
      short: { l: 'selector', A: 'all-namespaces', o: 'output' },
    },
    run: (a, c) => labelOrAnnotate('annotate', a, c),
  },
  scale: {
    flags: {
      values: ['replicas', 'current-replicas', 'timeout', 'selector'],
      booleans: ['all'],
      short: { l: 'selector' },
    },
    run: scale,
  },
  exec: { flags: EXEC_FLAGS, run: exec },
  patch: { flags: PATCH_FLAGS, run: patch },
  run: { flags: RUN_FLAGS, run },
  cp: { flags: CP_FLAGS, run: cp },
  debug: { flags: DEBUG_FLAGS, run: debug },
  top: { flags: TOP_FLAGS, run: top },
  explain: { flags: EXPLAIN_FLAGS, run: explain },
  kustomize: { flags: KUSTOMIZE_FLAGS, run: kustomize },
  logs: { flags: LOGS_FLAGS, run: logs },
  wait: { flags: WAIT_FLAGS, run: wait },
  rollout: { flags: ROLLOUT_FLAGS, run: rollout },
  version: { flags: { values: ['output'], booleans: ['client', 'short'], short: { o: 'output' } }, run: version },
  'api-resources': {
    flags: {
      values: ['api-group', 'namespaced', 'output', 'verbs', 'sort-by'],
      booleans: ['no-headers', 'cached'],
      short: { o: 'output' },
    },
    run: apiResources,
  },
  'api-versions': { flags: NONE, run: apiVersions },
  config: {
    flags: { values: ['output', 'namespace'], booleans: ['minify', 'raw', 'flatten'], short: { o: 'output' } },
    run: config,
  },
  'cluster-info': { flags: NONE, run: clusterInfo },
  edit: {
    flags: { values: ['output', 'filename'], booleans: ['all-namespaces'], short: { o: 'output', f: 'filename' } },
    run: () => ({
      stdout: '',
      stderr:
        "error: kubectl edit needs a text editor, which this lab terminal does not have. Change the manifest in the page's Editor " +
        'and press Apply, or use "kubectl apply -f FILE" (or "kubectl get ... -o yaml > FILE", edit it with sed, and apply it).\n',
      exitCode: 1,
    }),
  },
  'port-forward': {
    flags: { values: ['address', 'pod-running-timeout'], booleans: [], short: {} },
    run: () => ({
      stdout: '',
      stderr:
        'error: port-forward is not available in the lab terminal: the simulator reaches the ingress ' +
        "gateway directly. Use curl http://$INGRESS_HOST:$INGRESS_PORT/... or the lesson's Preview pane.\n",
      exitCode: 1,
    }),
  },
};

/**
 * The command, bound to the simulator through `host` (read at each call, so a reset swaps the cluster under it).
 * `defaultNamespace` is the kubeconfig context's namespace: where commands without `-n` act (default: `default`).
 */
export function createKubectlCommand(
  host: SimCommandHost & { cluster: SimCluster },
  options: { defaultNamespace?: string } = {},
): Command {
  return defineCommand('kubectl', async (argv, ctx) => {
    const first = argv.findIndex((a) => !a.startsWith('-'));
    // Global flags may come before the subcommand (`kubectl -n istio-system get svc`).
    const leading = first < 0 ? argv : argv.slice(0, first);
    let name = first < 0 ? undefined : argv[first];
    let rest = first < 0 ? [] : [...leading, ...argv.slice(first + 1)];
    for (let i = 0; i < leading.length; i++) {
      if (['-n', '--namespace', '--context', '--kubeconfig'].includes(leading[i]!) && first === i + 1) {
        name = argv[i + 2];
        rest = [...argv.slice(0, i + 2), ...argv.slice(i + 3)];
        break;
      }
    }
    if (!name) return { stdout: HELP, stderr: '', exitCode: 0 };
    if (name === 'help') return { stdout: subcommandHelp(argv[first + 1] ?? '') ?? HELP, stderr: '', exitCode: 0 };
    const sub = SUBCOMMANDS[name];
    if (!sub && NOT_SIMULATED.includes(name))
      return {
        stdout: '',
        stderr:
          `error: "kubectl ${name}" is not available in this lab shell (the ` +
          `simulated cluster has no use for it); see "kubectl --help" for what is\n`,
        exitCode: 1,
      };
    if (!sub)
      return {
        stdout: '',
        stderr: `error: unknown command "${name}" for "kubectl"\nRun 'kubectl --help' for usage.\n`,
        exitCode: 1,
      };
    try {
      const args = parseArgs(rest, name, sub.flags);
      if (args.booleans.has('help')) return { stdout: subcommandHelp(name) ?? HELP, stderr: '', exitCode: 0 };
      const namespace = flag(args, 'namespace');
      const context: CommandContext = {
        host,
        cluster: host.cluster,
        fs: ctx.fs,
        cwd: ctx.cwd,
        stdinText: () => decodeBytesToUtf8(ctx.stdin),
        streams: streamFacts(ctx.env),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        namespace: namespace ?? options.defaultNamespace ?? 'default',
        namespaceGiven: namespace !== undefined,
      };
      return await sub.run(args, context);
    } catch (error) {
      if (error instanceof KubectlUsageError)
        return {
          stdout: '',
          stderr: `${error.message}\nSee 'kubectl ${error.command} --help' for usage.\n`,
          exitCode: 1,
        };
      if (error instanceof ManifestError || error instanceof UnknownResourceError)
        return { stdout: '', stderr: `${error.message}\n`, exitCode: 1 };
      if ((error as { name?: string }).name === 'AbortError') return { stdout: '', stderr: '', exitCode: 130 };
      if (typeof error === 'object' && error && 'code' in error && 'message' in error) {
        const e = error as { reason?: string; message: string };
        return {
          stdout: '',
          stderr: `Error from server${e.reason ? ` (${e.reason})` : ''}: ${e.message}\n`,
          exitCode: 1,
        };
      }
      return { stdout: '', stderr: `error: ${(error as Error).message}\n`, exitCode: 1 };
    }
  });
}
