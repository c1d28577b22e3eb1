import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../../bin/labs.mjs', import.meta.url));

/** `labs serve` as the e2e suites start it: supervised, on a free port, in a fresh data directory. */
function serve(args: string[]) {
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--port', '0', '--data', mkdtempSync(join(tmpdir(), 'labs-sv-')), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LABS_QUIET: '1' },
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('labs serve under its supervisor', () => {
  it('does not start again a server that could not start: its one message is the answer', async () => {
    const run = serve(['--backend', 'kube', '--context', 'missing']);
    expect(await run.exited).toBe(1);
    expect(run.output().match(/cannot start/g)).toHaveLength(1);
    expect(run.output()).not.toContain('starting it again');
  });

  it('stops the server when the supervisor is killed outright, instead of leaving it holding its port', async () => {
    const run = serve([]);
    await expect.poll(() => run.output(), { timeout: 60_000 }).toMatch(/serving on http:\/\/127\.0\.0\.1:(\d+)/);
    const port = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(run.output())![1];
    const server = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(server.status).toBe(200);
    run.child.kill('SIGKILL');
    await run.exited;
    await expect
      .poll(
        async () =>
          fetch(`http://127.0.0.1:${port}/api/health`).then(
            () => 'answers',
            () => 'gone',
          ),
        {
          timeout: 30_000,
        },
      )
      .toBe('gone');
    expect(alive(run.child.pid!)).toBe(false);
  }, 90_000);
});
