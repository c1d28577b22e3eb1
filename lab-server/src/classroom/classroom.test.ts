/** The classroom through its HTTP and WebSocket API, on the simulator, with SQLite in a temporary directory. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSimBackend } from '../backends/sim/index.ts';
import type { LabBackend } from '../contract.ts';
import { loadAllLabs } from '../labs/load.ts';
import { createLabServer, type LabServer } from '../server/app.ts';
import { stripAnsi, typeScript } from '../terminal/typing.ts';
import { createClassroom } from './index.ts';

const INSTRUCTOR = 'instructor-token-for-tests-0123456789';
const running: { server: LabServer; close(): Promise<void> }[] = [];

async function start(
  dataDir: string,
  options: { failuresPerMinute?: number; joinsPerMinute?: number; backend?: LabBackend } = {},
) {
  const { backend, ...limits } = options;
  const classroom = await createClassroom({ dataDir, instructorToken: INSTRUCTOR, ...limits });
  const server = createLabServer({
    backend: backend ?? createSimBackend({ clock: 'virtual', seed: 3 }),
    labs: loadAllLabs(),
    siteDir: dataDir,
    checks: { settleMs: 0 },
    sessionStore: classroom.sessionStore,
    progressStore: classroom.progressStore,
    routes: classroom.routes,
    wsRoutes: classroom.wsRoutes,
    restoreEnvironment: classroom.restoreEnvironment,
  } as Parameters<typeof createLabServer>[0]);
  await classroom.attach?.(server);
  const base = (await server.listen(0)).replace(/\/$/, '');
  const handle = {
    server,
    base,
    async close() {
      await server.close();
      await classroom.close?.();
    },
  };
  running.push(handle);
  return handle;
}

afterEach(async () => {
  for (const h of running.splice(0)) await h.close().catch(() => undefined);
});

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'labs-classroom-'));

describe('a class on a backend with room for so many learners', () => {
  it('admits learners up to the backend\'s capacity, even when they join at once, then answers "class is full"', async () => {
    const sim = createSimBackend({ clock: 'virtual', seed: 3 });
    // The three joins all ask before any answer comes: each passes the check while the others are in flight.
    let asked = 0;
    let release!: () => void;
    const allAsked = new Promise<void>((r) => (release = r));
    const backend: LabBackend = {
      name: 'kube',
      createEnvironment: (spec) => sim.createEnvironment(spec),
      capacity: async () => {
        if (++asked === 3) release();
        if (asked <= 3) await allAsked;
        return { maxLearners: 2, detail: 'limited by cpu' };
      },
      close: () => sim.close(),
    };
    const { base } = await start(tmp(), { backend });
    const cls = await call(base, 'POST', '/api/classes', INSTRUCTOR, { name: 'Big class' });
    const joins = await Promise.all(
      ['ada', 'bob', 'cy'].map((name) =>
        call(base, 'POST', '/api/join', undefined, { joinCode: cls.json.joinCode, name }),
      ),
    );
    expect(joins.map((j) => j.status).sort()).toEqual([201, 201, 503]);
    const full = joins.find((j) => j.status === 503)!;
    expect(full.json).toEqual({
      error:
        'the class is full: the cluster has room for 2 learners and all are taken; ask your instructor (limited by cpu)',
      code: 'join.full',
      params: { max: 2 },
    });
    expect((await call(base, 'GET', `/api/classes/${cls.json.id}/progress`, INSTRUCTOR)).json.learners).toHaveLength(2);
  });
});

describe('classroom API', () => {
  it("refuses without a token, refuses a learner's token on instructor APIs, wrong codes, and too many joins", async () => {
    const { base } = await start(tmp(), { failuresPerMinute: 3 });
    expect((await call(base, 'POST', '/api/classes', undefined, { name: 'x' })).status).toBe(401);
    const cls = await call(base, 'POST', '/api/classes', INSTRUCTOR, { name: 'Workshop' });
    expect(cls.status).toBe(201);
    expect(cls.json.joinCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(cls.json.joinUrl).toBe(`${base}/classroom/join/?code=${cls.json.joinCode}`);
    // This test server listens on 127.0.0.1 only: the instructor is told learners cannot reach it.
    expect(cls.json.joinUrlWarning).toContain('--host 0.0.0.0');
    expect((await call(base, 'GET', '/api/classes', INSTRUCTOR)).json[0]).toMatchObject({
      joinCode: cls.json.joinCode,
      joinUrl: cls.json.joinUrl,
      learners: 0,
    });
    const learner = await call(base, 'POST', '/api/join', undefined, {
      joinCode: cls.json.joinCode.toLowerCase(),
      name: 'Ada',
    });
    expect(learner.status).toBe(201);
    // A learner sees their own class (the join page offers to continue); a self-paced session has none.
    expect((await call(base, 'GET', '/api/classes/mine', learner.json.sessionToken)).json).toEqual({
      classId: cls.json.id,
      className: 'Workshop',
      joinCode: cls.json.joinCode,
      chapters: cls.json.chapters,
      name: 'Ada',
    });
    expect((await call(base, 'GET', '/api/classes/mine')).status).toBe(401);
    const selfPaced = (await call(base, 'POST', '/api/session')).json.sessionToken;
    expect((await call(base, 'GET', '/api/classes/mine', selfPaced)).status).toBe(404);
    for (const [method, path] of [
      ['GET', `/api/classes/${cls.json.id}/progress`],
      ['GET', `/api/classes/${cls.json.id}/progress.csv`],
      ['POST', '/api/classes'],
      ['POST', `/api/classes/${cls.json.id}/learners/${learner.json.learnerId}/reset`],
    ] as const) {
      expect(
        (await call(base, method, path, learner.json.sessionToken, method === 'POST' ? {} : undefined)).status,
        path,
      ).toBe(403);
    }
    // Right codes are not what is limited tightly: a class behind one address joins together.
    for (const name of ['Bob', 'Cy', 'Di', 'Ed'])
      expect((await call(base, 'POST', '/api/join', undefined, { joinCode: cls.json.joinCode, name })).status).toBe(
        201,
      );
    const wrong = await call(base, 'POST', '/api/join', undefined, { joinCode: 'ZZZZZZ', name: 'Eve' });
    expect(wrong.status).toBe(404);
    expect(wrong.json.error).toContain('no class with this join code');
    for (let i = 0; i < 2; i++)
      expect(
        (await call(base, 'POST', '/api/join', undefined, { joinCode: `ZZZZZ${i + 2}`, name: 'Eve' })).status,
      ).toBe(404);
    // After three wrong codes this address is refused, even with the right code, so guessing stops.
    const limited = await call(base, 'POST', '/api/join', undefined, { joinCode: cls.json.joinCode, name: 'Mallory' });
    expect(limited.status).toBe(429);
    expect(limited.json.error).toBe('too many wrong join codes from this address; wait a minute and try again');
  });

  it('refuses the dashboard WebSocket from a foreign Origin and without the instructor token', async () => {
    const { base } = await start(tmp());
    const cls = await call(base, 'POST', '/api/classes', INSTRUCTOR, { name: 'W' });
    const url = `${base.replace('http', 'ws')}/ws/classroom?class=${cls.json.id}&token=${INSTRUCTOR}`;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { origin: 'https://evil.example' });
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(url.replace(INSTRUCTOR, 'not-the-instructor-token-xxxxxxxx'));
      ws.on('message', (d) => resolve(JSON.parse(d.toString()).message));
    });
    expect(refused).toBe('instructor token required');

    // The read-only terminal view: not with a learner's token, not through another class, not a chapter never opened.
    const other = await call(base, 'POST', '/api/classes', INSTRUCTOR, { name: 'Other' });
    const ada = (await call(base, 'POST', '/api/join', undefined, { joinCode: cls.json.joinCode, name: 'Ada' })).json;
    const view = (classId: string, token: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(
          `${base.replace('http', 'ws')}/ws/classroom/terminal?class=${classId}` +
            `&learner=${ada.learnerId}&lab=traffic-shifting&token=${token}`,
        );
        ws.on('message', (d) => resolve(JSON.parse(d.toString()).message ?? JSON.parse(d.toString()).type));
      });
    expect(await view(cls.json.id, ada.sessionToken)).toBe('instructor token required');
    expect(await view(other.json.id, INSTRUCTOR)).toBe(`no learner "${ada.learnerId}" in class "${other.json.id}"`);
    expect(await view(cls.json.id, INSTRUCTOR)).toBe('this learner has not opened this chapter yet');
  });

  it("records two learners' checks for the dashboard, exports CSV rows, resets and removes a learner", async () => {
    const { base } = await start(tmp());
    const cls = (
      await call(base, 'POST', '/api/classes', INSTRUCTOR, { name: 'Workshop, day 1', chapters: ['traffic-shifting'] })
    ).json;
    const ada = (await call(base, 'POST', '/api/join', undefined, { joinCode: cls.joinCode, name: 'Ada' })).json;
    const bob = (await call(base, 'POST', '/api/join', undefined, { joinCode: cls.joinCode, name: '=cmd|evil' })).json;
    const changes: string[] = [];
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/classroom?class=${cls.id}&token=${INSTRUCTOR}`);
    ws.on('message', (d) => changes.push(JSON.parse(d.toString()).type));
    await new Promise((r) => ws.on('open', r));

    expect(
      (await call(base, 'POST', '/api/labs/traffic-shifting/steps/destination-rules/solve', ada.sessionToken, {})).json
        .ok,
    ).toBe(true);
    const passed = await call(
      base,
      'POST',
      '/api/labs/traffic-shifting/steps/destination-rules/check',
      ada.sessionToken,
      {},
    );
    expect(passed.json.ok).toBe(true);
    const failed = await call(
      base,
      'POST',
      '/api/labs/traffic-shifting/steps/route-all-v1/check',
      bob.sessionToken,
      {},
    );
    expect(failed.json.ok).toBe(false);

    const report = (await call(base, 'GET', `/api/classes/${cls.id}/progress`, INSTRUCTOR)).json;
    expect(report.learners.map((l: any) => l.name)).toEqual(['Ada', '=cmd|evil']);
    expect(report.learners[0].progress['traffic-shifting']['destination-rules'].status).toBe('passed');
    expect(report.learners[1].progress['traffic-shifting']['route-all-v1'].status).toBe('failed');
    expect(report.learners[1].latestFailure.step).toBe('route-all-v1');
    expect(report.learners[1].latestFailure.explanation.ko.length).toBeGreaterThan(0);
    expect(report.completion['traffic-shifting']).toEqual({ completed: 0, learners: 2 });
    expect(report.learners.map((l: any) => l.activeLab)).toEqual(['traffic-shifting', 'traffic-shifting']);
    expect(changes.filter((c) => c === 'changed').length).toBeGreaterThanOrEqual(3);

    const csv = await call(base, 'GET', `/api/classes/${cls.id}/progress.csv?lang=en&tz=Asia/Seoul`, INSTRUCTOR);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    // A byte-order mark first, so Excel on Korean Windows reads UTF-8 (fetch's text() drops it: read the bytes).
    const bytes = new Uint8Array(
      await (
        await fetch(`${base}/api/classes/${cls.id}/progress.csv`, {
          headers: { authorization: `Bearer ${INSTRUCTOR}` },
        })
      ).arrayBuffer(),
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csv.text.trim().split('\r\n');
    expect(rows).toHaveLength(1 + 2 * 7);
    expect(rows[0]).toBe(
      'learner_id,learner,lab,chapter,step,step_title,status,passed_by,attempts,last_attempt,passed_at,last_activity',
    );
    // Solve's own check, then Ada's Check; times in Seoul's zone.
    expect(rows.find((r) => r.includes(',Ada,traffic-shifting,'))).toMatch(
      new RegExp(
        String.raw`,Ada,traffic-shifting,Traffic Shifting,destination-rules,1\. Apply the default destination rules,pas` +
          String.raw`sed,solve,2,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,`,
      ),
    );
    expect(rows.find((r) => r.includes('route-all-v1') && r.includes("'=cmd|evil"))).toMatch(/,failing,,1,/);

    // The history: one row per attempt, oldest first, with what ran it and both explanations.
    const history = await call(base, 'GET', `/api/classes/${cls.id}/attempts.csv`, INSTRUCTOR);
    expect(history.headers.get('content-disposition')).toContain('Workshop_day_1-attempts.csv');
    const attempts = history.text.trim().split('\r\n');
    expect(attempts[0]).toBe(
      'learner_id,learner,lab,step,step_title,ok,trigger,at,duration_ms,explanation_en,explanation_ko',
    );
    expect(attempts.slice(1).map((r) => r.split(',').slice(1, 7).join(','))).toEqual([
      'Ada,traffic-shifting,destination-rules,1. 기본 DestinationRule 적용하기,true,solve',
      'Ada,traffic-shifting,destination-rules,1. 기본 DestinationRule 적용하기,true,check',
      "'=cmd|evil,traffic-shifting,route-all-v1,2. 모든 트래픽을 v1으로 보내기,false,check",
    ]);
    expect((await call(base, 'GET', `/api/classes/${cls.id}/attempts.csv`, ada.sessionToken)).status).toBe(403);

    expect(
      (
        await call(base, 'POST', `/api/classes/${cls.id}/learners/${ada.learnerId}/reset`, INSTRUCTOR, {
          lab: 'egress-nope',
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(base, 'POST', `/api/classes/${cls.id}/learners/${ada.learnerId}/reset`, INSTRUCTOR, {})).status,
    ).toBe(200);
    const after = await call(
      base,
      'POST',
      '/api/labs/traffic-shifting/steps/destination-rules/check',
      ada.sessionToken,
      {},
    );
    expect(after.json.ok).toBe(false);
    expect(after.json.progress).toMatchObject({ status: 'passed', resetSince: true });

    const bobTerminal = new WebSocket(
      `${base.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting&token=${bob.sessionToken}`,
    );
    const bobSaw: string[] = [];
    bobTerminal.on('message', (d) => bobSaw.push(d.toString()));
    await expect.poll(() => bobSaw.some((m) => JSON.parse(m).type === 'attached')).toBe(true);
    expect((await call(base, 'DELETE', `/api/classes/${cls.id}/learners/${bob.learnerId}`, INSTRUCTOR)).status).toBe(
      200,
    );
    await expect
      .poll(() => bobSaw.map((m) => JSON.parse(m)).find((m) => m.type === 'error')?.message)
      .toContain('the instructor removed you from the class');
    bobTerminal.close();
    expect((await call(base, 'GET', '/api/session', bob.sessionToken)).status).toBe(401);
    expect((await call(base, 'GET', `/api/classes/${cls.id}/progress`, INSTRUCTOR)).json.learners).toHaveLength(1);
    ws.close();
  });

  it("keeps sessions and progress in the data directory and rebuilds a learner's environment from its journal", async () => {
    const dir = tmp();
    const first = await start(dir);
    const cls = (await call(first.base, 'POST', '/api/classes', INSTRUCTOR, { name: 'W' })).json;
    const ada = (await call(first.base, 'POST', '/api/join', undefined, { joinCode: cls.joinCode, name: 'Ada' })).json;
    await call(first.base, 'POST', '/api/labs/traffic-shifting/apply', ada.sessionToken, {
      yaml:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ' +
        'reviews\nspec:\n  host: reviews\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n',
    });
    // A command typed in the terminal is journalled too.
    const instance = await first.server.parts.runtime.instance(ada.learnerId, 'traffic-shifting');
    await typeScript(instance.terminal, 'export JT=journal-test\nkubectl create namespace $JT');
    await call(first.base, 'POST', '/api/labs/traffic-shifting/steps/destination-rules/check', ada.sessionToken, {});
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await start(dir);
    expect((await call(second.base, 'GET', '/api/session', ada.sessionToken)).status).toBe(200);
    const progress = (await call(second.base, 'GET', '/api/progress', ada.sessionToken)).json;
    expect(progress['traffic-shifting']['destination-rules'].attempts).toBe(1);
    const restoredInstance = await second.server.parts.runtime.instance(ada.learnerId, 'traffic-shifting');
    const env = restoredInstance.env;
    expect(await env.get({ kind: 'DestinationRule', namespace: 'default', name: 'reviews' })).not.toBeNull();
    // The learner is told, in their terminal, that their environment was rebuilt.
    await expect
      .poll(() => restoredInstance.scrollback.text())
      .toContain('your environment was rebuilt by replaying your 3 commands');
    expect(await env.get({ kind: 'Namespace', name: 'journal-test' })).not.toBeNull();
    // The new terminal gets its variables back, typed in where the learner sees it, and not journalled twice.
    await expect
      .poll(() => restoredInstance.scrollback.text())
      .toContain('restoring your shell variables and directory (1 line)');
    await expect.poll(() => stripAnsi(restoredInstance.scrollback.text())).toMatch(/export JT=journal-test\n[^\n]*# $/);
    await restoredInstance.exclusive(() => typeScript(restoredInstance.terminal, 'echo "JT is $JT"'));
    await expect.poll(() => stripAnsi(restoredInstance.scrollback.text())).toContain('JT is journal-test');
    await second.close();
    running.splice(running.indexOf(second), 1);
    // Reset while the environment is not made (after a restart, before the learner is back): it starts fresh.
    const afterReset = await start(dir);
    const clsId = cls.id;
    expect(
      (
        await call(afterReset.base, 'POST', `/api/classes/${clsId}/learners/${ada.learnerId}/reset`, INSTRUCTOR, {
          lab: 'traffic-shifting',
        })
      ).status,
    ).toBe(200);
    expect(await afterReset.server.parts.runtime.existing(ada.learnerId, 'traffic-shifting')).toBeUndefined();
    await afterReset.close();
    running.splice(running.indexOf(afterReset), 1);
    const third = await start(dir);
    const again = await third.server.parts.runtime.instance(ada.learnerId, 'traffic-shifting');
    expect(await again.env.get({ kind: 'Namespace', name: 'journal-test' })).toBeNull();
    // Nothing was replayed; only the terminal's variables come back (they outlive a reset, as in a live terminal).
    await expect
      .poll(() => stripAnsi(again.scrollback.text()))
      .toContain("your environment is at the chapter's starting state, as it was after its last reset");
    await expect
      .poll(() => stripAnsi(again.scrollback.text()))
      .toContain('restoring your shell variables and directory (1 line)');
  });
});
