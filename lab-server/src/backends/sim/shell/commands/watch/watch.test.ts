/** `watch`: procps' options and refusals, reruns on the environment's clock, `-d`/`-g`/`-e`, no terminal, Ctrl-C. */
import { InMemoryFs } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../../../clock.ts';
import { DEFAULT_LIMITS } from '../../../limits.ts';
import { LabShell } from '../../labShell.ts';
import { createDateCommand } from '../date/index.ts';
import { highlightChanges } from './differences.ts';
import { createWatchCommand } from './index.ts';
import { parseWatchArgs, WATCH_USAGE } from './options.ts';

function shell() {
  const clock = new SimulationClock('virtual', Date.UTC(2026, 11, 6, 6, 0, 0));
  const io: { stream?: ((text: string) => void) | undefined } = {};
  const sh = new LabShell({
    fs: new InMemoryFs(),
    commands: [
      createDateCommand(() => clock.now()),
      createWatchCommand({
        clock,
        get stream() {
          return io.stream;
        },
      }),
    ],
    io,
    clock,
    limits: DEFAULT_LIMITS,
    home: '/root',
    env: {},
    id: 's',
  });
  return { sh, clock };
}

/** Runs `line` in a terminal, stopping it (Ctrl-C) after `frames` screens; the screens drawn. */
async function frames(line: string, count: number): Promise<{ screens: string[]; exitCode: number }> {
  const { sh } = shell();
  const stop = new AbortController();
  const screens: string[] = [];
  const r = await sh.run(line, {
    signal: stop.signal,
    stream: (text) => {
      screens.push(text);
      if (screens.length >= count) stop.abort();
    },
  });
  return { screens, exitCode: r.exitCode };
}

describe('watch options', () => {
  it('parses grouped, attached and long options as getopt_long does', () => {
    expect(parseWatchArgs(['-tn', '5', 'kubectl', 'get', 'pods'])).toMatchObject({
      title: false,
      intervalS: 5,
      command: ['kubectl', 'get', 'pods'],
    });
    expect(parseWatchArgs(['-n1', '-d', 'date'])).toMatchObject({ intervalS: 1, differences: true });
    expect(parseWatchArgs(['--interval=0.01', '--no-t', 'date'])).toMatchObject({ intervalS: 0.1, title: false });
    // -d's value is optional and attached: -dn1 is -d with "n1", the interval stays 2 s.
    expect(parseWatchArgs(['-dn1', 'date'])).toMatchObject({ intervalS: 2, differences: true, command: ['date'] });
    expect(parseWatchArgs(['--', '-x'])).toMatchObject({ command: ['-x'] });
  });

  it("refuses bad options with procps' words", () => {
    expect(parseWatchArgs(['-z', 'date'])).toEqual({ error: "watch: invalid option -- 'z'\n" });
    expect(parseWatchArgs(['--bogus', 'date'])).toEqual({ error: "watch: unrecognized option '--bogus'\n" });
    expect(parseWatchArgs(['--no', 'date'])).toEqual({ error: "watch: option '--no' is ambiguous\n" });
    expect(parseWatchArgs(['-n', 'abc', 'date'])).toEqual({ error: "watch: failed to parse argument: 'abc'\n" });
    expect(parseWatchArgs(['-n'])).toEqual({ error: "watch: option requires an argument -- 'n'\n" });
    expect(parseWatchArgs(['--interval'])).toEqual({ error: "watch: option '--interval' requires an argument\n" });
    expect(parseWatchArgs(['--beep=1', 'x'])).toEqual({ error: "watch: option '--beep' doesn't allow an argument\n" });
  });
});

describe('watch', () => {
  it('prints its usage on bad usage (exit 1) and on --help (exit 0)', async () => {
    const { sh } = shell();
    expect(await sh.run('watch -z date')).toEqual({
      output: `watch: invalid option -- 'z'\n${WATCH_USAGE}`,
      exitCode: 1,
    });
    expect(await sh.run('watch')).toEqual({ output: WATCH_USAGE, exitCode: 1 });
    expect(await sh.run('watch --help')).toEqual({ output: WATCH_USAGE, exitCode: 0 });
  });

  it('fails without a terminal, as procps does in a script', async () => {
    const { sh } = shell();
    expect(await sh.run('watch date')).toEqual({ output: 'Error opening terminal: unknown.\n', exitCode: 1 });
  });

  it('reruns the command every interval of the clock, redrawing under its header, until Ctrl-C', async () => {
    const { screens, exitCode } = await frames('watch -n 5 date +%s', 3);
    expect(exitCode).toBe(130);
    expect(screens[0]).toMatch(
      /^\x1b\[H\x1b\[2JEvery 5\.0s: date \+%s {4}istio-labs: Sun Dec {2}6 06:00:0\d 2026\n\n\d+\n$/,
    );
    const times = screens.map((s) => Number(s.trim().split('\n').at(-1)));
    expect(times[1]! - times[0]!).toBe(5);
    expect(times[2]! - times[1]!).toBe(5);
  });

  it('-t drops the header; -d highlights what changed since the last screen', async () => {
    const { screens } = await frames('watch -t -d -n 10 date +%s', 2);
    expect(screens[0]).toMatch(/^\x1b\[H\x1b\[2J\d+\n$/);
    expect(screens[1]).toContain('\x1b[7m');
  });

  it('-g stops (exit 0) when the output changes; -e stops with 8 when the command fails', async () => {
    const { sh } = shell();
    const screens: string[] = [];
    const r = await sh.run('watch -g -n 1 date +%s', { stream: (t) => screens.push(t) });
    expect(r.exitCode).toBe(0);
    expect(screens).toHaveLength(2);
    const failed: string[] = [];
    const e = await sh.run('watch -e false', { stream: (t) => failed.push(t) });
    expect(e.exitCode).toBe(8);
    expect(failed.at(-1)).toBe('\ncommand exit with a non-zero status, press a key to exit');
  });
});

describe('highlightChanges', () => {
  it('puts the characters that differ, line by line and column by column, in reverse video', () => {
    expect(highlightChanges('AGE 3s\nx', 'AGE 13s\nx')).toBe('AGE \x1b[7m13s\x1b[0m\nx');
    expect(highlightChanges('same', 'same')).toBe('same');
  });
});
