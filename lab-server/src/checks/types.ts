/** What every check evaluator receives and returns. */
import type { LabEnvironment } from '../contract.ts';
import type { Localized } from '../labs/schema.ts';
import type { Evidence } from '../protocol/api.ts';

/** Bounds on what one check may do. */
export interface CheckLimits {
  /** Most requests one traffic check may send (the sequential test stops at this many). */
  maxRequests: number;
  /** Requests in flight at once. */
  concurrency: number;
  /**
   * Only the verdict is wanted (background checks, which record passes only): a traffic check stops at the first
   * answer that decides it, and a failing check reads nothing more to explain itself (an observed check's requests
   * sent before the step began, an http or traffic check's gateway and egress facts). A learner's failing Check
   * counts its planned number of answers and looks, so that its explanation can say why.
   */
  verdictOnly?: boolean;
}

/** Default bounds: the schema's own maximum of requests, 8 in flight. */
export const DEFAULT_LIMITS: CheckLimits = { maxRequests: 1000, concurrency: 8 };

/** A lab editor file, for pointing explanations at the file that defines what is missing. */
export interface LabFileRef {
  name: string;
  content: string;
}

/** Everything an evaluator may use. */
export interface CheckContext {
  env: LabEnvironment;
  /** When the step began (the previous step passed, or the environment was created); env clock. */
  stepStartedAt: Date;
  /** When this check run began; env clock. Commands after it are the check's own, not the learner's. */
  checkStartedAt: Date;
  signal: AbortSignal;
  limits: CheckLimits;
  files: readonly LabFileRef[];
}

/** One attempt's outcome. */
export interface AttemptResult {
  ok: boolean;
  explanation: Localized;
  evidence: Evidence[];
  /**
   * What kind of failure this was, stable across attempts that saw the same thing (counts excluded):
   * the runner stops retrying once a failure has kept its signature for a while.
   */
  signature: string;
}

/** One check type's evaluator. */
export type Evaluator<C> = (check: C, ctx: CheckContext) => Promise<AttemptResult>;

/** Both languages at once. */
export function text(ko: string, en: string): Localized {
  return { ko, en };
}

/** Joins localized sentences with a space. */
export function joinText(...parts: (Localized | undefined)[]): Localized {
  const present = parts.filter((p): p is Localized => p !== undefined && p.en !== '');
  return { ko: present.map((p) => p.ko).join(' '), en: present.map((p) => p.en).join(' ') };
}
