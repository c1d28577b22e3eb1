import { describe, expect, it } from 'vitest';
import {
  changesDefinitions,
  initialState,
  KEPT_AS_VALUE_CHARS,
  KEPT_COMMAND,
  keptValues,
  leavesStateAlone,
  readDump,
  readState,
  wrapLine,
} from './shellState.ts';

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
    expect(script).toContain(`{ ${KEPT_COMMAND}; echo $__labs_status; declare -p; echo MARK; pwd; }`);
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

  it('lists functions and aliases only after a line that may have changed them', () => {
    const start = initialState('/root', 'MARK');
    expect(changesDefinitions('kubectl get pods -o wide', start)).toBe(false);
    for (const line of [
      'f() { :; }',
      'unset -f f',
      "alias k='kubectl'",
      'source x.sh',
      '. x.sh',
      'eval "$x"',
      '$c x=y',
    ])
      expect(changesDefinitions(line, start)).toBe(true);
    // Any function may define another.
    const withFunction = { ...start, functions: new Map([['mk', 'mk() { :; }']]) };
    expect(changesDefinitions('mk', withFunction)).toBe(true);
    expect(readDump('0\ndeclare -- a="1"\nMARK\n/root/x\n', 'ls', start)).toEqual({
      status: '0',
      vars: 'declare -- a="1"',
      cwd: '/root/x\n',
      unchanged: true,
    });
    expect(readDump("0\nMARK\ndeclare -f f\nMARK\nalias k='kubectl'\nMARK\n/root\n", 'f() { :; }', start)).toEqual({
      status: '0',
      vars: '',
      functions: 'declare -f f',
      aliases: "alias k='kubectl'",
      cwd: '/root\n',
    });
    // A dump cut short is no dump: the state stays as it was.
    expect(readDump('0\ndeclare -- a="1"\n', 'ls', start)).toEqual({});
  });

  it('takes a line for one that leaves the state alone only when it is one plain command that changes none', () => {
    const state = initialState('/root');
    const plain = [
      'kubectl get pods',
      "  kubectl get pods -l app=reviews -o jsonpath='{.items[*].metadata.name}' ",
      'curl -s -H "end-user: jason" http://productpage:9080/productpage',
      'istioctl proxy-config routes deploy/productpage-v1 --name 9080 -o json',
      'cat samples/a.txt',
      'kubectl get pods | grep reviews | wc -l',
      'kubectl apply -f a.yaml && kubectl get vs || echo failed; echo done',
    ];
    for (const line of plain) expect(leavesStateAlone(line, state), line).toBe(true);
    const not = [
      'cd samples',
      'export X=1',
      'X=1 kubectl get pods',
      'kubectl get pods; cd /',
      'kubectl get pods | cd /',
      'kubectl get pods;',
      '| kubectl get pods',
      'kubectl get pods &',
      'kubectl get pods |& grep x',
      'kubectl get pods 2>&1',
      'kubectl get pods && cd /',
      'kubectl get pods > out',
      'kubectl get pods # note',
      'ls *',
      'echo ~',
      'curl -s "http://x/$P"',
      'echo `pwd`',
      "echo 'a\nb'\ncd /",
      'source f',
      'read x',
      'alias k=kubectl',
      'env',
      'bash -c "cd /"',
      'time kubectl get pods',
    ];
    for (const line of not) expect(leavesStateAlone(line, state), line).toBe(false);
    const shadowed = { ...state, aliases: ["alias ls='cd /'"], functions: new Map([['cat', 'cat() { cd /; }']]) };
    expect(leavesStateAlone('ls', shadowed)).toBe(false);
    expect(leavesStateAlone('cat a', shadowed)).toBe(false);
    expect(leavesStateAlone('kubectl get pods | ls', shadowed)).toBe(false);
    expect(leavesStateAlone('kubectl get pods', shadowed)).toBe(true);
  });
});
