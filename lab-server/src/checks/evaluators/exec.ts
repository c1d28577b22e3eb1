/** The `exec` check: a command's exit code and output inside a container. */
import type { z } from 'zod';
import type { execCheckSchema } from '../../labs/schema.ts';
import { euRo, josa } from '../korean.ts';
import { text, type Evaluator } from '../types.ts';
import { compareAll } from '../verbs.ts';

/** An exec check as the schema fills it. */
export type ExecCheck = z.infer<typeof execCheckSchema>;

const EXEC_TIMEOUT_MS = 15_000;

/** `kubectl exec -n default deploy/sleep -c sleep -- curl ...` as evidence shows it. */
function describeExec(check: ExecCheck): string {
  const t = check.target;
  const who = t.pod ?? `-l ${t.selector}`;
  return `kubectl exec -n ${t.namespace} ${who}${t.container ? ` -c ${t.container}` : ''} -- ${check.command.join(' ')}`;
}

/** Runs the command once. */
export const evaluateExec: Evaluator<ExecCheck> = async (check, ctx) => {
  const r = await ctx.env.exec({ ...check.target }, check.command, { timeoutMs: EXEC_TIMEOUT_MS });
  const out = (r.stdout + (r.stderr ? `\n[stderr] ${r.stderr}` : '')).trim();
  const evidence = [
    {
      action: describeExec(check),
      result: `exit ${r.exitCode}${out ? `: ${out.length > 500 ? `${out.slice(0, 499)}…` : out}` : ''}`,
    },
  ];
  if (check.expect.exitCode !== undefined && r.exitCode !== check.expect.exitCode) {
    const err = r.stderr.trim().split('\n').pop();
    return {
      ok: false,
      evidence,
      signature: `exit:${r.exitCode}`,
      explanation: text(
        `명령이 종료 코드 ${euRo(String(r.exitCode))} 끝났습니다${err ? ` (${err})` : ''}. ` +
          `이 단계에서는 ${josa(String(check.expect.exitCode), '이어야', '여야')} 합니다.`,
        `The command exited with ${r.exitCode}${err ? ` (${err})` : ''}; the step expects ${check.expect.exitCode}.`,
      ),
    };
  }
  const output = compareAll(r.stdout, check.expect.stdout);
  if (!output.ok)
    return {
      ok: false,
      evidence,
      signature: 'stdout',
      explanation: text(`명령 출력: ${output.reason.ko}.`, `Command output: ${output.reason.en}.`),
    };
  return {
    ok: true,
    evidence,
    signature: 'ok',
    explanation: text(
      '컨테이너 안에서 실행한 명령의 결과가 기대한 대로입니다.',
      "The command's result inside the container is as expected.",
    ),
  };
};
