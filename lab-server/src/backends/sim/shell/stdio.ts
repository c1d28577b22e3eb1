/**
 * A C program's stdout as its libc buffers it, so a simulated tool's writes reach the descriptor when the real
 * tool's would. stderr is unbuffered; stdout is line-buffered on a terminal and fully buffered elsewhere (a pipe,
 * a file), so `curl -v URL 2>&1 | head` shows every verbose line before the body, while on a terminal each
 * `-i` header line follows its `< ` line. Where both streams end in one place, this decides the order seen.
 */
import type { OrderedOutput, StreamFacts } from './orderedOutput.ts';

/** How a stdio stream holds writes back: not at all, up to each newline, or until its buffer fills. */
export type Buffering = 'none' | 'line' | 'full';

/** musl's BUFSIZ: the size of stdout's buffer in the Alpine-based images (curlimages/curl). */
export const MUSL_BUFSIZ = 1024;

/** stdout's buffering as libc chooses it at start: line-buffered when it is a terminal, else fully buffered. */
export function stdoutBuffering(facts: StreamFacts): Buffering {
  return facts.terminal ? 'line' : 'full';
}

/** A `FILE *` writing into one descriptor of an `OrderedOutput`. */
export class StdioStream {
  readonly #write: (text: string) => void;
  readonly #mode: Buffering;
  readonly #size: number;
  #pending = '';

  constructor(write: (text: string) => void, mode: Buffering, size = MUSL_BUFSIZ) {
    this.#write = write;
    this.#mode = mode;
    this.#size = size;
  }

  /** `fwrite`: what the buffer lets through now reaches the descriptor, the rest waits. */
  write(text: string): void {
    if (!text) return;
    if (this.#mode === 'none') {
      this.#write(text);
      return;
    }
    this.#pending += text;
    if (this.#mode === 'line') {
      // A write holding a newline flushes through its last newline (musl's __fwritex, glibc's _IO_LINE_BUF).
      const newline = this.#pending.lastIndexOf('\n');
      if (newline >= 0) {
        this.#write(this.#pending.slice(0, newline + 1));
        this.#pending = this.#pending.slice(newline + 1);
      }
    }
    // A full buffer goes out whole, in either buffered mode.
    while (this.#pending.length >= this.#size) {
      this.#write(this.#pending.slice(0, this.#size));
      this.#pending = this.#pending.slice(this.#size);
    }
  }

  /** `fflush`: everything held back reaches the descriptor. */
  flush(): void {
    if (this.#pending) this.#write(this.#pending);
    this.#pending = '';
  }
}

/** A program's stdout and stderr over `output`, buffered as libc buffers them for `facts`. */
export function stdioStreams(
  output: OrderedOutput,
  facts: StreamFacts,
  options: { unbufferedStdout?: boolean } = {},
): { stdout: StdioStream; stderr: StdioStream } {
  return {
    stdout: new StdioStream((t) => output.out(t), options.unbufferedStdout ? 'none' : stdoutBuffering(facts)),
    stderr: new StdioStream((t) => output.err(t), 'none'),
  };
}
