/**
 * One walk through a lab's steps in one environment: the environment, its step clock, and the two things a
 * learner (or `labs verify`) does to a step: check it and solve it. The server keeps one per learner
 * environment; `labs verify` and the golden recorder make one per run.
 */
import type { LabEnvironment, TerminalChannel } from '../contract.ts';
import type { LoadedLab, ResolvedStep } from '../labs/load.ts';
import type { LabApi } from '../labs/schema.ts';
import { labForApi, offersApi } from '../labs/variants.ts';
import type { Replaced } from '../protocol/api.ts';
import { typeScript } from '../terminal/typing.ts';
import { checkStep, type CheckOutcome, type CheckStepOptions } from './check.ts';
import { StepClock } from './clock.ts';
import type { JudgedStates } from './judgedStates.ts';
import { replacedExplanation } from './replaced.ts';
import { opensUnattributedConnections, readsLearnerActions, type TriggerScope } from './triggers.ts';

/** A step and its place in the lab. */
export interface FoundStep {
  step: ResolvedStep;
  index: number;
}

/** A step's check, run: the outcome and when it finished (environment clock). */
export interface StepCheck {
  outcome: CheckOutcome;
  at: Date;
  /** Set when the step fails because a later step, done since, replaced its outcome. */
  replaced?: Replaced;
  /**
   * Set when this check measured nothing itself: the outcome is one an automatic check measured then, on the same
   * objects (`JudgedStates.knownPass`).
   */
  measuredAt?: Date;
}

/** How Solve types solutions. */
export interface SolveOptions {
  /**
   * Also run the solutions of earlier steps not done in this environment's life (Solve in the server, so a
   * learner who jumps ahead gets the state the step expects). `labs verify` runs one step's solution only.
   */
  catchUp: boolean;
  /** Press Ctrl-C first, so the solution starts on a clean line whatever the learner had half-typed. */
  interrupt?: boolean;
  /** Longest wait for one line (default: the typing module's). */
  lineTimeoutMs?: number;
  signal?: AbortSignal;
}

/** What Solve did: the steps whose solutions were typed, and how the last command ended. */
export interface SolveOutcome {
  ok: boolean;
  ranSteps: string[];
  /** 124 when a line did not finish in time. */
  exitCode: number;
  timedOut: boolean;
  /** The last command typed (for messages such as "the solution's command `x` exited with 1"). */
  lastLine?: string;
}

/** A lab's steps in one environment, in the API the learner follows (Istio's unless told otherwise). */
export class StepSession {
  readonly env: LabEnvironment;
  readonly clock: StepClock;
  readonly #chapter: LoadedLab;
  #api: LabApi = 'istio';
  #lab: LoadedLab;

  /** `earlier`: steps done before this process knew the environment (see `StepClock`). */
  constructor(lab: LoadedLab, env: LabEnvironment, earlier?: ReadonlyMap<string, Date>, api: LabApi = 'istio') {
    this.#chapter = lab;
    this.#lab = labForApi(lab, 'istio');
    this.useApi(api);
    this.env = env;
    this.clock = new StepClock(
      lab.steps.map((s) => s.id),
      env.now(),
      earlier,
    );
  }

  /** The chapter's steps as the learner's API has them (checks, solutions, hints of that API). */
  get lab(): LoadedLab {
    return this.#lab;
  }

  /** The API the steps are checked and solved in. */
  get api(): LabApi {
    return this.#api;
  }

