/**
 * The `sim` backend: every environment is an in-process simulated cluster (Kubernetes objects, Istio's
 * traffic management, the sample apps) driven from a sandboxed shell. Nothing here touches the host.
 */
import type { EnvironmentSpec, LabBackend, LabEnvironment } from '../../contract.ts';
import type { ClockMode } from './clock.ts';
import { SimEnvironment } from './environment.ts';
import { DEFAULT_LIMITS, type SimLimits } from './limits.ts';
import { StartingStates, type StartingStateSource } from './startingStates.ts';

/** Options of the simulator. */
export interface SimBackendOptions {
  /** `real` for learners; `virtual` for tests (sleeps and timeouts take no wall time). */
  clock?: ClockMode;
  /** Seed of every environment's random source (reproducible traffic); an environment's own seed wins. */
  seed?: number;
  limits?: Partial<SimLimits>;
  /**
   * Which environments start from a chapter's shared starting state instead of running its setup each:
   * `unseeded` (the default: a server's environments, whose seeds nobody chose: one state per chapter, made with
   * the chapter's seed, each environment then drawing from its own), `all` (seeded ones too, each seed its own
   * state, continuing its random sequence: exactly what setting up with that seed makes), or `none`.
   */
  shareStartingStates?: 'unseeded' | 'all' | 'none';
  /** How long a starting state is used after it was made (default 60 s): environments look made when it was. */
  startingStateMaxAgeMs?: number;
}

/** The key of a chapter's starting state: its id and setup, and the seed it is made with. */
function startingStateKey(lab: EnvironmentSpec['lab'], seed: number): string {
  return `${lab.id}\u0000${seed}\u0000${lab.setup}`;
}

/**
 * The seed every shared starting state of a chapter is made with (FNV-1a of its id): the same state in every
 * process and worker, so an environment rebuilt from its journal elsewhere starts from the very same objects.
 */
export function chapterSeed(lab: EnvironmentSpec['lab']): number {
  let hash = 0x811c9dc5;
  for (const ch of lab.id) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/** The starting state environments with seeds of their own share: one per chapter, made with its chapter seed. */
export function sharedStartingState(
  states: StartingStates,
  lab: EnvironmentSpec['lab'],
): { source: StartingStateSource; setupSeed: number } {
  const setupSeed = chapterSeed(lab);
  return { source: states.source(startingStateKey(lab, setupSeed)), setupSeed };
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
      const env = new SimEnvironment({
        lab: spec.lab,
        seed,
        clock: options.clock ?? 'real',
        limits,
        ...(sharing === 'all' && chosen !== undefined
          ? { startingState: { source: states.source(startingStateKey(spec.lab, chosen)) } }
          : {}),
        ...((sharing === 'all' || sharing === 'unseeded') && chosen === undefined
          ? { startingState: sharedStartingState(states, spec.lab) }
          : {}),
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
