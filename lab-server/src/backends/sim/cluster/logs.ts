/**
 * Container logs, kept per container with the clock's time, bounded so a chatty app cannot fill memory.
 *
 * A container's lines are kept as a kubelet keeps them, in a file of sorts: their characters one after another in a
 * byte buffer outside the JavaScript heap, with each line's end and time in typed arrays. Every proxy writes a line
 * on every hop of every request (9.5 lines, 2.3 KB of text, a request of the lessons' 50/50 check), and almost none
 * is ever read. Kept as strings, each line was copied out of the young generation and then marked again and again
 * in the old one with the hundreds of environments of its worker; written here, the string dies young. A traffic
 * check cost about a sixth more CPU with its lines kept as strings than with them thrown away (`bench/trafficCpu.ts`).
 */
import type { LogLine, LogStore, SimClock } from '../types.ts';

/** Lines kept per container (the oldest go first, as with kubelet's log rotation). */
export const LOG_LINES_PER_CONTAINER = 5000;

/**
 * Bytes of log kept per environment, all its containers together. The buffers are outside the heap a worker's limit
 * caps, and a kubelet's limit is per container (10 MiB by default): a thousand learners' environments, each with a
 * dozen containers logging, would add up to far more than a server has. Over this, the environment's oldest lines go
 * first, whichever container wrote them, so what a learner just did is all there: a 200-request check through
 * Bookinfo writes about 470 KB in all, an 800-request one about 1.8 MB. The storage behind the lines takes up to
 * about twice this (room to grow, dropped lines not yet moved out).
 */
export const LOG_BYTES_PER_ENVIRONMENT = 1024 * 1024;

/** Lines of each container kept whatever their age (a quiet container's last words: a mirror's, a start-up's). */
export const LOG_LINES_ALWAYS_KEPT = 20;

/** A line with a character beyond Latin-1 (a learner's Korean, an emoji): kept as UTF-16 code units, exactly. */
const WIDE = /[^\u0000-\u00ff]/;

/**
 * Lines' storage, shared by a live log and the snapshots taken of it: the bytes and arrays up to `frontier` never
 * change. Only the log whose lines end at the frontier writes past it, in place; any other (a snapshot's store that
 * goes on from it) copies its lines out first. Dropping the oldest lines makes new storage, never moves the old.
 */
class Storage {
  readonly bytes: Buffer;
  /** Where each line's bytes end. */
  readonly ends: Uint32Array;
  readonly times: Float64Array;
  /** 1 for a line kept as UTF-16 code units, 0 for one kept as Latin-1 bytes. */
  readonly wide: Uint8Array;
  /** Lines written so far. */
  frontier = 0;
  /** Seen by a snapshot (or a store made from one): its lines never move. Else its one log may move them in place. */
  shared = false;

  constructor(lines: number, bytes: number) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(1024, bytes));
    this.ends = new Uint32Array(Math.max(16, lines));
    this.times = new Float64Array(Math.max(16, lines));
    this.wide = new Uint8Array(Math.max(16, lines));
  }

  startOf(line: number): number {
    return line === 0 ? 0 : this.ends[line - 1]!;
  }

  text(line: number): string {
    const start = this.startOf(line);
    const end = this.ends[line]!;
    return this.bytes.toString(this.wide[line] ? 'utf16le' : 'latin1', start, end);
  }
}

/** One container's kept lines: `first` to `count` (exclusive) of its storage. */
class ContainerLog {
  readonly key: string;
  storage: Storage;
  first: number;
  count: number;

  constructor(key: string, storage: Storage, first: number, count: number) {
    this.key = key;
    this.storage = storage;
    this.first = first;
    this.count = count;
  }

  get length(): number {
    return this.count - this.first;
  }

  append(at: number, text: string): void {
    const wide = WIDE.test(text);
    const size = wide ? text.length * 2 : text.length;
    let s = this.storage;
    const used = s.startOf(this.count);
    if (this.count !== s.frontier || this.count === s.ends.length || used + size > s.bytes.length) {
      this.#moveTo(this.length * 2, (used - s.startOf(this.first) + size) * 2);
      s = this.storage;
    }
    const start = s.startOf(this.count);
    s.bytes.write(text, start, wide ? 'utf16le' : 'latin1');
    s.ends[this.count] = start + size;
    s.times[this.count] = at;
    s.wide[this.count] = wide ? 1 : 0;
    this.count++;
    s.frontier = this.count;
    this.#drop();
  }

