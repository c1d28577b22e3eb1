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

/** A fixed-window rate limit; `take()` throws 429 when the window is full. */
export class RateLimiter {
  readonly perMinute: number;
  #windowStart = Date.now();
  #count = 0;
  constructor(perMinute: number) {
    this.perMinute = perMinute;
  }

  take(): void {
    const now = Date.now();
    if (now - this.#windowStart >= 60_000) {
      this.#windowStart = now;
      this.#count = 0;
    }
    if (++this.#count > this.perMinute) throw new HttpError(429, 'too many new sessions; try again in a minute');
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
  sessionLimiter: RateLimiter;
  checks: CheckSettings;
}
