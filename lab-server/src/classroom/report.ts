/** What the dashboard and the exports show: learners × steps with their states, completion per chapter, the latest failure. */
import type { LoadedLab } from '../labs/load.ts';
import type { StepProgress } from '../protocol/api.ts';
import type { ClassReport, LearnerReport } from '../protocol/classroom.ts';
import type { ClassRecord, LearnerRecord } from './classes.ts';
import type { AttemptRecord } from './stores.ts';

export type { ClassReport, LearnerReport };

/** Builds the report. */
export function classReport(
  cls: ClassRecord,
  labs: readonly LoadedLab[],
  learners: (LearnerRecord & Pick<LearnerReport, 'progress' | 'latestFailure' | 'activeLab'>)[],
): ClassReport {
  const chapterLabs = cls.chapters.map((id) => labs.find((l) => l.id === id)).filter((l): l is LoadedLab => !!l);
  const steps = chapterLabs.flatMap((lab) => lab.steps.map((s) => ({ lab: lab.id, step: s.id, title: s.title })));
  const completion: ClassReport['completion'] = {};
  for (const lab of chapterLabs) {
    completion[lab.id] = {
      completed: learners.filter((l) => lab.steps.every((s) => l.progress[lab.id]?.[s.id]?.status === 'passed')).length,
      learners: learners.length,
    };
  }
  return {
    class: { id: cls.id, name: cls.name, chapters: cls.chapters, joinCode: cls.joinCode, expiresAt: cls.expiresAt },
    steps,
    learners: learners.map((l) => ({
      id: l.id,
      name: l.name,
      joinedAt: l.joinedAt,
      progress: l.progress,
      ...(l.latestFailure ? { latestFailure: l.latestFailure } : {}),
      ...(l.activeLab ? { activeLab: l.activeLab } : {}),
    })),
    completion,
  };
}

function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  // Quote when needed, and defuse spreadsheet formulas (a learner's name like "=HYPERLINK(...)").
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row per learner and step: `learner,lab,step,status,attempts,last_attempt,passed_at`. */
export function reportCsv(report: ClassReport): string {
  const lines = ['learner_id,learner,lab,step,status,attempts,last_attempt,passed_at'];
  for (const learner of report.learners) {
    for (const { lab, step } of report.steps) {
      const p: StepProgress | undefined = learner.progress[lab]?.[step];
      lines.push(
        [learner.id, learner.name, lab, step, p?.status ?? 'not tried', p?.attempts ?? 0, p?.at, p?.passedAt]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Every attempt, oldest first: `learner_id,learner,lab,step,ok,at,duration_ms,explanation_en,explanation_ko`. */
export function attemptsCsv(learners: readonly LearnerRecord[], attempts: readonly AttemptRecord[]): string {
  const names = new Map(learners.map((l) => [l.id, l.name]));
  const lines = ['learner_id,learner,lab,step,ok,at,duration_ms,explanation_en,explanation_ko'];
  for (const a of attempts) {
    lines.push(
      [
        a.sessionId,
        names.get(a.sessionId) ?? '',
        a.lab,
        a.step,
        a.ok ? 'true' : 'false',
        a.at,
        Math.round(a.durationMs),
        a.explanation.en,
        a.explanation.ko,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