  line(i: number): LogLine {
    return { at: this.storage.times[i]!, text: this.storage.text(i) };
  }

  /** When the oldest kept line was written. */
  get firstAt(): number {
    return this.storage.times[this.first]!;
  }

  /** Bytes of the kept lines. */
  get bytes(): number {
    return this.storage.startOf(this.count) - this.storage.startOf(this.first);
  }

  /** Drops the oldest line (the store's limit of bytes). */
  dropOldest(): void {
    this.first++;
    this.#compact();
  }

  /** The oldest lines beyond the limit of lines go. */
  #drop(): void {
    if (this.length > LOG_LINES_PER_CONTAINER) this.first = this.count - LOG_LINES_PER_CONTAINER;
    this.#compact();
  }

  /**
   * Once the dropped lines are as many, or as large, as the kept ones, the kept ones move to the start: of the same
   * storage when nothing else sees it (a log at its limit then allocates nothing more), else of new storage.
   */
  #compact(): void {
    if (this.first < this.length && this.storage.startOf(this.first) < this.bytes) return;
    if (this.storage.shared || this.count !== this.storage.frontier) this.#moveTo(this.length * 2, this.bytes * 2);
    else this.#moveDown();
  }

  /** Moves the kept lines to the start of this log's own storage. */
  #moveDown(): void {
    const s = this.storage;
    const from = s.startOf(this.first);
    s.bytes.copy(s.bytes, 0, from, s.startOf(this.count));
    for (let i = this.first; i < this.count; i++) {
      const j = i - this.first;
      s.ends[j] = s.ends[i]! - from;
      s.times[j] = s.times[i]!;
      s.wide[j] = s.wide[i]!;
    }
    this.count = this.length;
    this.first = 0;
    s.frontier = this.count;
  }

  /** Copies the kept lines to new storage with room for `lines` lines and `bytes` bytes, this log's alone. */
  #moveTo(lines: number, bytes: number): void {
    const old = this.storage;
    const from = old.startOf(this.first);
    const to = old.startOf(this.count);
    const fresh = new Storage(Math.max(lines, this.length + 1), Math.max(bytes, to - from));
    old.bytes.copy(fresh.bytes, 0, from, to);
    for (let i = this.first; i < this.count; i++) {
      const j = i - this.first;
      fresh.ends[j] = old.ends[i]! - from;
      fresh.times[j] = old.times[i]!;
      fresh.wide[j] = old.wide[i]!;
    }
    this.count = this.length;
    this.first = 0;
    fresh.frontier = this.count;
    this.storage = fresh;
  }
}

/** One container's lines at the moment of a snapshot; they never change. */
export class FrozenLog {
  readonly storage: Storage;
  readonly first: number;
  readonly count: number;

  constructor(storage: Storage, first: number, count: number) {
    this.storage = storage;
    this.first = first;
    this.count = count;
  }

  get length(): number {
    return this.count - this.first;
  }

  lines(): LogLine[] {
    const out: LogLine[] = [];
    for (let i = this.first; i < this.count; i++) out.push({ at: this.storage.times[i]!, text: this.storage.text(i) });
    return out;
  }

  /** True when both hold the same lines (the same storage up to the same line). */
  same(other: FrozenLog): boolean {
    return other.storage === this.storage && other.first === this.first && other.count === this.count;
  }
}

/** Every container's kept lines, by `namespace/pod/container`. */
export type LogSnapshot = ReadonlyMap<string, FrozenLog>;

