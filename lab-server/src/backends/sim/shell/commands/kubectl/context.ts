/** What every kubectl subcommand gets: the simulator, the shell's files, stdin, and where to stream. */
import type { IFileSystem } from 'just-bash';
import type { SimCluster, SimCommandHost } from '../../../types.ts';
import type { StreamFacts } from '../../orderedOutput.ts';

/** The context of one kubectl invocation. */
export interface CommandContext {
  host: SimCommandHost & { cluster: SimCluster };
  cluster: SimCluster;
  fs: IFileSystem;
  cwd: string;
  stdinText(): string;
  signal?: AbortSignal;
  /** Where the shell sends kubectl's stdout and stderr (one place or apart, a terminal or not). */
  streams: StreamFacts;
  /** The namespace flags chose (`-n`), else `default`. */
  namespace: string;
  namespaceGiven: boolean;
}

/** What a subcommand returns. */
export interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Output helpers. */
export const out = {
  ok: (stdout: string): Output => ({ stdout, stderr: '', exitCode: 0 }),
  fail: (stderr: string, stdout = ''): Output => ({
    stdout,
    stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`,
    exitCode: 1,
  }),
};
