/**
 * `kubectl top`: resource usage comes from the Metrics API, which kind does not install (no metrics-server), so
 * kubectl says it is not available, exactly as on the lessons' kind cluster.
 */
import type { FlagSpec, ParsedArgs } from './args.ts';
import type { Output } from './context.ts';

/** Flags of top (shared by `top pod` and `top node`). */
export const TOP_FLAGS: FlagSpec = {
  values: ['selector', 'sort-by', 'field-selector'],
  booleans: ['all-namespaces', 'containers', 'no-headers', 'use-protocol-buffers', 'sum', 'show-capacity'],
  short: { l: 'selector', A: 'all-namespaces' },
};

const HELP = `Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use "kubectl top <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

/** `kubectl top [node|pod]`. */
export function top(args: ParsedArgs): Output {
  const what = args.positionals[0];
  if (what === undefined) return { stdout: HELP, stderr: '', exitCode: 0 };
  if (!['node', 'nodes', 'no', 'pod', 'pods', 'po'].includes(what))
    return {
      stdout: '',
      stderr: `error: unknown command "${what}" for "kubectl top"\n\nDid you mean this?\n\tnode\n\tpod\n`,
      exitCode: 1,
    };
  return { stdout: '', stderr: 'error: Metrics API not available\n', exitCode: 1 };
}
