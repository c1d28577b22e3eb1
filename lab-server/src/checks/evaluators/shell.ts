/** The `shell` check: a script run in the lab shell, as the learner would run it, and its output. */
import type { z } from 'zod';
import type { shellCheckSchema } from '../../labs/schema.ts';
import { euRo, josa } from '../korean.ts';
import { text, type Evaluator } from '../types.ts';
import { compareAll } from '../verbs.ts';

/** A shell check as the schema fills it. */
export type ShellCheck = z.infer<typeof shellCheckSchema>;

/** Runs the script in a fresh terminal of the environment (not the learner's own). */
export const evaluateShell: Evaluator<ShellCheck> = async (check, ctx) => {
  const r = await ctx.env.runScript(check.script, { signal: ctx.signal, observe: true });
  const shown = r.output.trim();
  const evidence = [
    {
      action: `$ ${check.script.trim()}`,
      result: `exit ${r.exitCode}${shown ? `\n${shown.length > 1500 ? `${shown.slice(0, 1499)}…` : shown}` : ''}`,
    },
  ];
  if (check.expect.exitCode !== undefined && r.exitCode !== check.expect.exitCode) {
    const last = shown.split('\n').pop() ?? '';
    return {
      ok: false,
      evidence,
      signature: `exit:${r.exitCode}`,
      explanation: text(
        `\`${check.script.trim()}\` 명령이 종료 코드 ${euRo(String(r.exitCode))} ` +
          `끝났습니다${last ? ` ("${last}")` : ''}. 이 단계에서는 ${josa(String(check.expect.exitCode), '이어야', '여야')} 합니다.`,
        `\`${check.script.trim()}\` exited with ${r.exitCode}${last ? ` ("${last}")` : ''}; the step expects ${check.expect.exitCode}.`,
      ),
    };
  }
  const output = compareAll(r.output, check.expect.output);
  if (!output.ok) {
    return {
      ok: false,
      evidence,
      signature: 'output',
      explanation: text(
        `\`${check.script.trim()}\` 출력: ${output.reason.ko}.`,
        `Output of \`${check.script.trim()}\`: ${output.reason.en}.`,
      ),
    };
  }
  return {
    ok: true,
    evidence,
    signature: 'ok',
    explanation: text(
      `\`${check.script.trim()}\`의 결과가 기대한 대로입니다.`,
      `\`${check.script.trim()}\` gives the expected result.`,
    ),
  };
};
