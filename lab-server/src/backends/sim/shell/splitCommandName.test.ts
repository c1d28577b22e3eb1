/** An expanded command name is split into words as bash splits it (just-bash alone keeps it one word). */
import { Bash, InMemoryFs } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { LabShell } from './labShell.ts';
import { splitCommandNames } from './splitCommandName.ts';

async function run(line: string) {
  const r = await new Bash().exec(splitCommandNames(line));
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

describe('splitCommandNames', () => {
  it('runs the first word of an unquoted expansion in the command position, the rest as its arguments', async () => {
    expect(await run('S="echo a  b"; $S c')).toEqual({ stdout: 'a b c\n', stderr: '', exitCode: 0 });
    expect(await run('S="echo a b"; x=$($S c | tr a A); echo "$x"')).toMatchObject({ stdout: 'A b c\n' });
    expect(await run('set -u; S="echo z"; if true; then $S; fi')).toMatchObject({ stdout: 'z\n' });
    expect(await run('C="printf %s-"; A=1 $C x y')).toMatchObject({ stdout: 'x-y-' });
  });

  it("keeps bash's results where bash does not split: quoted names, empty expansions, plain names", async () => {
    expect(await run('S="echo a"; "$S" c')).toEqual({
      stdout: '',
      stderr: 'bash: echo a: command not found\n',
      exitCode: 127,
    });
    expect(await run('S=; $S; echo $?')).toMatchObject({ stdout: '0\n' });
    expect(splitCommandNames('echo $S c')).toBe('echo $S c');
    expect(splitCommandNames('cat <<EOF\n$S\nEOF')).toBe('cat <<EOF\n$S\nEOF');
  });
});

describe('the lab shell', () => {
  it('splits an expanded command name, so a command kept in a variable runs as in bash', async () => {
    const clock = new SimulationClock('virtual');
    const sh = new LabShell({
      fs: new InMemoryFs(),
      commands: [],
      io: {},
      clock,
      limits: DEFAULT_LIMITS,
      home: '/root',
      env: {},
      id: 's',
    });
    await sh.run('S="echo a b"');
    expect(await sh.run('$S c')).toEqual({ output: 'a b c\n', exitCode: 0 });
  });
});
