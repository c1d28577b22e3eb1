/**
 * Chooses a backend by name. The implementations are loaded only when asked for, so `labs serve` on
 * the simulator never loads the Kubernetes client, and a checkout missing one of them still runs the others.
 */
import type { BackendName, LabBackend } from '../contract.ts';
import type { KindBackendOptions } from './kind/index.ts';
import type { KubeBackendOptions } from './kube/index.ts';

/** Names `createBackend` accepts. */
export const BACKEND_NAMES: readonly BackendName[] = ['sim', 'kind', 'kube'];

/** Options for any backend; each reads its own. */
export interface BackendOptions {
  /** sim: `real` for learners, `virtual` for tests. */
  clock?: 'real' | 'virtual';
  /** sim: seed of the random source (reproducible traffic). */
  seed?: number;
  /** sim: environments in a pool of worker threads, off the caller's event loop (what `labs serve` uses). */
  isolated?: boolean;
  /** kind: passed to `createKindBackend` as is. */
  kind?: KindBackendOptions;
  /** kube: passed to `createKubeBackend` as is. */
  kube?: KubeBackendOptions;
}

interface SimModule {
  createSimBackend(options?: { clock?: 'real' | 'virtual'; seed?: number }): LabBackend;
}
interface PoolModule {
  createPoolBackend(options?: { clock?: 'real' | 'virtual'; seed?: number; workers?: number }): LabBackend;
}
interface KindModule {
  createKindBackend(options: KindBackendOptions): Promise<LabBackend>;
}
interface KubeModule {
  createKubeBackend(options: KubeBackendOptions): Promise<LabBackend>;
}

/** A backend that cannot be loaded at all (its module is missing from this checkout). */
export class BackendUnavailableError extends Error {
  constructor(name: string, file: string) {
    super(`the ${name} backend is not available in this checkout (${file} is missing)`);
    this.name = 'BackendUnavailableError';
  }
}

async function load<T>(name: string, relative: string): Promise<T> {
  const url = new URL(relative, import.meta.url);
  try {
    return (await import(/* @vite-ignore */ url.href)) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_LOAD_URL') &&
      String((error as Error).message).includes(relative.slice(2))
    ) {
      throw new BackendUnavailableError(name, `lab-server/src/backends/${relative.slice(2)}`);
    }
    throw error;
  }
}

/** Makes the named backend. Throws for an unknown name, or (kind, kube) one line per missing prerequisite. */
export async function createBackend(name: BackendName | string, options: BackendOptions = {}): Promise<LabBackend> {
  if (name === 'sim' && options.isolated) {
    const pool = await load<PoolModule>('sim', './pool/index.ts');
    return pool.createPoolBackend({
      clock: options.clock ?? 'real',
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(process.env.LABS_WORKERS ? { workers: Number(process.env.LABS_WORKERS) } : {}),
    });
  }
  if (name === 'sim') {
    const sim = await load<SimModule>('sim', './sim/index.ts');
    return sim.createSimBackend({
      clock: options.clock ?? 'real',
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
  }
  if (name === 'kind') {
    const kind = await load<KindModule>('kind', './kind/index.ts');
    return kind.createKindBackend(options.kind ?? {});
  }
  if (name === 'kube') {
    const kube = await load<KubeModule>('kube', './kube/index.ts');
    return kube.createKubeBackend(options.kube ?? {});
  }
  throw new Error(`unknown backend "${name}"; backends: ${BACKEND_NAMES.join(', ')}`);
}
