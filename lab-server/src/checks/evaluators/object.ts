/** The `object` check: an object exists (or not) and its fields hold the expected values. */
import type { objectCheckSchema } from '../../labs/schema.ts';
import type { z } from 'zod';
import { eulReul, iGa, josa } from '../korean.ts';
import { jsonEqual, readFieldPath, showValue } from '../fieldPath.ts';
import { text, type Evaluator } from '../types.ts';

/** An object check as the schema fills it. */
export type ObjectCheck = z.infer<typeof objectCheckSchema>;

/** Reads the object once and compares. */
export const evaluateObject: Evaluator<ObjectCheck> = async (check, ctx) => {
  const { kind, name, namespace } = check.ref;
  const object = await ctx.env.get({ kind, name, namespace });
  const action = `kubectl get ${kind.toLowerCase()} ${name} -n ${namespace}`;
  const what = `${kind} ${name}`;
  if (object === null) {
    const evidence = [{ action, result: 'not found' }];
    if (check.absent)
      return {
        ok: true,
        evidence,
        signature: 'absent',
        explanation: text(
          `${namespace} 네임스페이스에 ${iGa(what)} 없습니다. 기대한 대로입니다.`,
          `${what} does not exist in namespace ${namespace}, as expected.`,
        ),
      };
    return {
      ok: false,
      evidence,
      signature: 'missing',
      explanation: text(
        `${namespace} 네임스페이스에서 ${eulReul(what)} 찾지 못했습니다. 아직 적용하지 않았거나 이름·네임스페이스가 다릅니다.`,
        `${what} does not exist in namespace ${namespace}: it has not been applied yet, or its name or namespace differ.`,
      ),
    };
  }
  if (check.absent) {
    return {
      ok: false,
      evidence: [{ action, result: 'exists' }],
      signature: 'present',
      explanation: text(
        `${iGa(what)} 아직 남아 있습니다. 이 단계에서는 지워져 있어야 합니다.`,
        `${what} still exists; this step expects it deleted.`,
      ),
    };
  }
  const seen = check.fields.map((f) => ({ ...f, actual: readFieldPath(object, f.path) }));
  const evidence = [
    { action, result: seen.length === 0 ? 'exists' : seen.map((f) => `${f.path}=${showValue(f.actual)}`).join(', ') },
  ];
  const wrong = seen.find((f) => !jsonEqual(f.actual, f.equals));
  if (wrong) {
    const actual = showValue(wrong.actual);
    const expected = showValue(wrong.equals);
    return {
      ok: false,
      evidence,
      signature: `field:${wrong.path}=${actual}`,
      explanation:
        wrong.actual === undefined
          ? text(
              `${what}에 ${wrong.path} 값이 없습니다. 이 단계에서는 ${josa(expected, '이어야', '여야')} 합니다.`,
              `${what} has no ${wrong.path}; the step expects ${expected}.`,
            )
          : text(
              `${what}의 ${wrong.path} 값이 ${actual}입니다. 이 단계에서는 ${josa(expected, '이어야', '여야')} 합니다.`,
              `${what}: ${wrong.path} is ${actual}; the step expects ${expected}.`,
            ),
    };
  }
  return {
    ok: true,
    evidence,
    signature: 'ok',
    explanation:
      check.fields.length === 0
        ? text(`${namespace} 네임스페이스에 ${iGa(what)} 있습니다.`, `${what} exists in namespace ${namespace}.`)
        : text(
            `${what}의 필드 ${check.fields.length}개가 모두 기대한 값입니다.`,
            `${what} exists and its ${check.fields.length} checked field(s) hold the expected values.`,
          ),
  };
};
