/**
 * Test doubles for the mesh's tests: a Map-backed `SimClusterApi` (no admission, no controllers), a virtual clock
 * whose sleeps fire in time order as soon as the program is otherwise idle, and a seeded random source.
 */
import type { K8sObject } from '../../../../contract.ts';
import type { LogLine, LogStore, ObjectEvent, RandomSource, SimClock, SimClusterApi } from '../../types.ts';

/** A `SimClusterApi` over a Map, for tests. */
export class FakeCluster implements SimClusterApi {
  private objects = new Map<string, K8sObject>();
  private listeners = new Set<(e: ObjectEvent) => void>();
  private counter = 0;
  readonly logs: LogStore & { lines: Map<string, LogLine[]> };
  private clock: SimClock;

  constructor(clock: SimClock) {
    this.clock = clock;
    const lines = new Map<string, LogLine[]>();
    const followers = new Map<string, Set<(l: LogLine) => void>>();
    this.logs = {
      lines,
      append: (ns, pod, container, text) => {
        const key = `${ns}/${pod}/${container}`;
        const line = { at: this.clock.now(), text };
        (lines.get(key) ?? lines.set(key, []).get(key)!).push(line);
        for (const f of followers.get(key) ?? []) f(line);
      },
      read: (ns, pod, container, options) => {
        let out = lines.get(`${ns}/${pod}/${container}`) ?? [];
        if (options?.sinceMs !== undefined) out = out.filter((l) => l.at >= options.sinceMs!);
        if (options?.tail !== undefined) out = out.slice(-options.tail);
        return out;
      },
      follow: (ns, pod, container, listener) => {
        const key = `${ns}/${pod}/${container}`;
        const set = followers.get(key) ?? followers.set(key, new Set()).get(key)!;
        set.add(listener);
        return () => set.delete(listener);
      },
    };
  }

  private key(kind: string, namespace: string | undefined, name: string): string {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  get(kind: string, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.objects.get(this.key(kind, namespace, name));
  }

  list(kind: string, namespace?: string, labelSelector?: string): K8sObject[] {
    const wanted = (labelSelector ?? '')
      .split(',')
      .filter(Boolean)
      .map((p) => p.split('='));
    return [...this.objects.values()].filter(
      (o) =>
        o.kind === kind &&
        (namespace === undefined || o.metadata.namespace === namespace) &&
        wanted.every(([k, v]) => o.metadata.labels?.[k] === v),
    );
  }

  apply(object: K8sObject): { outcome: 'created' | 'configured'; object: K8sObject } {
    const key = this.key(object.kind, object.metadata.namespace, object.metadata.name);
    const existed = this.objects.has(key);
    const stored: K8sObject = structuredClone(object);
    this.counter++;
    stored.metadata.creationTimestamp ??= new Date(Date.UTC(2026, 10, 24, 10, 0, this.counter)).toISOString();
    this.objects.set(key, stored);
    for (const l of this.listeners) l({ type: existed ? 'MODIFIED' : 'ADDED', object: stored });
    return { outcome: existed ? 'configured' : 'created', object: stored };
  }

  delete(kind: string, namespace: string | undefined, name: string): void {
    const key = this.key(kind, namespace, name);
    const obj = this.objects.get(key);
    if (!obj) throw { code: 404, reason: 'NotFound', message: `${kind} "${name}" not found` };
    this.objects.delete(key);
    for (const l of this.listeners) l({ type: 'DELETED', object: obj });
  }

  watch(listener: (event: ObjectEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Log text of one container, lines joined. */
  logText(namespace: string, pod: string, container: string): string[] {
    return this.logs.read(namespace, pod, container).map((l) => l.text);
  }
}

/** A virtual clock: `sleep`s resolve in time order once nothing else is runnable (macrotask boundary). */
export class VirtualClock implements SimClock {
  private time: number;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  private scheduled = false;

  constructor(start = Date.UTC(2026, 10, 24, 10, 2, 43)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const abortError = () => Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => {
        cancel();
        reject(abortError());
      };
      const cancel = this.after(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  after(ms: number, fire: () => void): () => void {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, resolve: fire };
    this.timers.push(timer);
    this.schedule();
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.time = Math.max(this.time, next.at);
      next.resolve();
      if (this.timers.length > 0) this.schedule();
    });
  }
}

/** A seeded PRNG (mulberry32). */
export function seededRandom(seed = 42): RandomSource {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
