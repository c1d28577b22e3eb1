/**
 * The `sim` backend: every environment is an in-process simulated cluster (Kubernetes objects, Istio's
 * traffic management, the sample apps) driven from a sandboxed shell. Nothing here touches the host.
 */
import type { EnvironmentSpec, LabBackend, LabEnvironment } from '../../contract.ts';
import type { ClockMode } from './clock.ts';
import { SimEnvironment } from './environment.ts';
import { DEFAULT_LIMITS, type SimLimits } from './limits.ts';
import { StartingStates } from './startingStates.ts';

/** Options of the simulator. */
export interface SimBackendOptions {
  /** `real` for learners; `virtual` for tests (sleeps and timeouts take no wall time). */
  clock?: ClockMode;
  /** Seed of every environment's random source (reproducible traffic); an environment's own seed wins. */
  seed?: number;
  limits?: Partial<SimLimits>;
  /**
   * Which environments start from a chapter's shared starting state instead of running its setup each:
   * `unseeded` (the default: a server's environments, whose seeds nobody chose), `all` (seeded ones too, each
   * seed its own state, continuing its random sequence: exactly what setting up would make), or `none`.
   */
  shareStartingStates?: 'unseeded' | 'all' | 'none';
  /** How long a starting state is used after it was made (default 60 s): environments look made when it was. */
  startingStateMaxAgeMs?: number;
}

/** The key of a chapter's starting state: its id and setup, and the seed when it is the caller's. */
function startingStateKey(lab: EnvironmentSpec['lab'], seed: number | undefined): string {
  return `${lab.id}\u0000${seed ?? '*'}\u0000${lab.setup}`;
}

/** Makes the simulator backend. */
export function createSimBackend(options: SimBackendOptions = {}): LabBackend {
  const environments = new Set<LabEnvironment>();
  const limits: SimLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const sharing = options.shareStartingStates ?? 'unseeded';
  const states = new StartingStates({ maxAgeMs: options.startingStateMaxAgeMs });
  return {
    name: 'sim',
    async createEnvironment(spec: EnvironmentSpec): Promise<LabEnvironment> {
      const chosen = spec.seed ?? options.seed;
      const seed = chosen ?? Math.floor(Math.random() * 2 ** 32);
      const shared = sharing === 'all' || (sharing === 'unseeded' && chosen === undefined);
      const env = new SimEnvironment({
        lab: spec.lab,
        seed,
        seeded: chosen !== undefined,
        clock: options.clock ?? 'real',
        limits,
        ...(shared ? { startingState: states.source(startingStateKey(spec.lab, chosen)) } : {}),
      });
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
