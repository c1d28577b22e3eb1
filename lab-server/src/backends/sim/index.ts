/**
 * The `sim` backend: every environment is an in-process simulated cluster (Kubernetes objects, Istio's
 * traffic management, the sample apps) driven from a sandboxed shell. Nothing here touches the host.
 */
import type { EnvironmentSpec, LabBackend, LabEnvironment } from '../../contract.ts';
import type { ClockMode } from './clock.ts';
import { SimEnvironment } from './environment.ts';
import { DEFAULT_LIMITS, type SimLimits } from './limits.ts';

/** Options of the simulator. */
export interface SimBackendOptions {
  /** `real` for learners; `virtual` for tests (sleeps and timeouts take no wall time). */
  clock?: ClockMode;
  /** Seed of every environment's random source (reproducible traffic); an environment's own seed wins. */
  seed?: number;
  limits?: Partial<SimLimits>;
}

/** Makes the simulator backend. */
export function createSimBackend(options: SimBackendOptions = {}): LabBackend {
  const environments = new Set<LabEnvironment>();
  const limits: SimLimits = { ...DEFAULT_LIMITS, ...options.limits };
  return {
    name: 'sim',
    async createEnvironment(spec: EnvironmentSpec): Promise<LabEnvironment> {
      const seed = spec.seed ?? options.seed ?? Math.floor(Math.random() * 2 ** 32);
      const env = new SimEnvironment({ lab: spec.lab, seed, clock: options.clock ?? 'real', limits });
      environments.add(env);
      const dispose = env.dispose.bind(env);
      env.dispose = async () => {
        environments.delete(env);
        await dispose();
      };
      return env;
    },
    async close() {
      await Promise.all([...environments].map((e) => e.dispose()));
    },
  };
}
