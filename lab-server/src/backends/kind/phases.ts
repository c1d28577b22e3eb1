/**
 * Progress lines in kind's style: each phase is one line that ends in ✓ or ✗ (with its duration), and a
 * failed phase is followed by what went wrong. On a terminal the running phase shows as ` • ...` first.
 */

/** A failure inside a phase, with the lines to show under it. */
export class PhaseError extends Error {
  readonly details: string[];
  constructor(message: string, details: string[] = []) {
    super(message);
    this.name = 'PhaseError';
    this.details = details;
  }
}

/** Prints phases to a stream. */
export class PhasePrinter {
  #out: NodeJS.WritableStream & { isTTY?: boolean };
  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }) {
    this.#out = out;
  }

  /** Runs `work` as a phase titled `title`; its resolved string, if any, replaces the title on the ✓ line. */
  async phase(title: string, work: () => Promise<string | undefined>): Promise<void> {
    const started = performance.now();
    if (this.#out.isTTY) this.#out.write(` • ${title} ...`);
    const clear = this.#out.isTTY ? '\r\x1b[K' : '';
    const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    try {
      const done = await work();
      this.#out.write(`${clear} ✓ ${done || title} (${seconds()})\n`);
    } catch (error) {
      this.#out.write(`${clear} ✗ ${title} (${seconds()})\n`);
      const lines =
        error instanceof PhaseError
          ? [error.message, ...error.details]
          : [error instanceof Error ? error.message : String(error)];
      for (const line of lines.flatMap((l) => l.split('\n')).filter((l) => l.trim())) this.#out.write(`   ${line}\n`);
      throw error instanceof PhaseError ? error : new PhaseError(lines[0] ?? title);
    }
  }

  /** A line outside any phase. */
  line(text: string): void {
    this.#out.write(`${text}\n`);
  }
}
