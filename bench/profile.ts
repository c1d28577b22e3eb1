/**
 * CPU profiling for the benchmarks (`npm run bench -- --profile`): records a V8 CPU profile of a piece of
 * work through the inspector, writes it as a `.cpuprofile` (open it in Chrome DevTools or speedscope) and
 * summarises where the time went, by self time per function. Also a sampling heap profile (`heapSampled`): which
 * functions allocate, counting what the young generation's collections already freed.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** One node of a V8 CPU profile (the fields used here). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** A V8 CPU profile as `Profiler.stop` returns it. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A function's share of the samples. */
export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  selfShare: number;
}

/** Runs `work` under the CPU profiler (sampling every `intervalUs`) and returns its result and the profile. */
export async function profiled<T>(
  work: () => Promise<T>,
  intervalUs = 100,
): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

/** Self time per function (by name and source position), most expensive first. */
export function hotFunctions(profile: CpuProfile, top = 25): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const byFunction = new Map<string, HotFunction>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.replace(/^.*\/(lab-server|node_modules)\//, '$1/');
    const where = file ? `${file}:${frame.lineNumber + 1}` : '(native)';
    const key = `${frame.functionName}@${where}`;
    const entry = byFunction.get(key) ?? { name: frame.functionName || '(anonymous)', where, selfMs: 0, selfShare: 0 };
    entry.selfMs += us / 1000;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()]
    .map((f) => ({
      ...f,
      selfMs: Math.round(f.selfMs * 100) / 100,
      selfShare: Math.round((f.selfMs * 1000 * 1000) / total) / 1000,
    }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
}

/** Writes the profile where DevTools can open it. */
export function writeProfile(path: string, profile: CpuProfile): void {
  writeFileSync(path, JSON.stringify(profile));
}

/** One node of a V8 sampling heap profile (the fields used here). */
interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapProfileNode[];
}

/** A function's share of the bytes allocated. */
export interface AllocatingFunction {
  name: string;
  where: string;
  bytes: number;
}

/**
 * Runs `work` under the sampling heap profiler (a sample every `intervalBytes` allocated on average) and returns the
 * bytes allocated per function, most first. Objects already collected count (young and old generation): what a
 * request allocates and drops is what costs its collections.
 */
export async function heapSampled<T>(
  work: () => Promise<T>,
  intervalBytes = 256,
): Promise<{ result: T; functions: AllocatingFunction[]; total: number }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: intervalBytes,
      includeObjectsCollectedByMinorGC: true,
      includeObjectsCollectedByMajorGC: true,
    });
    const result = await work();
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
      profile: { head: HeapProfileNode };
    };
    const byFunction = new Map<string, AllocatingFunction>();
    let total = 0;
    const pending = [profile.head];
    for (let node = pending.pop(); node; node = pending.pop()) {
      pending.push(...node.children);
      if (node.selfSize === 0) continue;
      total += node.selfSize;
      const frame = node.callFrame;
      const file = frame.url.replace(/^.*\/(lab-server|node_modules)\//, '$1/');
      const where = file ? `${file}:${frame.lineNumber + 1}` : '(native)';
      const key = `${frame.functionName}@${where}`;
      const entry = byFunction.get(key) ?? { name: frame.functionName || '(anonymous)', where, bytes: 0 };
      entry.bytes += node.selfSize;
      byFunction.set(key, entry);
    }
    return { result, functions: [...byFunction.values()].sort((a, b) => b.bytes - a.bytes), total };
  } finally {
    session.disconnect();
  }
}