/** True when two snapshots hold the same containers with the same lines. */
export function sameLogs(a: LogSnapshot, b: LogSnapshot): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, log] of a) {
    const other = b.get(key);
    if (!other?.same(log)) return false;
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
  /** Bytes of every container's kept lines. */
  #bytes = 0;

  /** Bytes of lines kept, all containers together (see `LOG_BYTES_PER_ENVIRONMENT`). */
  readonly #maxBytes: number;

  /** Empty, or holding the lines of `from` (a snapshot of another store); at most `maxBytes` of lines. */
  constructor(clock: SimClock, from?: LogSnapshot, maxBytes = LOG_BYTES_PER_ENVIRONMENT) {
    this.#clock = clock;
    this.#maxBytes = maxBytes;
    if (from)
      for (const [key, log] of from) {
        const [namespace = '', pod = '', container = ''] = key.split('/');
        const kept = new ContainerLog(key, log.storage, log.first, log.count);
        this.#add(namespace, pod, container, kept);
        this.#bytes += kept.bytes;
      }
  }

  /** The kept lines of every container now (their storage is shared: it is never written over). */
  snapshot(): LogSnapshot {
    if (this.#snapshot?.changes !== this.#changes)
      this.#snapshot = {
        changes: this.#changes,
        value: new Map(
          [...this.#lines].map(([key, log]) => {
            log.storage.shared = true;
            return [key, new FrozenLog(log.storage, log.first, log.count)];
          }),
        ),
      };
    return this.#snapshot.value;
  }

  append(namespace: string, pod: string, container: string, text: string): void {
    const at = this.#clock.now();
    if (!text.includes('\n')) {
      this.#push(namespace, pod, container, at, text);
      return;
    }
    for (const part of text.replace(/\n$/, '').split('\n')) this.#push(namespace, pod, container, at, part);
  }

  #add(namespace: string, pod: string, container: string, log: ContainerLog): void {
    this.#lines.set(log.key, log);
    let pods = this.#byName.get(namespace);
    if (!pods) this.#byName.set(namespace, (pods = new Map()));
    let containers = pods.get(pod);
    if (!containers) pods.set(pod, (containers = new Map()));
    containers.set(container, log);
  }

  #push(namespace: string, pod: string, container: string, at: number, text: string): void {
    this.#changes++;
    let log = this.#byName.get(namespace)?.get(pod)?.get(container);
    if (!log) {
      log = new ContainerLog(`${namespace}/${pod}/${container}`, new Storage(16, 1024), 0, 0);
      this.#add(namespace, pod, container, log);
    }
    const before = log.bytes;
    log.append(at, text);
    this.#bytes += log.bytes - before;
    if (this.#bytes > this.#maxBytes) this.#trim();
    const followers = this.#followers.size > 0 ? this.#followers.get(log.key) : undefined;
    if (followers) for (const follower of followers) follower({ at, text });
  }

  /**
   * Drops the environment's oldest lines until its lines fit: the oldest first line among its containers, but each
   * container keeps its newest `LOG_LINES_ALWAYS_KEPT` (then, over the limit still, its newest one).
   */
  #trim(): void {
    while (this.#bytes > this.#maxBytes) {
      let oldest: ContainerLog | undefined;
      let largest: ContainerLog | undefined;
      for (const log of this.#lines.values()) {
        if (log.length > LOG_LINES_ALWAYS_KEPT && (!oldest || log.firstAt < oldest.firstAt)) oldest = log;
        if (log.length > 1 && log.bytes > (largest?.bytes ?? 0)) largest = log;
      }
      const victim = oldest ?? largest;
      if (!victim) return;
      const before = victim.bytes;
      victim.dropOldest();
      this.#bytes -= before - victim.bytes;
    }
  }

  read(
    namespace: string,
    pod: string,
    container: string,
    options: { sinceMs?: number; tail?: number } = {},
  ): LogLine[] {
    const log = this.#lines.get(`${namespace}/${pod}/${container}`);
    if (!log) return [];
    // The lines' indexes first, then only the lines asked for made into strings (`--tail=1` of 5,000 makes one).
    const times = log.storage.times;
    const since = options.sinceMs;
    let picked: number[] = [];
    for (let i = log.first; i < log.count; i++) if (since === undefined || times[i]! >= since) picked.push(i);
    if (options.tail !== undefined && options.tail >= 0) picked = options.tail === 0 ? [] : picked.slice(-options.tail);
    return picked.map((i) => log.line(i));
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
        this.#bytes -= this.#lines.get(key)!.bytes;
        this.#lines.delete(key);
        this.#changes++;
      }
  }
}
