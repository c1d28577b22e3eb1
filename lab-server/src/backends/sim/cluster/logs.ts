/** Container logs, kept per container with the clock's time, bounded so a chatty app cannot fill memory. */
import type { LogLine, LogStore, SimClock } from '../types.ts';

/** Lines kept per container (the oldest go first, as with kubelet's log rotation). */
export const LOG_LINES_PER_CONTAINER = 5000;

/**
 * Characters of log kept per environment, all its containers together: over this, the environment's oldest lines go
 * first, whichever container wrote them, each container keeping its last `LOG_LINES_ALWAYS_KEPT`. A kubelet's limit is
 * per container (10 MiB by default); here the lines live in the heap of a worker holding about 500 learners'
 * environments under a limit of 768 MB. Every proxy writes a line on every hop (2.3 KB of text, 3.3 KB of heap, a
 * request of the 50/50 check), so with only 5,000 lines a container a worker of 500 environments ran out of heap during
 * the second round of Checks (`bench/workshopMemory.ts 500 3` under `--max-old-space-size=768`). What a learner just
 * did stays whole: a 200-request check writes about 470 KB in all.
 */
export const LOG_CHARS_PER_ENVIRONMENT = 512 * 1024;

/** Lines of each container kept whatever their age (a quiet container's last words: a mirror's, a start-up's). */
export const LOG_LINES_ALWAYS_KEPT = 20;

/**
 * One container's lines: the newest `LOG_LINES_PER_CONTAINER` are `lines.slice(start)`. Dropping the oldest
 * only moves `start`; the array is compacted when the dropped part grows as large as the kept part, so an
 * append costs O(1) amortised even for a container that logs on every request.
 */
interface ContainerLog {
  lines: LogLine[];
  start: number;
  /** Characters of the kept lines. */
  chars: number;
  /** `namespace/pod/container`, its key in `#lines` and `#followers`. */
  key: string;
}

/** Every container's kept lines, by `namespace/pod/container`. */
export type LogSnapshot = ReadonlyMap<string, readonly LogLine[]>;

/**
 * True when two snapshots hold the same containers with the same lines. A line object is pushed once and never
 * changed, so a container whose kept lines have the same count and the same last line has had nothing pushed or
 * dropped in between.
 */
export function sameLogs(a: LogSnapshot, b: LogSnapshot): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, lines] of a) {
    const other = b.get(key);
    if (!other || other.length !== lines.length || other.at(-1) !== lines.at(-1)) return false;
  }
  return true;
}

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
  /** Characters of every container's kept lines. */
  #chars = 0;
  readonly #maxChars: number;

  /** Empty, or holding the lines of `from` (a snapshot of another store); at most `maxChars` of lines in all. */
  constructor(clock: SimClock, from?: LogSnapshot, maxChars = LOG_CHARS_PER_ENVIRONMENT) {
    this.#clock = clock;
    this.#maxChars = maxChars;
    if (from)
      for (const [key, lines] of from) {
        const [namespace = '', pod = '', container = ''] = key.split('/');
        let chars = 0;
        for (const line of lines) chars += line.text.length;
        this.#add(namespace, pod, container, { lines: [...lines], start: 0, chars, key });
        this.#chars += chars;
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
      this.#add(
        namespace,
        pod,
        container,
        (log = { lines: [], start: 0, chars: 0, key: `${namespace}/${pod}/${container}` }),
      );
    const followers = this.#followers.size > 0 ? this.#followers.get(log.key) : undefined;
    log.lines.push(line);
    log.chars += line.text.length;
    this.#chars += line.text.length;
    if (followers) for (const follower of followers) follower(line);
    while (log.lines.length - log.start > LOG_LINES_PER_CONTAINER) this.#dropOldest(log);
    if (this.#chars > this.#maxChars) this.#trim();
    this.#compact(log);
  }

  /**
   * Drops the environment's oldest lines until its lines fit: the oldest first line among its containers, but each
   * container keeps its newest `LOG_LINES_ALWAYS_KEPT` (then, over the limit still, its newest one).
   */
  #trim(): void {
    while (this.#chars > this.#maxChars) {
      let oldest: ContainerLog | undefined;
      let largest: ContainerLog | undefined;
      for (const log of this.#lines.values()) {
        const kept = log.lines.length - log.start;
        if (kept > LOG_LINES_ALWAYS_KEPT && (!oldest || log.lines[log.start]!.at < oldest.lines[oldest.start]!.at))
          oldest = log;
        if (kept > 1 && log.chars > (largest?.chars ?? 0)) largest = log;
      }
      const victim = oldest ?? largest;
      if (!victim) return;
      this.#dropOldest(victim);
      this.#compact(victim);
    }
  }

  #dropOldest(log: ContainerLog): void {
    const chars = log.lines[log.start]!.text.length;
    log.start++;
    log.chars -= chars;
    this.#chars -= chars;
  }

  /** The dropped part goes once it is as large as the kept part: an append costs O(1) amortised. */
  #compact(log: ContainerLog): void {
    if (log.start > 0 && log.start >= log.lines.length - log.start) {
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
    // Each step makes a new array: what is returned is the caller's own.
    let lines = log ? log.lines.slice(log.start) : [];
    if (options.sinceMs !== undefined) lines = lines.filter((l) => l.at >= options.sinceMs!);
    if (options.tail !== undefined && options.tail >= 0) lines = options.tail === 0 ? [] : lines.slice(-options.tail);
    return lines;
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
        this.#chars -= this.#lines.get(key)!.chars;
        this.#lines.delete(key);
        this.#changes++;
      }
  }
}
