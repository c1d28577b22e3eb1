/**
 * What a `ran` check reads in a terminal history: the commands in a window of time, the last few of them, and the
 * first and last whose line matches the step's pattern. An automatic check reads it after every command the learner
 * types, and the history (up to 1,000 records) has grown by one command since: a scan is kept with the last record
 * it read, and the next one goes on from there, reading only the records added since.
 *
 * A history is a stretch of one environment's commands, in the order they came back: records are appended, the
 * oldest dropped, a frozen state's history is a first part of it (or it filtered by time: a part of it all the
 * same), and a record never changes. So two histories with the same first record, the same last record and the same
 * length hold the same records, and a history whose first records are a scanned one's is that one with more
 * appended. Every figure here is what reading the whole history would give (`historyScan.test.ts` compares the two
 * on random histories).
 */
import type { CommandRecord } from '../contract.ts';

/** What a scan found: records are in the history's order. */
export interface HistoryScan {
  /** Records in the window. */
  count: number;
  /** The last (up to) five of them. */
  recent: readonly CommandRecord[];
  /** The first in the window whose line matches and whose exit code is the one wanted. */
  good: CommandRecord | undefined;
  /** The last in the window whose line matches. */
  last: CommandRecord | undefined;
}

/** What `scanHistory` is asked: the pattern, the exit code wanted, the window [from, to] in ms. */
export interface HistoryQuery {
  pattern: string;
  exitCode: number;
  from: number;
  to: number;
}

/** Records kept in `recent`. */
const RECENT = 5;

/** A scan as kept: what it found, and of which history, under which query. */
interface KeptScan extends HistoryScan {
  first: CommandRecord;
  length: number;
  /** The window's end it was made under, and whether a record was left out for coming after it. */
  to: number;
  pastEnd: boolean;
}

/** A pattern compiled, with whether each record's line matches it and the scans made with it. */
interface Pattern {
  regex: RegExp;
  matches: WeakMap<CommandRecord, boolean>;
  /** By the last record each scan read, then by `from` and the exit code. */
  scans: WeakMap<CommandRecord, Map<string, KeptScan>>;
}

/** Per pattern, as a lab's check writes it. */
const patterns = new Map<string, Pattern>();

/** Each record's time in ms (any form `Date.parse` reads; NaN, in no window, for one it cannot). */
const timeOf = new WeakMap<CommandRecord, number>();

/** When `record` ran, in ms. */
function recordTime(record: CommandRecord): number {
  let at = timeOf.get(record);
  if (at === undefined) timeOf.set(record, (at = Date.parse(record.at)));
  return at;
}

/** The pattern `source` compiled (a regular expression without flags: `test` keeps no state). */
function compiled(source: string): Pattern {
  let pattern = patterns.get(source);
  if (!pattern)
    patterns.set(source, (pattern = { regex: new RegExp(source), matches: new WeakMap(), scans: new WeakMap() }));
  return pattern;
}

/** Whether `record`'s line matches `pattern`. */
function lineMatches(pattern: Pattern, record: CommandRecord): boolean {
  let matches = pattern.matches.get(record);
  if (matches === undefined) pattern.matches.set(record, (matches = pattern.regex.test(record.line)));
  return matches;
}

/** How far back from a history's end a kept scan is looked for (the commands typed since the last check). */
const LOOK_BACK = 16;

/** Scans `history` for `query`, going on from a scan kept of its first part when there is one. */
export function scanHistory(history: readonly CommandRecord[], query: HistoryQuery): HistoryScan {
  const pattern = compiled(query.pattern);
  const first = history[0];
  if (!first) return { count: 0, recent: [], good: undefined, last: undefined };
  const key = `${query.from}/${query.exitCode}`;
  let start = 0;
  let scan: KeptScan | undefined;
  // The latest kept scan of this history's first `length` records that holds under this window's end. Every scan
  // met on the way is replaced by the one made now: one is kept per query and environment, not one per command.
  const met: Map<string, KeptScan>[] = [];
  for (let length = history.length; length > 0 && length >= history.length - LOOK_BACK; length--) {
    const byQuery = pattern.scans.get(history[length - 1]!);
    const kept = byQuery?.get(key);
    if (!byQuery || !kept) continue;
    met.push(byQuery);
    if (
      kept.first === first &&
      kept.length === length &&
      (kept.to === query.to || (!kept.pastEnd && query.to >= kept.to))
    ) {
      scan = kept;
      start = length;
      break;
    }
  }
  // The same history again (another open step's check, a Check pressed): what was found stands.
  if (scan && start === history.length) return found(scan);
  const next: KeptScan = scan
    ? { ...scan, recent: [...scan.recent], to: query.to }
    : { count: 0, recent: [], good: undefined, last: undefined, first, length: 0, to: query.to, pastEnd: false };
  const recent = next.recent as CommandRecord[];
  for (let i = start; i < history.length; i++) {
    const record = history[i]!;
    const at = recordTime(record);
    if (at > query.to) next.pastEnd = true;
    if (!(at >= query.from && at <= query.to)) continue;
    next.count++;
    recent.push(record);
    if (recent.length > RECENT) recent.shift();
    if (!lineMatches(pattern, record)) continue;
    next.last = record;
    if (!next.good && record.exitCode === query.exitCode) next.good = record;
  }
  next.length = history.length;
  // A frozen state's shorter history, judged later, is scanned anew.
  for (const byQuery of met) byQuery.delete(key);
  const end = history[history.length - 1]!;
  let byQuery = pattern.scans.get(end);
  if (!byQuery) pattern.scans.set(end, (byQuery = new Map()));
  byQuery.set(key, next);
  return found(next);
}

/** What `scan` found, without what it is kept with. */
function found(scan: KeptScan): HistoryScan {
  return { count: scan.count, recent: scan.recent, good: scan.good, last: scan.last };
}
