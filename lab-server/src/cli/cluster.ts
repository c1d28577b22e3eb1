/** `labs cluster up|down|status`: delegates to the kind backend's cluster command. */
import { CliError } from './args.ts';
import { HELP } from './help.ts';

/** Runs the command; resolves with the exit status. */
export async function clusterCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    out.write(HELP.cluster!);
    return argv.length === 0 ? 2 : 0;
  }
  const url = new URL('../backends/kind/cluster-cli.ts', import.meta.url);
  let mod: { runClusterCommand(argv: string[]): Promise<number> };
  try {
    mod = await import(/* @vite-ignore */ url.href);
  } catch (error) {
    if (
      (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' &&
      String((error as Error).message).includes('cluster-cli.ts')
    ) {
      throw new CliError(
        'labs cluster: the kind backend is not available in this checkout (lab-server/src/backends/kind/cluster-cli.ts is missing)',
      );
    }
    throw error;
  }
  return mod.runClusterCommand(argv);
}
