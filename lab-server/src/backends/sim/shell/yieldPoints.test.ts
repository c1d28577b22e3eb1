import { InMemoryFs, parse, serialize } from 'just-bash';
import { describe, expect, it, vi } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { DEFAULT_LIMITS, type SimLimits } from '../limits.ts';
import { LabShell } from './labShell.ts';
import { yieldPointsPlugin } from './yieldPoints.ts';

function options(limits: SimLimits = DEFAULT_LIMITS) {
  return {
    fs: new InMemoryFs(),
    commands: [],
    io: {},
    clock: new SimulationClock('virtual'),
    limits,
    home: '/root',
    env: {},
    id: 'y1',
  };
}

function shell(limits: SimLimits = DEFAULT_LIMITS) {
  return new LabShell(options(limits));
}

/** Counts turns of the event loop until stopped: none pass while a command holds the thread. */
function turns() {
  let count = 0;
  let stopped = false;
  const tick = () => {
    count++;
    if (!stopped) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      stopped = true;
      return count;
    },
  };
}

describe('yield points', () => {
  it('go at the top of every loop body and function body', () => {
    const ast = parse('while true; do a; done; for i in 1; do b; done; until c; do d; done; f() { e; }');
    const out = serialize(yieldPointsPlugin('/t').transform({ ast, metadata: {} }).ast);
    expect(out.match(/63<\s*\/t/g)).toHaveLength(4);
  });

  it("read the shell's own path, made from one parse for plain paths exactly as the parser makes it", () => {
    type Tree = {
      statements: { pipelines: { commands: { body: Tree['statements']; redirections: unknown[] }[] }[] }[];
    };
    const first = (tree: Tree) => tree.statements[0]!.pipelines[0]!.commands[0]!;
    for (const path of ['/.labs/shells/12/turn', '/.labs/shells/7/turn', '/x$HOME/turn']) {
      const ast = yieldPointsPlugin(path).transform({ ast: parse('while true; do a; done'), metadata: {} }).ast;
      const group = first({ statements: first(ast as unknown as Tree).body });
      expect(group.redirections).toEqual(first(parse(`{ :; } 63<${path}`) as unknown as Tree).redirections);
    }
  });

  it('leave $?, set -e, break, continue and return as bash has them', async () => {
    const sh = shell();
    expect((await sh.run('false; for i in 1 2; do echo "s$?"; done')).output).toBe('s1\ns0\n');
    expect((await sh.run('until false; do echo "in $?"; break; done')).output).toBe('in 1\n');
    expect((await sh.run('set -e; for i in 1 2 3; do [ $i = 2 ] && echo two; done; echo end')).output).toBe(
      'two\nend\n',
    );
    const nested = await sh.run('for x in a b; do for y in c d; do [ $y = d ] && continue 2; echo $x$y; done; done');
    expect(nested.output).toBe('ac\nbc\n');
    expect((await sh.run('f() { for i in 1 2; do return 3; done; }; f; echo $?')).output).toBe('3\n');
    expect((await sh.run('i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i')).output).toBe('3\n');
  });

  it("let the thread's other work run while a loop runs", async () => {
    const sh = shell();
    const counter = turns();
    const r = await sh.run('for i in $(seq 1 3000); do :; done; echo done');
    const during = counter.stop();
    expect(r.output).toBe('done\n');
    // Without yield points the loop would run in one turn: nothing else would get one until it ended.
    expect(during).toBeGreaterThan(3);
  });

  it("hold the environment's virtual clock while the loop waits for its next turn", async () => {
    const clock = new SimulationClock('virtual');
    const sh = new LabShell({ ...options(), clock });
    const start = clock.now();
    let fired = false;
    void clock.sleep(60_000).then(() => (fired = true));
    const counter = turns();
    const r = await sh.run('for i in $(seq 1 3000); do :; done; echo done');
    const during = counter.stop();
    expect(r.output).toBe('done\n');
    expect(during).toBeGreaterThan(3);
    // The loop gave the thread away several times, yet it is not idle: no sleep may fire and time stands still.
    expect(fired).toBe(false);
    // (A command line itself moves the virtual clock by 1 ms.)
    expect(clock.now() - start).toBeLessThan(10);
    await vi.waitFor(() => expect(fired).toBe(true));
    expect(clock.now()).toBe(start + 60_000);
  });

  it('stop a line once it used its CPU budget, in words that say why, and the shell goes on', async () => {
    const sh = shell({ ...DEFAULT_LIMITS, commandCpuMs: 100 });
    const r = await sh.run('while true; do :; done');
    expect(r.exitCode).toBe(124);
    expect(r.output).toContain(
      "lab shell: stopped: this command used 0.1 s of the lab's CPU time, the most one command may use here",
    );
    expect((await sh.run('echo after')).output).toBe('after\n');
  });
});
