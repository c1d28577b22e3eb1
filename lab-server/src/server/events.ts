/**
 * What happens in the lab server, for observers (the classroom's dashboard, journals, live views).
 * Observers only listen; nothing they do changes the learner's session.
 */
import { EventEmitter } from 'node:events';
import type { CommandRecord, LabEnvironment } from '../contract.ts';
import type { CheckResultBody } from '../protocol/api.ts';
import type { CheckAttempt, SessionRecord } from './stores.ts';

/** Every event and its payload. */
export interface LabServerEventMap {
  /** A session was made (a new browser, or a learner joining). */
  'session-created': { session: SessionRecord };
  /** An environment was made and prepared for a session's lab (after `restoreEnvironment`, if any). */
  'environment-created': { sessionId: string; lab: string; env: LabEnvironment };
  /** A check finished and was recorded. */
  check: { sessionId: string; lab: string; step: string; result: CheckResultBody; attempt: CheckAttempt };
  /** Output of a learner's terminal (already batched). */
  output: { sessionId: string; lab: string; data: string };
  /** A command line finished in a learner's terminal. */
  command: { sessionId: string; lab: string; record: CommandRecord };
  /** The editor's Apply ran (`kubectl apply -f -` with this YAML). */
  apply: { sessionId: string; lab: string; yaml: string; exitCode: number; output: string };
  /** An environment was reset to its starting state. */
  reset: { sessionId: string; lab: string };
  /** A session's environments were disposed (removed learner, idle timeout). */
  'session-closed': { sessionId: string };
}

/** A typed event emitter over `LabServerEventMap`. */
export class LabServerEvents {
  #emitter = new EventEmitter();
  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof LabServerEventMap>(name: K, listener: (event: LabServerEventMap[K]) => void): () => void {
    this.#emitter.on(name, listener);
    return () => this.#emitter.off(name, listener);
  }

  /** Notifies listeners; a listener that throws is reported and never breaks the learner's request. */
  emit<K extends keyof LabServerEventMap>(name: K, event: LabServerEventMap[K]): void {
    for (const listener of this.#emitter.listeners(name)) {
      try {
        (listener as (e: LabServerEventMap[K]) => void)(event);
      } catch (error) {
        console.error(`labs: a listener of "${name}" failed:`, error);
      }
    }
  }
}
