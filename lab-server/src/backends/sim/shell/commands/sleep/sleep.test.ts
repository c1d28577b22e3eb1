/** `sleep` and `timeout` on the environment's clock: they wait, move the clock on, stop on Ctrl-C, and leak nothing. */
import { InMemoryFs } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../../../clock.ts';
import { DEFAULT_LIMITS } from '../../../limits.ts';
import { LabShell } from '../../labShell.ts';

function shell(clock = new SimulationClock('virtual'), limits = DEFAULT_LIMITS) {
  const sh = new LabShell({
    fs: new InMemoryFs(),
    commands: [],
    io: {},
    clock,
    limits,
    home: '/root',
    env: {},
    id: 's',
  });
  return { sh, clock };
}

describe('sleep', () => {
  it('moves the virtual clock on by the whole duration, summing operands and suffixes', async () => {
    const { sh, clock } = shell();
    const before = clock.now();
    expect(await sh.run('sleep 1.5 2m; echo $?')).toEqual({ output: '0\n', exitCode: 0 });
    expect(clock.now() - before).toBeGreaterThanOrEqual(121_500);
    expect(clock.now() - before).toBeLessThan(122_000);
  });

  it("answers bad operands as coreutils' sleep does", async () => {
    const { sh } = shell();
    expect(await sh.run('sleep')).toEqual({
      output: "sleep: missing operand\nTry 'sleep --help' for more information.\n",
      exitCode: 1,
    });
    expect(await sh.run('sleep 1x 2')).toEqual({
      output: "sleep: invalid time interval ‘1x’\nTry 'sleep --help' for more information.\n",
      exitCode: 1,
    });
  });

  it('leaves no timer or listener behind, however many times it runs', async () => {
    const { sh, clock } = shell();
    const r = await sh.run('for i in $(seq 1 2000); do sleep 0.01; done; echo done');
    expect(r.output).toBe('done\n');
    expect(clock.pending).toBe(0);
  });

  it('stops at once on Ctrl-C and leaves nothing pending', async () => {
    const clock = new SimulationClock('real');
    const { sh } = shell(clock);
    const stop = new AbortController();
    const running = sh.run('sleep 100; echo after', { signal: stop.signal });
    await expect.poll(() => clock.pending).toBe(1);
    stop.abort();
    const r = await running;
    expect(r.exitCode).toBe(130);
    expect(r.output).not.toContain('after');
    expect(clock.pending).toBe(0);
    clock.dispose();
  });

  it('waits in real time only up to the limit, says so, and moves the clock on by the rest', async () => {
    const clock = new SimulationClock('real');
    const { sh } = shell(clock, { ...DEFAULT_LIMITS, sleepRealMs: 1000 });
    const before = clock.now();
    const r = await sh.run('sleep 600');
    expect(r).toEqual({
      output: 'sleep: the lab waits 1 s of real time at most; its clock moves on the other 599 s at once\n',
      exitCode: 0,
    });
    expect(clock.now() - before).toBeGreaterThanOrEqual(600_000);
    clock.dispose();
  });
});

describe('timeout', () => {
  it('stops a command still running after the duration and exits 124; the clock moved on by 1 s, not 5', async () => {
    const { sh, clock } = shell();
    const before = clock.now();
    expect(await sh.run('timeout 1 sleep 5; echo $?')).toEqual({ output: '124\n', exitCode: 0 });
    expect(clock.now() - before).toBeLessThan(1_500);
    expect(clock.pending).toBe(0);
  });

  it("passes the command's output and status through when it finishes in time, stdin included", async () => {
    const { sh } = shell();
    expect(await sh.run('timeout 5 sh -c "echo out; exit 3"; echo $?')).toEqual({ output: 'out\n3\n', exitCode: 0 });
    expect(await sh.run('echo abc | timeout 2 wc -c')).toEqual({ output: '4\n', exitCode: 0 });
  });

  it('reports the signal with --preserve-status and -v, and refuses bad usage with 125', async () => {
    const { sh } = shell();
    expect(await sh.run('timeout -v -s KILL --preserve-status 0.5 sleep 3; echo $?')).toEqual({
      output: 'timeout: sending signal KILL to command ‘sleep’\n137\n',
      exitCode: 0,
    });
    expect(await sh.run('timeout x sleep 1')).toEqual({
      output: "timeout: invalid time interval ‘x’\nTry 'timeout --help' for more information.\n",
      exitCode: 125,
    });
    expect((await sh.run('timeout 1')).output).toBe(
      "timeout: missing operand after ‘1’\nTry 'timeout --help' for more information.\n",
    );
  });
});
