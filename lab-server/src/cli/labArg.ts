/** Resolving `--lab <id>` into a loaded lab, with the CLI's errors. */
import { LabFileError, UnknownLabError, loadLab, type LoadedLab } from '../labs/load.ts';
import { CliError } from './args.ts';

/** The lab named on the command line; exit 2 for an unknown id (listing the valid ones), 1 for a broken file. */
export function labFromArg(id: string, contentDir?: string): LoadedLab {
  try {
    return loadLab(id, contentDir ? { contentDir } : {});
  } catch (error) {
    if (error instanceof UnknownLabError) throw new CliError(error.message, 2);
    if (error instanceof LabFileError) throw new CliError(error.message, 1);
    throw error;
  }
}
