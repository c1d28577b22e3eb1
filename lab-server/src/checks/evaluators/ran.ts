/** The `ran` check: the learner ran a matching command in the terminal since the step began. */
import type { z } from 'zod';
import type { CommandRecord } from '../../contract.ts';
import type { ranCheckSchema } from '../../labs/schema.ts';
import { euRo, eulReul } from '../korean.ts';
import { text, type Evaluator } from '../types.ts';

/** A ran check as the schema fills it. */
export type RanCheck = z.infer<typeof ranCheckSchema>;

/**
 * What `ran` checks learned of each record, kept as long as the record is: a record never changes, and an automatic
 * check reads the whole history since the step began after every command the learner types. Read anew each time (a
 * regex on each record's time, the step's pattern on each line), 200 learners typing a command a second for eight
 * minutes cost the server's front 73 ms of CPU a second in this function, and more with each command; kept, 26.
 */
const timeOf = new WeakMap<CommandRecord, number>();
/** A `ran` check's pattern compiled, and whether each record's line matches it. */
interface CompiledPattern {
  regex: RegExp;
  matches: WeakMap<CommandRecord, boolean>;
}

/** Per pattern, as a lab's check writes it. */
const patterns = new Map<string, CompiledPattern>();

/** When `record` ran, in ms (any form `Date.parse` reads; NaN, never in a step's window, for one it cannot). */
function recordTime(record: CommandRecord): number {
  let at = timeOf.get(record);
  if (at === undefined) timeOf.set(record, (at = Date.parse(record.at)));
  return at;
}

/** The pattern `source` compiled (a regular expression without flags: `test` keeps no state), with its answers. */
function compiled(source: string): CompiledPattern {
  let pattern = patterns.get(source);
  if (!pattern) patterns.set(source, (pattern = { regex: new RegExp(source), matches: new WeakMap() }));
  return pattern;
}

/** Whether `record`'s line matches `pattern`. */
function lineMatches(pattern: CompiledPattern, record: CommandRecord): boolean {
  let matches = pattern.matches.get(record);
  if (matches === undefined) pattern.matches.set(record, (matches = pattern.regex.test(record.line)));
  return matches;
}

/** Looks through the terminal history between the step's start and this check's start. */
export const evaluateRan: Evaluator<RanCheck> = async (check, ctx) => {
  const pattern = compiled(check.pattern);
  const from = ctx.stepStartedAt.getTime();
  const to = ctx.checkStartedAt.getTime();
  // Commands the check itself runs (a `shell` check in the same `all`) come after `to` and never count.
  const records: CommandRecord[] = [];
  for (const r of ctx.env.history()) {
    const at = recordTime(r);
    if (at >= from && at <= to) records.push(r);
  }
  const matching = records.filter((r) => lineMatches(pattern, r));
  const good = matching.find((r) => r.exitCode === check.exitCode);
  const recent = records
    .slice(-5)
    .map((r) => `$ ${r.line}  (exit ${r.exitCode})`)
    .join('\n');
  const evidence = [
    {
      action: `terminal history since ${ctx.stepStartedAt.toISOString()}`,
      result: records.length === 0 ? '(no commands)' : `${records.length} command(s); last:\n${recent}`,
    },
  ];
  if (good)
    return {
      ok: true,
      evidence,
      signature: 'ok',
      explanation: text(
        `터미널에서 ${eulReul(`\`${good.line}\``)} 실행했습니다.`,
        `You ran \`${good.line}\` in the terminal.`,
      ),
    };
  const last = matching[matching.length - 1];
  if (last) {
    return {
      ok: false,
      evidence,
      signature: 'exit',
      explanation: text(
        `${eulReul(`\`${last.line}\``)} 실행했지만 종료 코드 ${euRo(String(last.exitCode))} 끝났습니다. 오류 없이(${check.exitCode}) 끝나야 합니다.`,
        `You ran \`${last.line}\` but it exited with ${last.exitCode}; it must finish with ${check.exitCode}.`,
      ),
    };
  }
  return {
    ok: false,
    evidence,
    signature: 'none',
    explanation:
      records.length === 0
        ? text(
            '이 단계를 시작한 뒤로 터미널에서 실행한 명령이 없습니다. 단계의 명령을 터미널에서 직접 실행해 보세요.',
            "No command has been run in the terminal since this step began: run the step's command there yourself.",
          )
        : text(
            '이 단계를 시작한 뒤 실행한 명령 중에 이 단계의 명령과 맞는 것이 없습니다.',
            "None of the commands run since this step began is the step's command.",
          ),
  };
};
