/** The backend named on the command line (`--backend`, `--context`), made, with its setup errors turned into CLI errors. */
import type { BackendName, LabBackend } from '../contract.ts';
import { BACKEND_NAMES, createBackend } from '../backends/index.ts';
import { choiceFlag, CliError, UsageError } from './args.ts';

/** Which backend, on which cluster, for one learner or a class. */
export interface BackendChoice {
  name: BackendName;
  /** kubeconfig context (kind and kube only). */
  context?: string;
  /** A class: a namespace, a gateway and a confined toolbox per learner (kind and kube). */
  classroom?: boolean;
  /** sim: environments in a pool of worker threads (what `labs serve` uses). */
  isolated?: boolean;
}

/** Reads `--backend` and `--context` of `command`; `--context` with the simulator is a usage error. */
export function backendChoice(
  command: string,
  values: { backend?: unknown; context?: unknown },
  classroom = false,
): BackendChoice {
  const name = choiceFlag(command, '--backend', values.backend as string | undefined, BACKEND_NAMES) ?? 'sim';
  const context = values.context as string | undefined;
  if (context !== undefined && name === 'sim')
    throw new UsageError(command, '--context names a cluster: use it with --backend kind or --backend kube');
  if (context !== undefined && !context.trim()) throw new UsageError(command, '--context needs a context name');
  return { name, ...(context !== undefined ? { context } : {}), ...(classroom ? { classroom } : {}) };
}

/** The backend, or a `CliError` whose message is the backend's own (one line per missing prerequisite). */
export async function backendFromArg(choice: BackendChoice): Promise<LabBackend> {
  const cluster = {
    ...(choice.context !== undefined ? { context: choice.context } : {}),
    ...(choice.classroom !== undefined ? { classroom: choice.classroom } : {}),
  };
  try {
    return await createBackend(choice.name, {
      kind: cluster,
      kube: cluster,
      ...(choice.isolated ? { isolated: true } : {}),
    });
  } catch (error) {
    if (choice.name !== 'sim' && error instanceof Error) {
      const lines = error.message.split('\n');
      // One problem fits on the line that says what failed; several get a line each.
      throw new CliError(
        `the ${choice.name} backend cannot start${lines.length === 1 ? `: ${lines[0]}` : `:\n${error.message}`}`,
        1,
      );
    }
    throw error;
  }
}
