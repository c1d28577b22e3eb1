/** `time`: bash's keyword and BusyBox's applet, both on the environment's clock. */
import { Bash, defineCommand } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../../../clock.ts';
import { createTimeKeywordCommands, rewriteTimeKeyword } from '../../timeKeyword.ts';
import { BUSYBOX_TIME_USAGE, createBusyboxTimeCommand } from './busybox.ts';
import { bashReport, busyboxReport } from './format.ts';

describe('time reports', () => {
  it("bash's keyword: a blank line, real with milliseconds; -p in seconds", () => {
    expect(bashReport(5024, false)).toBe('\nreal\t0m5.024s\nuser\t0m0.000s\nsys\t0m0.000s\n');
    expect(bashReport(63_500, false)).toBe('\nreal\t1m3.500s\nuser\t0m0.000s\nsys\t0m0.000s\n');
    expect(bashReport(3149, true)).toBe('real 3.15\nuser 0.00\nsys 0.00\n');
  });

  it("BusyBox's applet: `0m 5.02s`, hours as `1h 0m 05s`, a failed PROG's status first", () => {
    expect(busyboxReport(5024, 0, 'default', ['curl'])).toBe('real\t0m 5.02s\nuser\t0m 0.00s\nsys\t0m 0.00s\n');
    expect(busyboxReport(3_605_000, 0, 'default', ['x'])).toBe('real\t1h 0m 05s\nuser\t0m 0.00s\nsys\t0m 0.00s\n');
    expect(busyboxReport(3149, 28, 'posix', ['curl'])).toBe(
      'Command exited with non-zero status 28\nreal 3.14\nuser 0.00\nsys 0.00\n',
    );
    expect(busyboxReport(1000, 0, 'verbose', ['sleep', '1'])).toContain('\tCommand being timed: "sleep 1"\n');
  });
});

/** A shell with a `work N` command that takes N seconds of the clock and fails when N is 9. */
function busyboxShell(clock: SimulationClock): Bash {
  const work = defineCommand('work', async (args) => {
    await clock.sleep(Number(args[0]) * 1000);
    return { stdout: `worked ${args[0]}\n`, stderr: '', exitCode: args[0] === '9' ? 9 : 0 };
  });
  return new Bash({ customCommands: [work, createBusyboxTimeCommand(clock)] });
}

describe('BusyBox time applet', () => {
  it('times PROG on the clock, reports on stderr and passes its exit status on', async () => {
    const clock = new SimulationClock('virtual');
    const sh = busyboxShell(clock);
    const ok = await sh.exec(rewriteTimeKeyword('time work 5', 'busybox'));
    // The virtual clock also moves with the wall clock while the test runs (on a busy machine, a fraction of a second).
    expect(ok).toMatchObject({ stdout: 'worked 5\n', exitCode: 0 });
    expect(ok.stderr).toMatch(/^real\t0m 5\.\d\ds\nuser\t0m 0\.00s\nsys\t0m 0\.00s\n$/);
    const failed = await sh.exec(rewriteTimeKeyword('time -p work 9', 'busybox'));
    expect(failed.stderr).toMatch(/^Command exited with non-zero status 9\nreal 9\.\d\d\nuser 0\.00\nsys 0\.00\n$/);
    expect(failed.exitCode).toBe(9);
  });

  it('in a pipeline times only the first command, as ash runs the applet', async () => {
    const sh = busyboxShell(new SimulationClock('virtual'));
    const r = await sh.exec(rewriteTimeKeyword('time work 2 | tr a-z A-Z', 'busybox'));
    expect(r.stdout).toBe('WORKED 2\n');
    expect(r.stderr).toMatch(/^real\t0m 2\.\d\ds\nuser\t0m 0\.00s\nsys\t0m 0\.00s\n$/);
  });

  it('-o writes the report to a file, -f formats it; a missing PROG or a bad option prints the usage', async () => {
    const sh = busyboxShell(new SimulationClock('virtual'));
    const r = await sh.exec("'time' -o /tmp/t -f '%e s, status %x' work 1; cat /tmp/t");
    expect(r.stdout).toMatch(/^worked 1\n1\.\d\d s, status 0\n$/);
    expect(await sh.exec(rewriteTimeKeyword('time', 'busybox'))).toMatchObject({
      stderr: BUSYBOX_TIME_USAGE,
      exitCode: 1,
    });
    expect((await sh.exec("'time' -x work 1")).stderr).toBe(`time: unrecognized option: x\n${BUSYBOX_TIME_USAGE}`);
    const missing = await sh.exec("'time' nope");
    expect(missing.stderr).toMatch(
      /^time: can't execute 'nope': No such file or directory\nCommand exited with non-zero status 127\nreal\t0m 0\.\d\ds\n/,
    );
    expect(missing.exitCode).toBe(127);
  });
});

describe('time keyword rewriting', () => {
  it('leaves lines without a timed pipeline alone, including `time` as an argument', () => {
    expect(rewriteTimeKeyword('echo time flies', 'bash')).toBe('echo time flies');
    expect(rewriteTimeKeyword('kubectl exec p -- time curl x', 'bash')).toBe('kubectl exec p -- time curl x');
    expect(rewriteTimeKeyword('cat <<EOF\ntime x\nEOF', 'bash')).toBe('cat <<EOF\ntime x\nEOF');
  });

  it('bash: the whole pipeline, its status kept, on the clock; -p too', async () => {
    const clock = new SimulationClock('virtual');
    const keyword = createTimeKeywordCommands(clock);
    const work = defineCommand('work', async (args) => {
      await clock.sleep(Number(args[0]) * 1000);
      return { stdout: 'w\n', stderr: '', exitCode: Number(args[1] ?? 0) };
    });
    const sh = new Bash({ customCommands: [work, ...keyword.commands] });
    const line = rewriteTimeKeyword('time work 3 | work 2 3', 'bash');
    const r = await sh.exec(line);
    // The virtual clock also moves with the wall clock while the test runs (on a busy machine, a fraction of a second).
    expect(r.stderr).toMatch(/^\nreal\t0m5\.\d{3}s\nuser\t0m0\.000s\nsys\t0m0\.000s\n$/);
    expect(r.exitCode).toBe(3);
    const p = await sh.exec(rewriteTimeKeyword('time -p work 1 && echo after', 'bash'));
    expect(p.stdout).toBe('w\nafter\n');
    expect(p.stderr).toMatch(/^real 1\.\d\d\nuser 0\.00\nsys 0\.00\n$/);
  });
});
