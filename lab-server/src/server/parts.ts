/** The pieces of a running lab server, handed to route handlers and to extensions (the classroom). */
import type { LabBackend } from '../contract.ts';
import type { CheckLimits } from '../checks/types.ts';
import type { LoadedLab } from '../labs/load.ts';
import type { LabServerEvents } from './events.ts';
import type { LabRuntime } from './labRuntime.ts';
import type { TerminalServerMessage } from '../protocol/terminal.ts';
import type { SessionManager } from './sessions.ts';
import type { ProgressStore } from './stores.ts';
import { HttpError } from './http.ts';

/**
 * A fixed-window rate limit per key (a client address): `take(key)` throws 429 when that key's window is full.
 * One page hammering the server locks out only its own address, never every new visitor.
 */
export class RateLimiter {
  readonly perMinute: number;
  readonly #windows = new Map<string, { start: number; count: number }>();
  constructor(perMinute: number) {
    this.perMinute = perMinute;
  }

  take(key = ''): void {
    const now = Date.now();
    // Old windows are dropped as we go, so the map holds at most the addresses of the last minute.
    if (this.#windows.size > 10_000)
      for (const [k, w] of this.#windows) if (now - w.start >= 60_000) this.#windows.delete(k);
    let window = this.#windows.get(key);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    if (++window.count > this.perMinute)
      throw new HttpError(429, 'too many new sessions from this address; try again in a minute', {
        code: 'session.tooMany',
      });
  }
}

/** Counts what a session has in flight (checks) and refuses more than `limit` at once. */
export class InFlightLimiter {
  readonly limit: number;
  readonly #counts = new Map<string, number>();
  constructor(limit: number) {
    this.limit = limit;
  }

  /** Runs `task` if the key has fewer than `limit` in flight; 429 otherwise. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const n = this.#counts.get(key) ?? 0;
    if (n >= this.limit)
      throw new HttpError(429, `${this.limit} checks are already running for this session; wait for them to finish`, {
        code: 'actions.tooMany',
        params: { limit: this.limit },
      });
    this.#counts.set(key, n + 1);
    try {
      return await task();
    } finally {
      const left = (this.#counts.get(key) ?? 1) - 1;
      if (left <= 0) this.#counts.delete(key);
      else this.#counts.set(key, left);
    }
  }
}

/** Sends messages to every open terminal socket of a session (progress updates). */
export interface SessionNotifier {
  notify(sessionId: string, message: TerminalServerMessage): void;
}

/** How checks run on this server. */
export interface CheckSettings {
  limits: CheckLimits;
  /** See `RunOptions.settleMs`. */
  settleMs: number;
  /** Caps every check's deadline (a check's own `timeoutSeconds` still applies below it). */
  maxWaitMs?: number;
}

/** Everything handlers use. */
export interface ServerParts {
  backend: LabBackend;
  /** Ready labs by id (planned labs are listed in `allLabs` only). */
  labs: ReadonlyMap<string, LoadedLab>;
  allLabs: readonly LoadedLab[];
  sessions: SessionManager;
  progress: ProgressStore;
  runtime: LabRuntime;
  events: LabServerEvents;
  notifier: SessionNotifier;
  /** New anonymous sessions per client address. */
  sessionLimiter: RateLimiter;
  /** Checks (and other long lab actions) in flight per session. */
  inFlight: InFlightLimiter;
  checks: CheckSettings;
}
