/**
 * An environment's journal in the pool: what changed it since its last reset (terminals opened, command lines
 * that finished, scripts run), bounded, so the environment can be rebuilt in another worker. A line that was
 * interrupted (Ctrl-C, a time limit) or still running when its worker died is never written: it was never
 * acknowledged, and it may be the very command that broke the worker.
 */
import type { JournalEntry } from './protocol.ts';

/** Exit statuses of lines that did not finish on their own: 124 time limit, 130 Ctrl-C, 137 worker stopped. */
export const UNFINISHED = new Set([124, 130, 137]);

/** Bounds of one journal. */
export interface JournalLimits {
  entries: number;
  chars: number;
}

/** The default bounds: far above a lesson's worth of typing, far below a worker's memory. */
export const JOURNAL_LIMITS: JournalLimits = { entries: 5_000, chars: 4 * 1024 * 1024 };

/** One environment's journal. */
export class EnvironmentJournal {
  readonly #limits: JournalLimits;
  #entries: JournalEntry[] = [];
  #chars = 0;
  /** True once something could not be kept: a rebuild then comes back incomplete and says so. */
  overflowed = false;

  constructor(limits: JournalLimits = JOURNAL_LIMITS) {
    this.#limits = limits;
  }

  /** Entries in order. */
  get entries(): readonly JournalEntry[] {
    return this.#entries;
  }

  /** `at` (here and below): when it began on the environment's clock (ms), replayed then by a rebuild. */
  terminalOpened(term: number, cols: number, at?: number): void {
    this.#push({ kind: 'terminal', term, cols, ...(at !== undefined ? { at } : {}) }, 0);
  }

  lineFinished(term: number, line: string, exitCode: number, at?: number): void {
    if (UNFINISHED.has(exitCode)) return;
    this.#push({ kind: 'line', term, line, ...(at !== undefined ? { at } : {}) }, line.length);
  }

  scriptRun(script: string, at?: number): void {
    this.#push({ kind: 'script', script, ...(at !== undefined ? { at } : {}) }, script.length);
  }

  /** After a reset only the terminals remain (they live on across it). */
  reset(): void {
    this.#entries = this.#entries.filter((e) => e.kind === 'terminal');
    this.#chars = 0;
    this.overflowed = false;
  }

  #push(entry: JournalEntry, chars: number): void {
    if (this.#entries.length >= this.#limits.entries || this.#chars + chars > this.#limits.chars) {
      if (entry.kind !== 'terminal') {
        this.overflowed = true;
        return;
      }
    }
    this.#entries.push(entry);
    this.#chars += chars;
  }
}
