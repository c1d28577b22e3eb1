/**
 * A classroom server killed with SIGKILL mid-class and restarted on the same data directory: every result
 * that was acknowledged to a learner is still there, and each learner's environment is rebuilt.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const INSTRUCTOR = 'restart-test-instructor-token-0123456789';
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Starts `labs serve --classroom` and resolves with its URL. */
function serve(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/labs.mjs', 'serve', '--classroom', '--data', dataDir, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, LABS_INSTRUCTOR_TOKEN: INSTRUCTOR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /serving on (http:\/\/\S+?)\/? \(backend/.exec(out);
      if (m) resolve({ url: m[1]!.replace(/\/$/, ''), child });
    });
    child.stderr!.on('data', (d) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`labs serve exited (${code}):\n${out}`)));
  });
}

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
}

describe('classroom restart', () => {
  it("loses nothing acknowledged after SIGKILL and restores the learners' environments", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labs-restart-'));
    const first = await serve(dir);
    const cls = (await call(first.url, 'POST', '/api/classes', INSTRUCTOR, { name: 'Restart' })).json;
    const ada = (await call(first.url, 'POST', '/api/join', undefined, { joinCode: cls.joinCode, name: 'Ada' })).json;
    const bob = (await call(first.url, 'POST', '/api/join', undefined, { joinCode: cls.joinCode, name: 'Bob' })).json;
    // Ada completes two steps through Solve (commands typed in her terminal); Bob applies with the editor and fails a check.
    for (const step of ['destination-rules', 'route-all-v1']) {
      expect(
        (await call(first.url, 'POST', `/api/labs/traffic-shifting/steps/${step}/solve`, ada.sessionToken, {})).json.ok,
      ).toBe(true);
      expect(
        (await call(first.url, 'POST', `/api/labs/traffic-shifting/steps/${step}/check`, ada.sessionToken, {})).json.ok,
      ).toBe(true);
    }
    await call(first.url, 'POST', '/api/labs/traffic-shifting/apply', bob.sessionToken, {
      yaml:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ' +
        'reviews\nspec:\n  host: reviews\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n',
    });
    expect(
      (await call(first.url, 'POST', '/api/labs/traffic-shifting/steps/destination-rules/check', bob.sessionToken, {}))
        .json.ok,
    ).toBe(false);

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await serve(dir);
    const report = (await call(second.url, 'GET', `/api/classes/${cls.id}/progress`, INSTRUCTOR)).json;
    const byName = Object.fromEntries(report.learners.map((l: any) => [l.name, l]));
    expect(byName.Ada.progress['traffic-shifting']['destination-rules'].status).toBe('passed');
    expect(byName.Ada.progress['traffic-shifting']['route-all-v1'].status).toBe('passed');
    expect(byName.Bob.progress['traffic-shifting']['destination-rules']).toMatchObject({
      status: 'failed',
      attempts: 1,
    });
    // The environments come back as they were: Ada's routes still send everything to v1; Bob still has his one DestinationRule.
    expect(
      (await call(second.url, 'POST', '/api/labs/traffic-shifting/steps/route-all-v1/check', ada.sessionToken, {})).json
        .ok,
    ).toBe(true);
    const bobCheck = (
      await call(second.url, 'POST', '/api/labs/traffic-shifting/steps/destination-rules/check', bob.sessionToken, {})
    ).json;
    expect(bobCheck.ok).toBe(false);
    expect(JSON.stringify(bobCheck.evidence)).toContain('reviews');
  });
});