  /**
   * Checks and solves the steps in `api` from now on (a learner switched). The step ids are the same in both, so
   * what was done stays done. A chapter without that API keeps Istio's; returns the API in use.
   */
  useApi(api: LabApi): LabApi {
    const chosen = offersApi(this.#chapter, api) ? api : 'istio';
    if (chosen !== this.#api) this.#lab = labForApi(this.#chapter, chosen);
    this.#api = chosen;
    return chosen;
  }

  /** The step with this id, or undefined. */
  find(stepId: string): FoundStep | undefined {
    const index = this.lab.steps.findIndex((s) => s.id === stepId);
    return index === -1 ? undefined : { step: this.lab.steps[index]!, index };
  }

  /** Like `find`, for ids known to exist; throws otherwise. */
  get(stepId: string): FoundStep {
    const found = this.find(stepId);
    if (!found) throw new Error(`lab "${this.lab.id}" has no step "${stepId}"`);
    return found;
  }

  /** When the step began (`StepClock`'s rule). */
  began(stepId: string): Date {
    return this.clock.began(stepId);
  }

  /**
   * Runs the step's check; a pass marks the step done (the next step begins then). A failure while a later step
   * was done after this one held (or began) is explained as that: the cluster moved on, nothing to fix.
   */
  async check(stepId: string, options: CheckStepOptions = {}): Promise<StepCheck> {
    const { step } = this.get(stepId);
    const outcome = await checkStep(this.env, this.lab, step, this.began(stepId), options);
    const at = this.env.now();
    if (outcome.ok) {
      this.clock.markDone(stepId, at);
      return { outcome, at };
    }
    const replaced = this.replacedBy(stepId);
    if (!replaced) return { outcome, at };
    return { outcome: { ...outcome, explanation: replacedExplanation(replaced, outcome.explanation) }, at, replaced };
  }

  /** The later step done last, if one was done after this step held (or, never held, after it began). */
  replacedBy(stepId: string): Replaced | undefined {
    const { index } = this.get(stepId);
    const heldAt = this.clock.doneAt(stepId);
    const since = heldAt ?? this.began(stepId);
    let latest: { step: ResolvedStep; number: number; at: Date } | undefined;
    for (const [j, later] of this.lab.steps.entries()) {
      const at = j > index ? this.clock.doneAt(later.id) : undefined;
      if (at && at >= since && (!latest || at >= latest.at)) latest = { step: later, number: j + 1, at };
    }
    if (!latest) return undefined;
    return {
      step: latest.step.id,
      number: latest.number,
      title: latest.step.title,
      ...(heldAt ? { heldAt: heldAt.toISOString() } : {}),
    };
  }

  /** The steps with a check not done yet in this environment's life that a trigger of `scope` may have advanced. */
  openSteps(scope: TriggerScope): ResolvedStep[] {
    return this.lab.steps.filter(
      (s) => s.check && !this.clock.doneAt(s.id) && (scope === 'cluster' || readsLearnerActions(s.check)),
    );
  }

  /**
   * Looks once (no retries) at every open step a trigger of `scope` may have advanced, in lesson order, and
   * marks those that hold as done at `heldAt` (the latest command before the evaluation: the state seen is the
   * one it left, and the next command counts for the next step). Stops when `signal` aborts. Returns the passes.
   * `env`: where to look, the live environment or a state a command left (`commandState.ts`); `judged`: that
   * state's key and the failures already seen on states (a step that failed on this state is not judged again),
   * and the name of the objects judged, kept with each pass (a Check on the same objects may stand on it). The key
   * and the name are read at each judgement: a state found gone midway is judged live, under neither.
   */
  async evaluateOpen(
    scope: TriggerScope,
    heldAt: Date,
    options: Omit<CheckStepOptions, 'retry'> = {},
    env: LabEnvironment = this.env,
    judged?: { states: JudgedStates; state: number | undefined; objects?: string | undefined },
  ): Promise<{ step: ResolvedStep; check: StepCheck }[]> {
    const passes: { step: ResolvedStep; check: StepCheck }[] = [];
    for (const step of this.openSteps(scope)) {
      if (options.signal?.aborted) break;
      if (this.clock.doneAt(step.id)) continue;
      const next = this.lab.steps.find((s) => s.check && !this.clock.doneAt(s.id));
      if (step !== next && opensUnattributedConnections(step.check!)) continue;
      const began = this.began(step.id);
      // Failed on this very state already (the command changed nothing): it would fail again.
      if (judged?.states.knownToFail(step, judged.state, began)) continue;
      const outcome = await checkStep(env, this.lab, step, began, { ...options, retry: false });
      if (options.signal?.aborted) break;
      if (!outcome.ok) {
        judged?.states.failed(step, judged.state, began);
        continue;
      }
      const at = env.now();
      const held = Math.min(heldAt.getTime(), at.getTime());
      judged?.states.passed(step, judged.objects, began, { outcome, at });
      this.clock.markDone(step.id, new Date(Math.max(held, this.began(step.id).getTime())));
      passes.push({ step, check: { outcome, at } });
    }
    return passes;
  }

  /** The steps whose solutions Solve types for `stepId`: earlier ones not done yet (with `catchUp`), then it. */
  solutionsFor(stepId: string, catchUp: boolean): ResolvedStep[] {
    const { index } = this.get(stepId);
    return this.lab.steps
      .slice(0, index + 1)
      .filter((s, i) => s.solution.trim() !== '' && (i === index || (catchUp && !this.clock.doneAt(s.id))));
  }

  /**
   * Types the solutions into `terminal` as a learner would, stopping at the first that fails. A step without a
   * check is done once its solution ran; a step with a check is done only when its check passes.
   */
  async solve(terminal: TerminalChannel, stepId: string, options: SolveOptions): Promise<SolveOutcome> {
    const ranSteps: string[] = [];
    let exitCode = 0;
    let lastLine: string | undefined;
    if (options.interrupt) terminal.write('\x03');
    for (const s of this.solutionsFor(stepId, options.catchUp)) {
      ranSteps.push(s.id);
      const typed = await typeScript(terminal, s.solution, {
        lineTimeoutMs: options.lineTimeoutMs,
        signal: options.signal,
      });
      lastLine = typed.records.at(-1)?.line ?? lastLine;
      exitCode = typed.timedOut ? 124 : typed.exitCode;
      if (typed.timedOut || typed.exitCode !== 0)
        return { ok: false, ranSteps, exitCode, timedOut: typed.timedOut, lastLine };
      if (!s.check) this.clock.markDone(s.id, this.env.now());
    }
    if (!this.get(stepId).step.check) this.clock.markDone(stepId, this.env.now());
    return { ok: true, ranSteps, exitCode, timedOut: false, ...(lastLine !== undefined ? { lastLine } : {}) };
  }

  /** The environment went back to its starting state (call after `env.reset()`). */
  reset(): void {
    this.clock.reset(this.env.now());
  }
}
