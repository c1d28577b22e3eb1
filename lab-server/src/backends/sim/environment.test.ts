/** The simulator's environment beyond the shared contract suite: warped setup, reset under live terminals, pod sandboxes. */
import { InMemoryFs } from 'just-bash';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LabEnvironment } from '../../contract.ts';
import { loadLab } from '../../labs/load.ts';
import { stripAnsi } from '../../terminal/typing.ts';
import { createSimBackend } from './index.ts';

const lab = loadLab('traffic-shifting');
const open: LabEnvironment[] = [];

async function env(clock: 'real' | 'virtual' = 'virtual'): Promise<LabEnvironment> {
  const e = await createSimBackend({ clock, seed: 11 }).createEnvironment({ lab, owner: 't' });
  open.push(e);
  return e;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.dispose()));
});

describe('SimEnvironment', () => {
  it('brings a real-clock environment to its starting state without waiting for pods in wall time', async () => {
    const e = await env('real');
    const started = Date.now();
    await e.prepare();
    expect(Date.now() - started).toBeLessThan(20_000);
    const pods = await e.list({ kind: 'Pod', namespace: 'default' });
    expect(pods.length).toBeGreaterThanOrEqual(6);
    expect(pods.every((p) => (p.status as { phase: string }).phase === 'Running')).toBe(true);
  });

  it("makes each environment's files a copy of the thread's template: its shells write no stubs, its files are its own", async () => {
    const first = await env();
    await first.prepare();
    expect((await first.runScript('echo mine > samples/mine.txt; rm /bin/ls')).exitCode).toBe(0);
    const writes = vi.spyOn(InMemoryFs.prototype, 'writeFileSync');
    try {
      const second = await env();
      await second.prepare();
      const r = await second.runScript(
        'ls /bin | grep -cx ls; ls /usr/bin | wc -l; which kubectl; ls samples/mine.txt',
      );
      // The shell's own writes (its state, its streams) only: nothing of just-bash's layout is written again.
      const layout = writes.mock.calls.map(([path]) => path).filter((path) => /^\/(usr\/bin|bin|proc)\//.test(path));
      expect(writes).toHaveBeenCalled();
      expect(layout).toEqual([]);
      expect(r.output).toMatch(/^1\n(\d+)\n\/usr\/bin\/kubectl\nls: .*mine\.txt: No such file or directory\n$/);
      expect(Number(/^1\n(\d+)/.exec(r.output)![1])).toBeGreaterThan(80);
    } finally {
      writes.mockRestore();
    }
  });

  it('runs a script line by line in one shell: variables and functions carry, output in order', async () => {
    const e = await env();
    await e.prepare();
    const r = await e.runScript(
      'POD=$(kubectl get pod -l app=ratings -o jsonpath="{.items[0].metadata.name}")\nshow() ' +
        '{ echo "pod: $1"; }\nshow "${POD%%-*}"\nnosuch',
    );
    expect(r.output).toBe('pod: ratings\nbash: nosuch: command not found\n');
    expect(r.exitCode).toBe(127);
  });

  it('keeps a terminal working across a reset, on the new cluster', async () => {
    const e = await env();
    await e.prepare();
    const t = e.openTerminal({ cols: 80, rows: 24 });
    let screen = '';
    t.onOutput((d) => (screen += d));
    const done = (n: number) =>
      new Promise<void>((resolve) => {
        let seen = 0;
        const off = t.onCommand(() => {
          if (++seen === n) {
            off();
            resolve();
          }
        });
      });
    let wait = done(1);
    t.write('kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml\r');
    await wait;
    expect(await e.get({ kind: 'DestinationRule', namespace: 'default', name: 'reviews' })).not.toBeNull();
    await e.reset();
    expect(await e.get({ kind: 'DestinationRule', namespace: 'default', name: 'reviews' })).toBeNull();
    wait = done(1);
    t.write('kubectl get destinationrules\r');
    await wait;
    expect(stripAnsi(screen)).toContain('No resources found in default namespace.');
    t.close();
  });

  it('execs in pods by what their image has: curl in sleep/curl, none in distroless go-httpbin', async () => {
    const e = await env();
    await e.prepare();
    await e.runScript(
      'kubectl apply -f samples/curl/curl.yaml\nkubectl wait --for=condition=Ready pod -l app=curl --timeout=60s',
    );
    const ok = await e.exec({ namespace: 'default', selector: 'app=curl' }, [
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      'http://productpage:9080/productpage',
    ]);
    expect(ok).toEqual({ stdout: '200', stderr: '', exitCode: 0 });
    // Istio's Bookinfo page checks the app from the ratings container, whose image installs curl.
    const fromRatings = await e.exec({ namespace: 'default', selector: 'app=ratings' }, [
      'curl',
      '-sS',
      'productpage:9080/productpage',
    ]);
    expect(fromRatings.exitCode).toBe(0);
    expect(fromRatings.stdout).toMatch(/<title>Simple Bookstore App<\/title>/);
    const missing = await e.exec({ namespace: 'default', selector: 'app=details' }, ['curl', 'http://x']);
    expect(missing.exitCode).toBe(126);
    expect(missing.stderr).toContain('executable file not found in $PATH');
  });

  it('reaches the ingress gateway from outside through the host "ingress"', async () => {
    const e = await env();
    await e.prepare();
    const r = await e.http({ kind: 'outside' }, { url: 'http://ingress/productpage' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('Book Details');
  });
});
