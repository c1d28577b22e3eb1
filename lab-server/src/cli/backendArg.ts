/** Making the backend named on the command line, turning its setup errors into CLI errors. */
import type { LabBackend } from '../contract.ts';
import { BackendUnavailableError, createBackend } from '../backends/index.ts';
import { CliError } from './args.ts';

/** The backend, or a `CliError` whose message is the backend's own (one line per missing prerequisite for kind). */
export async function backendFromArg(name: 'sim' | 'kind', options: { isolated?: boolean } = {}): Promise<LabBackend> {
  try {
    return await createBackend(name, options);
  } catch (error) {
    if (error instanceof BackendUnavailableError) throw new CliError(error.message, 1);
    if (name === 'kind' && error instanceof Error)
      throw new CliError(`the kind backend cannot start:\n${error.message}`, 1);
    throw error;
  }
}
