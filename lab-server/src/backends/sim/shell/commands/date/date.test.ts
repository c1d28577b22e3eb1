/** `date` on the environment's clock: GNU's formats, `-d`, and its refusals. */
import { InMemoryFs } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../../../clock.ts';
import { DEFAULT_LIMITS } from '../../../limits.ts';
import { LabShell } from '../../labShell.ts';
import { createDateCommand, parseDateString } from './index.ts';
import { strftime } from './strftime.ts';

const AT = Date.UTC(2026, 11, 6, 6, 5, 4, 250);

function shell() {
  const clock = new SimulationClock('virtual', AT);
  const sh = new LabShell({
    fs: new InMemoryFs(),
    commands: [createDateCommand(() => clock.now())],
    io: {},
    clock,
    limits: DEFAULT_LIMITS,
    home: '/root',
    env: {},
    id: 's',
  });
  return sh;
}

describe('date', () => {
  it("prints the environment's clock, which sleep moves on", async () => {
    const sh = shell();
    expect(await sh.run('date')).toEqual({ output: 'Sun Dec  6 06:05:04 UTC 2026\n', exitCode: 0 });
    expect((await sh.run('date +%s; sleep 30; date +%s')).output).toBe('1796537104\n1796537134\n');
  });

  it('formats as GNU date does: +FORMAT, pad flags, -I, -R, --rfc-3339', async () => {
    const sh = shell();
    expect((await sh.run("date -u '+%Y-%m-%dT%H:%M:%S.%N %j %-d %_m %e %I%p %u %w %y %C %z %:z %%'")).output).toBe(
      '2026-12-06T06:05:04.250000000 340 6 12  6 06AM 7 0 26 20 +0000 +00:00 %\n',
    );
    expect((await sh.run('date -Iseconds')).output).toBe('2026-12-06T06:05:04+00:00\n');
    expect((await sh.run('date --iso-8601')).output).toBe('2026-12-06\n');
    expect((await sh.run('date -R')).output).toBe('Sun, 06 Dec 2026 06:05:04 +0000\n');
    expect((await sh.run('date --rfc-3339=seconds')).output).toBe('2026-12-06 06:05:04+00:00\n');
  });

  it('shows the instant -d names', async () => {
    const sh = shell();
    expect((await sh.run('date -d @0 +%F')).output).toBe('1970-01-01\n');
    expect((await sh.run("date -d '2 hours ago' +%T")).output).toBe('04:05:04\n');
    expect((await sh.run("date --date='2025-01-02 03:04:05' +%s")).output).toBe('1735787045\n');
  });

  it('refuses what GNU date refuses, in its words', async () => {
    const sh = shell();
    expect(await sh.run('date -x')).toEqual({
      output: "date: invalid option -- 'x'\nTry 'date --help' for more information.\n",
      exitCode: 1,
    });
    expect((await sh.run('date --bogus')).output).toBe(
      "date: unrecognized option '--bogus'\nTry 'date --help' for more information.\n",
    );
    expect(await sh.run("date -d 'someday'")).toEqual({ output: 'date: invalid date ‘someday’\n', exitCode: 1 });
    expect((await sh.run('date 12061200')).output).toBe('date: cannot set date: Operation not permitted\n');
    expect((await sh.run('date +%s +%s')).output).toBe(
      "date: extra operand ‘+%s’\nTry 'date --help' for more information.\n",
    );
    expect((await sh.run('date -Ifoo')).exitCode).toBe(1);
  });
});

describe('strftime and parseDateString', () => {
  it('leaves unknown conversions as written and reads dates without a zone as UTC', () => {
    expect(strftime('%Q %H', AT)).toBe('%Q 06');
    expect(parseDateString('2026-12-06', 0)).toBe(Date.UTC(2026, 11, 6));
    expect(parseDateString('next blue moon', 0)).toBeUndefined();
  });
});
