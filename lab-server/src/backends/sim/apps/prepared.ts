/**
 * Prepared answers: what an app answers is a function of a few inputs, and a check asks for the same few answers
 * hundreds of times. Keeping each answer (body, byte length, headers) made once also hands every hop the very same
 * body string, whose hash and byte length later memos then read without going over its characters again.
 */
import type { AppResponse } from './types.ts';

/** Answers kept at most per memo (a flood of distinct keys starts it afresh). */
const MAX_PREPARED = 256;

/** A bounded memo of values by key, made once each. */
export class Prepared<V> {
  readonly #values = new Map<string, V>();

  /** The value for `key`, made by `make` the first time. */
  get(key: string, make: () => V): V {
    let value = this.#values.get(key);
    if (value === undefined) {
      value = make();
      if (this.#values.size >= MAX_PREPARED) this.#values.clear();
      this.#values.set(key, value);
    }
    return value;
  }
}

/** Freezes an answer to share between requests and learners: nobody's copy can change another's. */
export function frozenAnswer(answer: AppResponse): AppResponse {
  for (const pair of answer.headers) Object.freeze(pair);
  Object.freeze(answer.headers);
  return Object.freeze(answer);
}
