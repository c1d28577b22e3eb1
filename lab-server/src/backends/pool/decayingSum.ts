/** A sum that halves every `halfLifeMs`: how much an environment held its worker lately, forgetting the past. */
export class DecayingSum {
  readonly #halfLifeMs: number;
  readonly #now: () => number;
  #value = 0;
  #at: number;

  constructor(halfLifeMs: number, now: () => number = Date.now) {
    this.#halfLifeMs = halfLifeMs;
    this.#now = now;
    this.#at = now();
  }

  /** Adds `amount` and returns the sum now. */
  add(amount: number): number {
    this.#value = this.value + amount;
    this.#at = this.#now();
    return this.#value;
  }

  /** The sum now. */
  get value(): number {
    return this.#value * 0.5 ** ((this.#now() - this.#at) / this.#halfLifeMs);
  }
}
