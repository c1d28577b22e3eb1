/** The `labs` command line: dispatches to serve, shell, verify, cluster and class, and turns errors into messages and exit codes. */
import { CliError, UsageError } from './args.ts';
import { classCommand } from './classCommand.ts';
import { clusterCommand } from './cluster.ts';
import { HELP } from './help.ts';
import { serveCommand } from './serve.ts';
import { shellCommand } from './shell.ts';
import { verifyCommand } from './verify.ts';

/** Runs `labs <argv>`; resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const err = process.stderr;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, process.stdout);
      case 'shell':
        return await shellCommand(rest, {
          stdin: process.stdin,
          stdout: process.stdout,
          isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
        });
      case 'verify':
        return await verifyCommand(rest, process.stdout);
      case 'cluster':
        return await clusterCommand(rest, process.stdout);
      case 'class':
        return await classCommand(rest, process.stdout);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        (command === undefined ? err : process.stdout).write(HELP.labs!);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError('labs', `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const prefix = error.command === 'labs' ? 'labs' : `labs ${error.command}`;
      err.write(`${prefix}: ${error.message}\nRun "${prefix} --help" for usage.\n`);
      return 2;
    }
    if (error instanceof CliError) {
      err.write(`${error.message.startsWith('labs') ? '' : 'labs: '}${error.message}\n`);
      return error.exitCode;
    }
    err.write(`labs: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
