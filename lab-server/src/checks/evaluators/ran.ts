/** The `ran` check: the learner ran a matching command in the terminal since the step began. */
import type { z } from 'zod';
import type { ranCheckSchema } from '../../labs/schema.ts';
import { scanHistory } from '../historyScan.ts';
import { euRo, eulReul } from '../korean.ts';
import { text, type Evaluator } from '../types.ts';

/** A ran check as the schema fills it. */
export type RanCheck = z.infer<typeof ranCheckSchema>;

/** Looks through the terminal history between the step's start and this check's start. */
export const evaluateRan: Evaluator<RanCheck> = async (check, ctx) => {
  // Commands the check itself runs (a `shell` check in the same `all`) come after its start and never count.
  const { count, recent, good, last } = scanHistory(ctx.env.history(), {
    pattern: check.pattern,
    exitCode: check.exitCode,
    from: ctx.stepStartedAt.getTime(),
    to: ctx.checkStartedAt.getTime(),
  });
  const lines = recent.map((r) => `$ ${r.line}  (exit ${r.exitCode})`).join('\n');
  const evidence = [
    {
      action: `terminal history since ${ctx.stepStartedAt.toISOString()}`,
      result: count === 0 ? '(no commands)' : `${count} command(s); last:\n${lines}`,
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
      count === 0
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
