/** The `ran` check: the learner ran a matching command in the terminal since the step began. */
import type { z } from 'zod';
import type { ranCheckSchema } from '../../labs/schema.ts';
import { euRo, eulReul } from '../korean.ts';
import { text, type Evaluator } from '../types.ts';

/** A ran check as the schema fills it. */
export type RanCheck = z.infer<typeof ranCheckSchema>;

/** `toISOString`'s form (years 0 to 9999): such strings compare as the times they name. */
const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Looks through the terminal history between the step's start and this check's start. */
export const evaluateRan: Evaluator<RanCheck> = async (check, ctx) => {
  const pattern = new RegExp(check.pattern);
  const from = ctx.stepStartedAt.getTime();
  const to = ctx.checkStartedAt.getTime();
  const fromIso = ctx.stepStartedAt.toISOString();
  const toIso = ctx.checkStartedAt.toISOString();
  // Commands the check itself runs (a `shell` check in the same `all`) come after `to` and never count.
  // The backends write `at` as `toISOString` does, whose strings order as their times: compared as strings, a history
  // of 1,000 commands takes 0.01 ms instead of 0.17 ms, and an automatic check runs this after every command.
  const asStrings = CANONICAL_ISO.test(fromIso) && CANONICAL_ISO.test(toIso);
  const records = ctx.env.history().filter((r) => {
    if (asStrings && CANONICAL_ISO.test(r.at)) return r.at >= fromIso && r.at <= toIso;
    const at = Date.parse(r.at);
    return at >= from && at <= to;
  });
  const matching = records.filter((r) => pattern.test(r.line));
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
