/**
 * Hostile input to one lab environment (the simulator's shell and cluster): every size is checked before it is
 * built, in the real tool's words where it has some, and nothing a learner makes survives Reset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEnvironment } from '../../lab-server/src/contract.ts';
import { createSimBackend } from '../../lab-server/src/backends/sim/index.ts';
import { loadLab } from '../../lab-server/src/labs/load.ts';
import { stripAnsi } from '../../lab-server/src/terminal/typing.ts';

let env: LabEnvironment;

beforeAll(async () => {
  env = await createSimBackend({ clock: 'virtual', seed: 3 }).createEnvironment({
    lab: loadLab('traffic-shifting'),
    owner: 'hostile',
  });
  await env.prepare();
});
afterAll(() => env.dispose());

/** A ConfigMap of `halves` x 600,000 bytes of data, written to a file piece by piece (no string over 1 MiB). */
const configMap = (name: string, halves: number) =>
  [
    "printf '%600000s' '' | tr ' ' a > /root/half",
    `printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: ${name}\\ndata:\\n  v: "' > /root/cm.yaml`,
    ...Array.from({ length: halves }, () => 'cat /root/half >> /root/cm.yaml'),
    `printf '"\\n' >> /root/cm.yaml`,
    'kubectl apply -f /root/cm.yaml',
    '',
  ].join('\n');

describe('the shell builds no string larger than its limit', () => {
  it('refuses a huge printf width before building it', async () => {
    const r = await env.runScript("printf '%60000000s' x | wc -c");
    expect(r.output).toBe('bash: format width limit exceeded (1048576 bytes)\n');
    expect(r.exitCode).not.toBe(0);
  });

  it('keeps at most 1 MiB of variables for the next line, and says which were dropped', async () => {
    const r = await env.runScript("A=$(printf '%700000s' a)\nB=$(printf '%700000s' b)\necho ${#A} ${#B}\n");
    expect(r.output).toContain('lab shell: not kept for the next command: $');
    expect(r.output).toMatch(/\n(700000 0|0 700000)\n$/);
  });

  it('bounds the file system of an environment', async () => {
    const r = await env.runScript("for i in $(seq 1 60); do printf '%1000000s' x > /root/f$i; done\n");
    // Files whose write failed exist but are empty, as in bash (the redirection made them).
    const count = 'n=0; for f in /root/f*; do [ -s "$f" ] && n=$((n+1)); done; echo $n\n';
    const written = Number((await env.runScript(count)).output.trim());
    await env.runScript('rm -f /root/f*\n');
    // Every write after the limit fails in bash's words, and the loop goes on, as bash's does.
    expect(new Set(r.output.trimEnd().split('\n'))).toEqual(new Set(['bash: write error: No space left on device']));
    expect(written).toBeGreaterThan(20);
    expect(written).toBeLessThan(40);
    expect(await env.runScript('echo room > /root/again && cat /root/again\n')).toEqual({
      output: 'room\n',
      exitCode: 0,
    });
  });
});

describe('the simulated API server bounds objects as Kubernetes does', () => {
  it("refuses a ConfigMap over 1 MiB with the API server's words", async () => {
    const r = await env.runScript(configMap('too-big', 2));
    expect(r.output).toContain('ConfigMap "too-big" is invalid: []: Too long: must have at most 1048576 bytes');
  });

  it('stops a learner at the byte quota of the environment', async () => {
    let script = '';
    for (let i = 0; i < 30; i++) script += configMap(`big-${i}`, 1);
    const r = await env.runScript(script);
    expect(r.output).toMatch(
      /exceeded quota: lab-objects, requested: storage=\d+, used: storage=\d+, limited: storage=16777216/,
    );
    await env.runScript('kubectl delete configmap --all\n');
  });
});

describe('Reset', () => {
  it('restores the file system: tampered samples come back, learners files go', async () => {
    const sample = 'samples/bookinfo/networking/virtual-service-all-v1.yaml';
    const original = (await env.runScript(`cat ~/${sample}`)).output;
    await env.runScript(`echo tampered > ~/${sample}\nmkdir -p ~/mine /tmp/x\ntouch ~/mine/f /tmp/x/g\n`);
    await env.reset();
    expect((await env.runScript(`cat ~/${sample}`)).output).toBe(original);
    const left = await env.runScript('ls ~/mine /tmp/x 2>&1; echo $?');
    expect(left.output).toMatch(/No such file or directory[\s\S]*No such file or directory[\s\S]*\n[12]\n$/);
  });
});

describe('the terminal', () => {
  it('takes a pasted 80 KB heredoc line by line (linear, not a re-parse per line) and applies it', async () => {
    const terminal = env.openTerminal({ cols: 120, rows: 30 });
    let screen = '';
    const records: number[] = [];
    terminal.onOutput((d) => {
      screen += d;
    });
    terminal.onCommand((r) => records.push(r.exitCode));
    const lines = Array.from({ length: 2000 }, (_, i) => `  k${i}: "${'v'.repeat(30)}"`);
    terminal.write(
      [
        'kubectl apply -f - <<EOF',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: pasted',
        'data:',
        ...lines,
        'EOF',
        '',
      ].join('\r'),
    );
    await expect.poll(() => records, { timeout: 60_000 }).toEqual([0]);
    expect(stripAnsi(screen)).toContain('configmap/pasted created');
    terminal.close();
  });

  it('drops typed-ahead input beyond its bound while a command runs, and says so', async () => {
    const terminal = env.openTerminal({ cols: 120, rows: 30 });
    let screen = '';
    terminal.onOutput((d) => {
      screen += d;
    });
    terminal.write('sleep 5\r');
    terminal.write('echo x\r'.repeat(40_000));
    await expect.poll(() => stripAnsi(screen)).toContain('lab shell: typed-ahead input over 262144 characters dropped');
    terminal.write('\x03');
    terminal.close();
  });
});
