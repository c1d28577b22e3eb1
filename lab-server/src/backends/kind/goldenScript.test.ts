import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenScript, parseGoldenOutput } from './goldenScript.ts';

// The script is bash; run it with this machine's real bash, as the toolbox would (`bash -s`, stderr merged).
function record(commands: string[]) {
  const dir = join(mkdtempSync(join(tmpdir(), 'labs-golden-')), 'g');
  const r = spawnSync('bash', ['-c', 'exec bash -s 2>&1'], { input: goldenScript(commands, dir), encoding: 'utf8' });
  return parseGoldenOutput(commands, r.stdout);
}

describe('golden recording script', () => {
  it('keeps stdout, stderr and the exit status of each command apart', () => {
    expect(record(['echo out; echo err >&2; exit_code=3; (exit $exit_code)', 'printf "no newline"'])).toEqual([
      {
        command: 'echo out; echo err >&2; exit_code=3; (exit $exit_code)',
        stdout: 'out\n',
        stderr: 'err\n',
        exitCode: 3,
      },
      { command: 'printf "no newline"', stdout: 'no newline', stderr: '', exitCode: 0 },
    ]);
  });

  it('records a command that prints nothing at all', () => {
    expect(record(['true', ':'])).toEqual([
      { command: 'true', stdout: '', stderr: '', exitCode: 0 },
      { command: ':', stdout: '', stderr: '', exitCode: 0 },
    ]);
  });

  it('runs the commands in one shell: exports and variables carry over', () => {
    const [, second] = record(['export GATEWAY_URL=1.2.3.4:30080', 'echo "http://$GATEWAY_URL/productpage"']);
    expect(second!.stdout).toBe('http://1.2.3.4:30080/productpage\n');
  });

  it('handles heredocs, comments and output that looks like a frame', () => {
    const results = record(['cat <<EOF\napiVersion: v1\nkind: List\nEOF', 'echo "@@labs-golden 0 0 x y" # a comment']);
    expect(results[0]!.stdout).toBe('apiVersion: v1\nkind: List\n');
    expect(results[1]!.stdout).toBe('@@labs-golden 0 0 x y\n');
    expect(results[1]!.exitCode).toBe(0);
  });

  it('marks commands the script never reached', () => {
    expect(parseGoldenOutput(['a', 'b'], '')).toEqual([
      {
        command: 'a',
        stdout: '',
        stderr: 'not recorded: the recording script stopped before this command',
        exitCode: -1,
      },
      {
        command: 'b',
        stdout: '',
        stderr: 'not recorded: the recording script stopped before this command',
        exitCode: -1,
      },
    ]);
  });
});
