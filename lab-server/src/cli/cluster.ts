/** `labs cluster up|down|status`: delegates to the kind backend's cluster command. */
import { HELP } from './help.ts';

/** Runs the command; resolves with the exit status. */
export async function clusterCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    out.write(HELP.cluster!);
    return argv.length === 0 ? 2 : 0;
  }
  // Imported only here, so the other commands never load the Kubernetes client.
  const { runClusterCommand } = await import('../backends/kind/cluster-cli.ts');
  return runClusterCommand(argv);
}
