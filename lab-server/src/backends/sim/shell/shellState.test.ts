import { describe, expect, it } from 'vitest';
import { initialState, KEPT_AS_VALUE_CHARS, KEPT_COMMAND, keptValues, readState, wrapLine } from './shellState.ts';

const big = 'v'.repeat(KEPT_AS_VALUE_CHARS + 1);

describe('the state a line leaves for the next', () => {
  it('keeps a big plain variable as its value and hands it over outside the script', () => {
    const dump = {
      vars: [
        `declare -- big="${big}"`,
        'declare -- small="s"',
        `declare -x out="${big}"`,
        `declare -i n="${big}"`,
      ].join('\n'),
      status: '0\n',
    };
    const state = readState(dump, 'big=...', initialState('/root'), { big, small: 's', out: big, n: big });
    expect(state.variables).toEqual(['declare -- small="s"', `declare -i n="${big}"`]);
    expect([...state.values]).toEqual([
      ['big', { value: big, exported: false }],
      ['out', { value: big, exported: true }],
    ]);
    const script = wrapLine('echo hi', state, '/.labs/shells/1');
    // Only the integer variable (an attribute besides export) is restored as text.
    expect(script.split(big).length).toBe(2);
    expect(script).toContain('\nexport out\n');
    expect(keptValues(state)).toEqual({ big, out: big });
    expect(keptValues(initialState('/root'))).toBeUndefined();
  });

  it('keeps a big variable as text when just-bash did not report its value', () => {
    const state = readState({ vars: `declare -- big="${big}"`, status: '0' }, 'x', initialState('/'), {});
    expect(state.variables).toEqual([`declare -- big="${big}"`]);
    expect(state.values.size).toBe(0);
  });

  it('takes back an unchanged big value from its mark, with the attributes the line gave it', () => {
    const start = initialState('/root', 'MARK');
    const kept = readState({ vars: `declare -x a="${big}"\ndeclare -- b="${big}"`, status: '0' }, 'x', start, {
      a: big,
      b: big,
    });
    const script = wrapLine('echo hi', kept, '/d');
    expect(script).toContain(`{ ${KEPT_COMMAND}; echo $__labs_status; echo MARK; pwd;`);
    // The dump printed the mark for both: `a` unchanged, `b` made an integer (carried as text from then on).
    const next = readState({ vars: 'declare -x a="MARK"\ndeclare -i b="MARK"', status: '0' }, 'declare -i b', kept, {
      a: 'MARK',
      b: 'MARK',
    });
    expect([...next.values]).toEqual([['a', { value: big, exported: true }]]);
    expect(next.variables).toEqual([`declare -i b='${big}'`]);
    // Without big values, the dump runs no extra command.
    expect(wrapLine('echo hi', start, '/d')).not.toContain(KEPT_COMMAND);
  });
});
