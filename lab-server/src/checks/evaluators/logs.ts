/** The `logs` check: lines present or absent in a container's log since the step began. */
import type { z } from 'zod';
import type { logsCheckSchema } from '../../labs/schema.ts';
import { learnerLines } from '../identity.ts';
import { text, type Evaluator } from '../types.ts';
import { compareAll } from '../verbs.ts';

/** A logs check as the schema fills it. */
export type LogsCheck = z.infer<typeof logsCheckSchema>;

/** Reads the log since the step's start once and compares. */
export const evaluateLogs: Evaluator<LogsCheck> = async (check, ctx) => {
  const t = check.target;
  const since = ctx.stepStartedAt.toISOString();
  const raw = await ctx.env.logs({ ...t }, { sinceTime: since });
  // `learnerOnly`: the lines of the checks' own requests are not the learner's doing.
  const lines = check.learnerOnly ? learnerLines(raw) : raw.split('\n').filter((l) => l !== '');
  const log = check.learnerOnly ? lines.map((l) => `${l}\n`).join('') : raw;
  const who = `${t.pod ?? `-l ${t.selector}`}${t.container ? ` -c ${t.container}` : ''}`;
  const tail = lines.slice(-5).join('\n');
  const evidence = [
    {
      action: `kubectl logs -n ${t.namespace} ${who} --since-time=${since}`,
      result: lines.length === 0 ? '(no lines)' : `${lines.length} line(s); last:\n${tail}`,
    },
  ];
  const r = compareAll(log, check.expect);
  if (!r.ok) {
    const empty = lines.length === 0;
    return {
      ok: false,
      evidence,
      signature: empty ? 'empty' : 'mismatch',
      explanation: empty
        ? text(
            `이 단계를 시작한 뒤로 ${who} 로그에 새 줄이 하나도 없습니다. 요청이 이 컨테이너까지 오지 않았을 수 있습니다.`,
            `The log of ${who} has no new lines since this step began: no request may have reached this container.`,
          )
        : text(
            `이 단계를 시작한 뒤의 ${who} 로그: ${r.reason.ko}.`,
            `The log of ${who} since this step began: ${r.reason.en}.`,
          ),
    };
  }
  return {
    ok: true,
    evidence,
    signature: 'ok',
    explanation: text(
      `이 단계를 시작한 뒤의 ${who} 로그가 기대한 대로입니다.`,
      `The log of ${who} since this step began is as expected.`,
    ),
  };
};
