/** Container logs, kept per container with the clock's time, bounded so a chatty app cannot fill memory. */
import type { LogLine, LogStore, SimClock } from '../types.ts';

/** Lines kept per container (the oldest go first, as with kubelet's log rotation). */
export const LOG_LINES_PER_CONTAINER = 5000;

/**
 * One container's lines: the newest `LOG_LINES_PER_CONTAINER` are `lines.slice(start)`. Dropping the oldest
 * only moves `start`; the array is compacted when the dropped part grows as large as the kept part, so an
 * append costs O(1) amortised even for a container that logs on every request.
 */
interface ContainerLog {
  lines: LogLine[];
  start: number;
  /** `namespace/pod/container`, its key in `#lines` and `#followers`. */
  key: string;
}

/** Every container's kept lines, by `namespace/pod/container`. */
export type LogSnapshot = ReadonlyMap<string, readonly LogLine[]>;

/** A `LogStore` in memory. */
export class MemoryLogStore implements LogStore {
  readonly #lines = new Map<string, ContainerLog>();
  /**
   * The same logs by namespace, pod and container: an append finds its log by the three names it is given (kept
   * strings, their hashes kept too) rather than by a key joined anew, and hashed, for each of a request's lines.
   */
  readonly #byName = new Map<string, Map<string, Map<string, ContainerLog>>>();
  readonly #followers = new Map<string, Set<(line: LogLine) => void>>();
  readonly #clock: SimClock;
  /** Counts appends and forgotten pods: the last snapshot stands while it does not move (one per command is asked). */
  #changes = 0;
  #snapshot: { changes: number; value: LogSnapshot } | undefined;

  /** Empty, or holding the lines of `from` (a snapshot of another store). */
  constructor(clock: SimClock, from?: LogSnapshot) {
    this.#clock = clock;
    if (from)
      for (const [key, lines] of from) {
        const [namespace = '', pod = '', container = ''] = key.split('/');
        this.#add(namespace, pod, container, { lines: [...lines], start: 0, key });
      }
  }

  /** The kept lines of every container now (line objects are never changed, so they are shared). */
  snapshot(): LogSnapshot {
    if (this.#snapshot?.changes !== this.#changes)
      this.#snapshot = {
        changes: this.#changes,
        value: new Map([...this.#lines].map(([key, log]) => [key, log.lines.slice(log.start)])),
      };
    return this.#snapshot.value;
  }

  append(namespace: string, pod: string, container: string, text: string): void {
    const at = this.#clock.now();
    if (!text.includes('\n')) {
      this.#push(namespace, pod, container, { at, text });
      return;
    }
    for (const part of text.replace(/\n$/, '').split('\n')) this.#push(namespace, pod, container, { at, text: part });
  }

  #add(namespace: string, pod: string, container: string, log: ContainerLog): void {
    this.#lines.set(log.key, log);
    let pods = this.#byName.get(namespace);
    if (!pods) this.#byName.set(namespace, (pods = new Map()));
    let containers = pods.get(pod);
    if (!containers) pods.set(pod, (containers = new Map()));
    containers.set(container, log);
  }

  #push(namespace: string, pod: string, container: string, line: LogLine): void {
    this.#changes++;
    let log = this.#byName.get(namespace)?.get(pod)?.get(container);
    if (!log)
      this.#add(namespace, pod, container, (log = { lines: [], start: 0, key: `${namespace}/${pod}/${container}` }));
    const followers = this.#followers.size > 0 ? this.#followers.get(log.key) : undefined;
    log.lines.push(line);
    if (followers) for (const follower of followers) follower(line);
    log.start = Math.max(log.start, log.lines.length - LOG_LINES_PER_CONTAINER);
    if (log.start >= LOG_LINES_PER_CONTAINER) {
      log.lines = log.lines.slice(log.start);
      log.start = 0;
    }
  }

  read(
    namespace: string,
    pod: string,
    container: string,
    options: { sinceMs?: number; tail?: number } = {},
  ): LogLine[] {
    const log = this.#lines.get(`${namespace}/${pod}/${container}`);
    let lines = log ? log.lines.slice(log.start) : [];
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
    this.#byName.get(namespace)?.delete(pod);
    for (const key of this.#lines.keys())
      if (key.startsWith(`${namespace}/${pod}/`)) {
        this.#lines.delete(key);
        this.#changes++;
      }
  }
}
