/** Paths inside the repository, independent of the working directory the CLI was started from. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository's root directory (four levels above this file). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** An absolute path inside the repository. */
export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative);
}
