/**
 * What the dashboard and the exports show: learners × steps with their states, each learner's activity, current step
 * and latest failure, completion per chapter, and per step how many passed and the most common failure.
 */
import type { LoadedLab } from '../labs/load.ts';
import type { ClassReport, LearnerReport, StepSummary } from '../protocol/classroom.ts';
import type { ClassRecord, LearnerRecord } from './classes.ts';
import type { FailureRecord } from './stores.ts';

export type { ClassReport, LearnerReport };

/** What the stores know of one learner, beyond the class record. */
export type LearnerFacts = LearnerRecord &
  Pick<LearnerReport, 'progress' | 'latestFailure' | 'activeLab' | 'lastActivityAt'>;

/** The first step of the learner's chapter not passed yet (or passed before a reset), and since when it is theirs. */
function currentStep(lab: LoadedLab, learner: LearnerFacts): LearnerReport['currentStep'] {
  const progress = learner.progress[lab.id] ?? {};
  const open = lab.steps.find((s) => progress[s.id]?.status !== 'passed' || progress[s.id]?.resetSince);
  if (!open) return undefined;
  const passes = lab.steps
    .map((s) => progress[s.id])
    .filter((p) => p?.status === 'passed' && !p.resetSince)
    .map((p) => p!.lastPassedAt ?? p!.passedAt!);
  const since = [learner.joinedAt, ...passes].sort().at(-1)!;
  return { lab: lab.id, step: open.id, since };
}

/** Per step: passes, learners failing it now, and their most common failure (by signature). */
function stepSummaries(
  steps: ClassReport['steps'],
  learners: readonly LearnerFacts[],
  failures: readonly (FailureRecord & { sessionId: string })[],
): StepSummary[] {
  return steps.map(({ lab, step }) => {
    const passed = learners.filter((l) => l.progress[lab]?.[step]?.status === 'passed').length;
    const failing = failures.filter((f) => f.lab === lab && f.step === step);
    const bySignature = new Map<string, (typeof failing)[number][]>();
    for (const f of failing) {
      const key = f.signature ?? f.explanation.en;
      bySignature.set(key, [...(bySignature.get(key) ?? []), f]);
    }
    const common = [...bySignature].sort((a, b) => b[1].length - a[1].length)[0];
    return {
      lab,
      step,
      passed,
      failing: failing.length,
      ...(common
        ? {
            commonFailure: {
              signature: common[0],
              learners: common[1].length,
              // The most recent wording of that failure.
              explanation: [...common[1]].sort((a, b) => a.at.localeCompare(b.at)).at(-1)!.explanation,
            },
          }
        : {}),
    };
  });
}

/** Builds the report. */
export function classReport(
  cls: ClassRecord,
  labs: readonly LoadedLab[],
  learners: LearnerFacts[],
  failures: readonly (FailureRecord & { sessionId: string })[] = [],
  now: Date = new Date(),
): ClassReport {
  const chapterLabs = cls.chapters.map((id) => labs.find((l) => l.id === id)).filter((l): l is LoadedLab => !!l);
  const steps = chapterLabs.flatMap((lab) =>
    lab.steps.map((s, i) => ({
      lab: lab.id,
      step: s.id,
      number: i + 1,
      title: s.title,
      ...(s.gateway?.title ? { gatewayTitle: s.gateway.title } : {}),
    })),
  );
  const completion: ClassReport['completion'] = {};
  for (const lab of chapterLabs) {
    completion[lab.id] = {
      completed: learners.filter((l) => lab.steps.every((s) => l.progress[lab.id]?.[s.id]?.status === 'passed')).length,
      learners: learners.length,
    };
  }
  const ids = new Set(learners.map((l) => l.id));
  return {
    class: { id: cls.id, name: cls.name, chapters: cls.chapters, joinCode: cls.joinCode, expiresAt: cls.expiresAt },
    chapters: chapterLabs.map((lab) => ({ lab: lab.id, title: lab.title })),
    steps,
    learners: learners.map((l) => {
      const lab = chapterLabs.find((c) => c.id === l.activeLab) ?? (l.lastActivityAt ? chapterLabs[0] : undefined);
      const current = lab ? currentStep(lab, l) : undefined;
      return {
        id: l.id,
        name: l.name,
        joinedAt: l.joinedAt,
        progress: l.progress,
        ...(l.latestFailure ? { latestFailure: l.latestFailure } : {}),
        ...(l.activeLab ? { activeLab: l.activeLab } : {}),
        ...(l.lastActivityAt ? { lastActivityAt: l.lastActivityAt } : {}),
        ...(current ? { currentStep: current } : {}),
      };
    }),
    completion,
    summary: stepSummaries(
      steps,
      learners,
      failures.filter((f) => ids.has(f.sessionId)),
    ),
    now: now.toISOString(),
  };
}
