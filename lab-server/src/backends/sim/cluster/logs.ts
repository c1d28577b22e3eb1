/** Container logs, kept per container with the clock's time, bounded so a chatty app cannot fill memory. */
import type { LogLine, LogStore, SimClock } from '../types.ts';

/** Lines kept per container (the oldest go first, as with kubelet's log rotation). */
export const LOG_LINES_PER_CONTAINER = 5000;

/** A `LogStore` in memory. */
export class MemoryLogStore implements LogStore {
  readonly #lines = new Map<string, LogLine[]>();
  readonly #followers = new Map<string, Set<(line: LogLine) => void>>();
  readonly #clock: SimClock;

  constructor(clock: SimClock) {
    this.#clock = clock;
  }

  append(namespace: string, pod: string, container: string, text: string): void {
    const key = `${namespace}/${pod}/${container}`;
    let lines = this.#lines.get(key);
    if (!lines) this.#lines.set(key, (lines = []));
    for (const part of text.replace(/\n$/, '').split('\n')) {
      const line = { at: this.#clock.now(), text: part };
      lines.push(line);
      for (const follower of this.#followers.get(key) ?? []) follower(line);
    }
    if (lines.length > LOG_LINES_PER_CONTAINER) lines.splice(0, lines.length - LOG_LINES_PER_CONTAINER);
  }

  read(
    namespace: string,
    pod: string,
    container: string,
    options: { sinceMs?: number; tail?: number } = {},
  ): LogLine[] {
    let lines = this.#lines.get(`${namespace}/${pod}/${container}`) ?? [];
    if (options.sinceMs !== undefined) lines = lines.filter((l) => l.at >= options.sinceMs!);
    if (options.tail !== undefined && options.tail >= 0) lines = options.tail === 0 ? [] : lines.slice(-options.tail);
    return [...lines];
  }

  follow(namespace: string, pod: string, container: string, listener: (line: LogLine) => void): () => void {
    const key = `${namespace}/${pod}/${container}`;
    let set = this.#followers.get(key);
    if (!set) this.#followers.set(key, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Drops the logs of a pod that is gone. */
  forgetPod(namespace: string, pod: string): void {
    for (const key of this.#lines.keys()) if (key.startsWith(`${namespace}/${pod}/`)) this.#lines.delete(key);
  }
}
