/**
 * Chooses a backend by name. The implementations are imported only when asked for, so `labs serve` on
 * the simulator never loads the Kubernetes client (and the kind backend never loads the simulator).
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

/** Makes the named backend. Throws for an unknown name, or (kind, kube) one line per missing prerequisite. */
export async function createBackend(name: BackendName | string, options: BackendOptions = {}): Promise<LabBackend> {
  if (name === 'sim' && options.isolated) {
    const pool = await import('./pool/index.ts');
    const backend = pool.createPoolBackend({
      clock: options.clock ?? 'real',
      warm: true,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(process.env.LABS_WORKERS ? { workers: Number(process.env.LABS_WORKERS) } : {}),
    });
    // Serving starts with the workers loaded: learners who join at once wait for no simulator to load.
    await backend.ready();
    return backend;
  }
  if (name === 'sim') {
    const sim = await import('./sim/index.ts');
    return sim.createSimBackend({
      clock: options.clock ?? 'real',
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
  }
  if (name === 'kind') {
    const kind = await import('./kind/index.ts');
    return kind.createKindBackend(options.kind ?? {});
  }
  if (name === 'kube') {
    const kube = await import('./kube/index.ts');
    return kube.createKubeBackend(options.kube ?? {});
  }
  throw new Error(`unknown backend "${name}"; backends: ${BACKEND_NAMES.join(', ')}`);
}
