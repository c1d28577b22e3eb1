/**
 * The class's CSV exports, made to open correctly in a spreadsheet on the instructor's machine: a UTF-8 byte-order
 * mark (Excel on Korean Windows reads UTF-8 without it as the local code page, and Korean turns to mojibake),
 * times in the instructor's time zone, and chapter and step titles in their language beside the ids.
 */
import type { LearnerRecord } from './classes.ts';
import type { ClassReport } from './report.ts';
import type { AttemptRecord } from './stores.ts';

/** How an export is written: titles in `lang`, times in `timeZone` (IANA name). */
export interface CsvOptions {
  lang: 'ko' | 'en';
  timeZone: string;
}

/** The byte-order mark that tells Excel the file is UTF-8. */
export const UTF8_BOM = '\uFEFF';

/** `timeZone` if this runtime knows it, else the server's own. */
export function knownTimeZone(timeZone: string | null | undefined): string {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!timeZone) return own;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return own;
  }
}

/** `2026-11-24 19:32:05` in `timeZone`, a form every spreadsheet reads as a date and time. */
export function localDateTime(iso: string | undefined, timeZone: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** One cell: quoted when needed, spreadsheet formulas defused (a learner named `=HYPERLINK(...)`). */
export function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csv(header: string, rows: (string | number | undefined)[][]): string {
  return `${UTF8_BOM}${[header, ...rows.map((r) => r.map(csvCell).join(','))].join('\r\n')}\r\n`;
}

/** A step's state in words: passed, passed but failing now, passed before a reset, failing, not tried. */
function statusOf(p: ClassReport['learners'][number]['progress'][string][string] | undefined): string {
  if (!p) return 'not tried';
  if (p.status !== 'passed') return 'failing';
  return p.resetSince ? 'passed (reset since)' : p.failingNow ? 'passed (failing now)' : 'passed';
}

/** One row per learner and step. */
export function reportCsv(report: ClassReport, options: CsvOptions): string {
  const chapter = new Map(report.chapters.map((c) => [c.lab, c.title[options.lang]]));
  const rows: (string | number | undefined)[][] = [];
  for (const learner of report.learners) {
    for (const s of report.steps) {
      const p = learner.progress[s.lab]?.[s.step];
      rows.push([
        learner.id,
        learner.name,
        s.lab,
        chapter.get(s.lab),
        s.step,
        `${s.number}. ${s.title[options.lang]}`,
        statusOf(p),
        p?.passedBy,
        p?.attempts ?? 0,
        localDateTime(p?.at, options.timeZone),
        localDateTime(p?.passedAt, options.timeZone),
        localDateTime(learner.lastActivityAt, options.timeZone),
      ]);
    }
  }
  return csv(
    'learner_id,learner,lab,chapter,step,step_title,status,passed_by,attempts,last_attempt,passed_at,last_activity',
    rows,
  );
}

/** Every attempt, oldest first, with what ran it (the learner's Check, Solve, an automatic check). */
export function attemptsCsv(
  report: ClassReport,
  learners: readonly LearnerRecord[],
  attempts: readonly AttemptRecord[],
  options: CsvOptions,
): string {
  const names = new Map(learners.map((l) => [l.id, l.name]));
  const titles = new Map(report.steps.map((s) => [`${s.lab}/${s.step}`, `${s.number}. ${s.title[options.lang]}`]));
  return csv(
    'learner_id,learner,lab,step,step_title,ok,trigger,at,duration_ms,explanation_en,explanation_ko',
    attempts.map((a) => [
      a.sessionId,
      names.get(a.sessionId) ?? '',
      a.lab,
      a.step,
      titles.get(`${a.lab}/${a.step}`),
      a.ok ? 'true' : 'false',
      a.trigger ?? 'check',
      localDateTime(a.at, options.timeZone),
      Math.round(a.durationMs),
      a.explanation.en,
      a.explanation.ko,
    ]),
  );
}
