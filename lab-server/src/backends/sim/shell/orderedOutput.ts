/**
 * A command's output in the order it was written. just-bash gives a command's stdout and stderr back apart, so
 * where both streams go to one place (the terminal, `2>&1`, `&>file`) it shows all of stdout, then all of stderr:
 * `curl -v` printed its body before its `*`/`>`/`<` lines. The lab shell reads each command line's redirections
 * (streamOrder.ts) and tells the commands that write both streams where they go, through `STREAMS_VARIABLE`
 * set on that one command (a prefix assignment, as `VAR=x cmd`); such a command then returns everything on stdout,
 * in the order it wrote it.
 */
import type { ExecResult } from 'just-bash';

/** The variable the lab shell sets on one command: `merged` and/or `terminal`, comma separated. */
export const STREAMS_VARIABLE = '__labs_streams';

/** The commands that read `STREAMS_VARIABLE` (in the lab shell and in containers): only they are told. */
export const STREAM_AWARE_COMMANDS: ReadonlySet<string> = new Set(['kubectl', 'istioctl', 'curl']);

/**
 * Commands that run other commands (`bash -c`, `xargs`, `timeout 5 curl -v ...`): told like the writers, so what
 * they run inherits the variable through their environment and keeps its order as it would run directly.
 */
export const CARRIERS: ReadonlySet<string> = new Set([
  'bash',
  'sh',
  'eval',
  'env',
  'xargs',
  'timeout',
  'time',
  'command',
  'builtin',
  'exec',
  'nice',
  'nohup',
  'source',
  '.',
]);

/** Where a command's stdout and stderr go, as the shell set them up. */
export interface StreamFacts {
  /** stderr goes where stdout goes (`2>&1`, the terminal, `&>file`). */
  merged: boolean;
  /** stdout is the learner's terminal (a TTY), not a pipe or a file. */
  terminal: boolean;
}

/** What the shell told the command about its streams (nothing: apart, and not a terminal). */
export function streamFacts(env: Map<string, string> | Record<string, string> | undefined): StreamFacts {
  const value = (env instanceof Map ? env.get(STREAMS_VARIABLE) : env?.[STREAMS_VARIABLE]) ?? '';
  // Values made at run time may join the words without a comma (`merged` + `,terminal` or `terminal`).
  return { merged: value.includes('merged'), terminal: value.includes('terminal') };
}

/** The environment a command hands to what it runs (`timeout 5 curl ...`): its exported variables, as exec does. */
export function childEnv(ctx: {
  exportedEnv?: Record<string, string>;
  env: Map<string, string>;
}): Record<string, string> {
  if (ctx.exportedEnv) return { ...ctx.exportedEnv };
  const told = ctx.env.get(STREAMS_VARIABLE);
  return told !== undefined ? { [STREAMS_VARIABLE]: told } : {};
}

/** The variable's value for `facts`; empty when there is nothing to tell. */
export function streamsValue(facts: StreamFacts): string {
  return [...(facts.merged ? ['merged'] : []), ...(facts.terminal ? ['terminal'] : [])].join(',');
}

/** Output written to stdout and stderr, kept in the order of the writes. */
export class OrderedOutput {
  readonly #chunks: { fd: 1 | 2; text: string }[] = [];

  /** Writes to stdout. */
  out(text: string): this {
    if (text) this.#chunks.push({ fd: 1, text });
    return this;
  }

  /** Writes to stderr. */
  err(text: string): this {
    if (text) this.#chunks.push({ fd: 2, text });
    return this;
  }

  /** Everything written to one stream. */
  stream(fd: 1 | 2): string {
    return this.#chunks
      .filter((c) => c.fd === fd)
      .map((c) => c.text)
      .join('');
  }

  /** The result for just-bash: in write order on stdout when the streams are merged, else each stream apart. */
  result(exitCode: number, merged: boolean): ExecResult {
    if (merged) return { stdout: this.#chunks.map((c) => c.text).join(''), stderr: '', exitCode };
    return { stdout: this.stream(1), stderr: this.stream(2), exitCode };
  }
}
