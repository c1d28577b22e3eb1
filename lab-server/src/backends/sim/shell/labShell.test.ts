import { defineCommand, InMemoryFs } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { LabShell } from './labShell.ts';

function shell(limits = DEFAULT_LIMITS) {
  const fs = new InMemoryFs({ '/root/samples/a.txt': 'sample\n' });
  return new LabShell({
    fs,
    commands: [],
    io: {},
    clock: new SimulationClock('virtual'),
    limits,
    home: '/root',
    env: {},
    id: 't1',
  });
}

describe('LabShell', () => {
  it('carries variables, exported or not, arrays, functions, aliases, the directory and $? to the next line', async () => {
    const sh = shell();
    await sh.run('A=1; export B=two; ARR=(x "y z"); declare -A M=([k]="v w")');
    await sh.run('greet() { echo "hello $1"; }');
    await sh.run("alias ll='ls -1'");
    await sh.run('cd samples');
    await sh.run('false');
    const r = await sh.run('echo "$? $A $B ${ARR[1]} $(pwd)"; greet you; ll');
    expect(r.output).toBe('1 1 two y z /root/samples\nhello you\na.txt\n');
    expect(r.exitCode).toBe(0);
  });

  it('forgets functions that were unset and keeps $? of the last line', async () => {
    const sh = shell();
    await sh.run('f() { echo f; }');
    await sh.run('unset -f f');
    const r = await sh.run('f');
    expect(r.output).toBe('bash: f: command not found\n');
    expect(r.exitCode).toBe(127);
    expect((await sh.run('echo $?')).output).toBe('127\n');
  });

  it('runs heredocs with their indentation and shows stderr in order with stdout', async () => {
    const sh = shell();
    expect((await sh.run('cat <<EOF\n  indented $HOME\nEOF')).output).toBe('  indented /root\n');
    // A heredoc feeding a pipeline, as the seed's `cat <<EOF | istioctl kube-inject -f - | kubectl create -f -`.
    expect((await sh.run('cat <<EOF | tr a-z A-Z | sed s/X/Y/\nx-$((2+3))\nEOF')).output).toBe('Y-5\n');
    expect((await sh.run('echo one; ls /nope; echo three')).output).toBe(
      'one\nls: /nope: No such file or directory\nthree\n',
    );
    expect((await sh.run('ls /nope 2>/dev/null; echo kept')).output).toBe('kept\n');
    expect((await sh.run('x=$(echo inner); echo "[$x]"')).output).toBe('[inner]\n');
    // A command writing into a pipe sends its stderr to the terminal, not down the pipe: it is shown as soon as the
    // pipeline ends, before the next command's output, not after the whole line.
    expect((await sh.run('ls /nope | cat; echo after')).output).toBe('ls: /nope: No such file or directory\nafter\n');
    expect((await sh.run('{ echo out; echo err >&2; } | tr a-z A-Z; echo after')).output).toBe('OUT\nerr\nafter\n');
    expect((await sh.run('ls /nope 2>/dev/null | cat; echo quiet')).output).toBe('quiet\n');
    expect((await sh.run('ls /nope 2>&1 | tr a-z A-Z')).output).toBe('LS: /NOPE: NO SUCH FILE OR DIRECTORY\n');
    // The pipeline's status survives, and && / || still see it.
    expect((await sh.run('ls /nope | cat && echo yes || echo no')).output).toBe(
      'ls: /nope: No such file or directory\nyes\n',
    );
    expect((await sh.run('set -o pipefail; ls /nope | cat; echo $?')).output).toBe(
      'ls: /nope: No such file or directory\n2\n',
    );
  });

  it('carries a big variable by value: exactly, exported or not, changed, unset or made an array', async () => {
    const sh = shell();
    // Quotes, `$`, backslashes and newlines: a value is handed over as it is, never re-quoted.
    const odd = `'"$HOME\\ \\n\n`;
    await sh.run(`x=$(printf '%6000s' y); q="$x"'${odd.replace(/'/g, `'\\''`)}'; export e="$x"`);
    expect((await sh.run('echo ${#x} ${#q} ${#e}')).output).toBe(`6000 ${6000 + odd.length} 6000\n`);
    expect((await sh.run(`printf '%s' "\${q:6000}"`)).output).toBe(odd);
    expect((await sh.run('declare -p x e | cut -c1-14')).output).toBe('declare -- x="\ndeclare -x e="\n');
    await sh.run('x+=z; export -n e; unset q');
    expect((await sh.run('echo ${#x} ${x: -2} ${#e} ${q-unset}; declare -p e | cut -c1-14')).output).toBe(
      '6001 yz 6000 unset\ndeclare -- e="\n',
    );
    await sh.run('x=(one two)');
    expect((await sh.run('echo ${#x[@]} ${x[1]}')).output).toBe('2 two\n');
  });

  it("restores only what differs from a fresh shell's variables, and unsets what a line unset", async () => {
    const sh = shell();
    await sh.run('unset HOSTNAME; export PATH=/x:$PATH; export -n TERM');
    expect((await sh.run('echo ${HOSTNAME-gone} $PATH; declare -p TERM')).output).toBe(
      'gone /x:/usr/local/bin:/usr/bin:/bin\ndeclare -- TERM="xterm-256color"\n',
    );
    await sh.run('HOSTNAME=back');
    expect((await sh.run('echo $HOSTNAME')).output).toBe('back\n');
    // A shell reused for another script starts over from a fresh shell's variables.
    sh.reset();
    expect((await sh.run('echo $HOSTNAME $PATH')).output).toBe('localhost /usr/local/bin:/usr/bin:/bin\n');
  });

  it('runs a line that cannot change the state without dumping the state, and keeps what other lines leave', async () => {
    const dumps: string[] = [];
    class Watched extends InMemoryFs {
      override async writeFile(...args: Parameters<InMemoryFs['writeFile']>): Promise<void> {
        if (args[0].endsWith('/state')) dumps.push(args[0]);
        return super.writeFile(...args);
      }
    }
    const sh = new LabShell({
      fs: new Watched({ '/root/samples/a.txt': 'sample\n' }),
      commands: [],
      io: {},
      clock: new SimulationClock('virtual'),
      limits: DEFAULT_LIMITS,
      home: '/root',
      env: {},
      id: 'fast',
    });
    const dumped = async (line: string) => {
      const before = dumps.length;
      const r = await sh.run(line);
      return { ...r, dumped: dumps.length > before };
    };
    await sh.run('A=1; export B=two; cd samples');
    // Plain words, one command that changes no state: no dump, and the state stands.
    expect(await dumped('cat a.txt \'a b\' "c d"')).toMatchObject({ dumped: false, exitCode: 1 });
    expect(await dumped('echo $? $A $B $PWD')).toEqual({
      output: '1 1 two /root/samples\n',
      exitCode: 0,
      dumped: true,
    });
    expect(await dumped('ls -1')).toEqual({ output: 'a.txt\n', exitCode: 0, dumped: false });
    // Such commands joined by pipes and lists: the line's status is the last one's, as `$?` then says.
    expect(await dumped('ls -1 | tr a-z A-Z && cat none || echo no')).toEqual({
      output: 'A.TXT\ncat: none: No such file or directory\nno\n',
      exitCode: 0,
      dumped: false,
    });
    expect(await dumped('echo one; cat none')).toMatchObject({ exitCode: 1, dumped: false });
    expect((await sh.run('echo $?')).output).toBe('1\n');
    expect(await dumped('ls; cd /root/samples')).toMatchObject({ dumped: true });
    // Lines that look alike but change the state (or may) are dumped, and their changes survive.
    expect(await dumped('cd /root')).toMatchObject({ dumped: true });
    expect(sh.cwd).toBe('/root');
    expect(await dumped('export C=3')).toMatchObject({ dumped: true });
    expect(await dumped('D=4')).toMatchObject({ dumped: true });
    expect(await dumped('echo hi; cd samples')).toMatchObject({ dumped: true });
    expect(await dumped('echo $(cd /)')).toMatchObject({ dumped: true });
    expect(await dumped('echo "$A"')).toMatchObject({ dumped: true });
    expect(await dumped('echo hi > /tmp/x')).toMatchObject({ dumped: true });
    expect(await dumped("alias ls='cd /tmp'")).toMatchObject({ dumped: true });
    // A command name that is now an alias or a function is not the command.
    expect(await dumped('ls')).toMatchObject({ dumped: true });
    expect(sh.cwd).toBe('/tmp');
    await sh.run('cat() { echo fn; }');
    expect(await dumped('cat a.txt')).toEqual({ output: 'fn\n', exitCode: 0, dumped: true });
    expect((await sh.run('unset -f cat; unalias ls; echo $A $B $C $D $PWD')).output).toBe('1 two 3 4 /tmp\n');
    // The status of an undumped line is the next line's `$?`.
    expect(await dumped('cat nothing')).toMatchObject({ dumped: false, exitCode: 1 });
    expect((await sh.run('echo $?')).output).toBe('1\n');
  });

  it('says command not found for what the lab shell does not have', async () => {
    const r = await shell().run('node -v');
    expect(r.output).toBe('bash: node: command not found\n');
    expect(r.exitCode).toBe(127);
  });

  it('reports a syntax error as bash does without running anything', async () => {
    const sh = shell();
    const r = await sh.run('fi');
    expect(r.output).toMatch(/^bash: .*fi/);
    expect(r.exitCode).toBe(2);
  });

  it('cuts output at the limit and says so', async () => {
    const sh = shell({ ...DEFAULT_LIMITS, outputChars: 100 });
    const r = await sh.run('seq 1 1000');
    expect(r.output).toContain('[lab shell: output cut at 100 characters]');
    expect(r.output.length).toBeLessThan(200);
  });

  it('stops a command that runs past the time limit', async () => {
    const fs = new InMemoryFs();
    const slow = defineCommand(
      'slow',
      (_args, ctx) =>
        new Promise((resolve) =>
          ctx.signal?.addEventListener('abort', () => resolve({ stdout: '', stderr: '', exitCode: 1 })),
        ),
    );
    const sh = new LabShell({
      fs,
      commands: [slow],
      io: {},
      clock: new SimulationClock('virtual'),
      limits: { ...DEFAULT_LIMITS, commandTimeMs: 50 },
      home: '/root',
      env: {},
      id: 't2',
    });
    const r = await sh.run('slow');
    expect(r.exitCode).toBe(124);
    expect(r.output).toContain('stopped after');
  });
});
