/** A workshop in real browsers: an instructor's dashboard and two learners in their own browser contexts. */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { loadAllLabs } from '../../lab-server/src/labs/load.ts';
import { type ClassroomServer, startClassroomServer } from './classroomServer.ts';
import { expect, test } from './fixtures.ts';

const INSTRUCTOR = 'e2e-instructor-token-0123456789abcdef';
let classroom: ClassroomServer | undefined;
let base = '';

test.beforeAll(async ({}, testInfo) => {
  classroom = await startClassroomServer(testInfo, { instructorToken: INSTRUCTOR, offset: 101, slotsPerWorker: 10 });
  base = classroom.base;
});

test.afterAll(() => {
  classroom?.stop();
});

async function solveAndCheck(page: Page, step: string) {
  const section = page.locator(`section.labs-step[data-step="${step}"]`);
  await section.locator('[data-action="solve"]').scrollIntoViewIfNeeded();
  page.once('dialog', (d) => d.accept());
  await section.locator('[data-action="solve"]').click();
  // Solve lists the steps whose solution it ran; this step's is the last.
  await expect(section.locator(`[data-result] [data-ran-step="${step}"]`)).toBeVisible({ timeout: 90_000 });
  await section.locator('[data-action="check"]').click();
  await expect(section).toHaveAttribute('data-status', 'passed', { timeout: 90_000 });
}

test('an instructor runs a class: join code, two learners, live grid, terminal view, reset, CSV', async ({
  openPage,
  prefix,
}) => {
  test.setTimeout(240_000);
  const instructor = await openPage({ acceptDownloads: true });
  await instructor.goto(`${base}${prefix}/classroom/#token=${INSTRUCTOR}`);
  await instructor.locator('[data-create-form] input[name="name"]').fill('Workshop A');
  await instructor.locator('[data-create-form] button[type="submit"]').click();
  const code = (await instructor.locator('[data-join-code]').getAttribute('data-join-code', { timeout: 15_000 }))!;
  expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
  await expect(instructor.locator('.labs-qr svg')).toBeVisible();
  // The join URL is in the dashboard's language; this server listens on 127.0.0.1 only, which the instructor is told.
  await expect(instructor.locator('[data-join-url]')).toHaveAttribute(
    'data-join-url',
    `${base}${prefix}/classroom/join/?code=${code}`,
  );
  await expect(instructor.locator('[data-join-warning="loopback-only"]')).toContainText('--host 0.0.0.0');
  // The token left the address bar.
  expect(instructor.url()).not.toContain(INSTRUCTOR);

  const join = async (name: string) => {
    const page = await openPage();
    await page.goto(`${base}${prefix}/classroom/join/?code=${code}`);
    await page.locator('input[name="name"]').fill(name);
    await page.locator('[data-join-form] button[type="submit"]').click();
    await expect(page).toHaveURL(/\/traffic-shifting\/$/, { timeout: 30_000 });
    return page;
  };
  const ada = await join('Ada');
  const bob = await join('Bob');
  await expect(instructor.locator('tr[data-learner]')).toHaveCount(2, { timeout: 5_000 });
  // Ada scans the QR code again: she is offered to go on as herself, and does not appear twice.
  await ada.goto(`${base}${prefix}/classroom/join/?code=${code}`);
  await expect(ada.locator('[data-already-text]')).toContainText('Ada');
  await ada.locator('[data-continue]').click();
  await expect(ada).toHaveURL(/\/traffic-shifting\/$/);
  await expect(instructor.locator('tr[data-learner]')).toHaveCount(2);

  await solveAndCheck(ada, 'destination-rules');
  // Live: the dashboard shows it within two seconds of the check, without a reload.
  await expect(instructor.locator('tr[data-learner="Ada"] td[data-step="destination-rules"]')).toHaveAttribute(
    'data-state',
    'passed',
    { timeout: 2_000 },
  );

  await solveAndCheck(bob, 'destination-rules');
  await solveAndCheck(bob, 'route-all-v1');
  await expect(instructor.locator('tr[data-learner="Bob"] td[data-step="route-all-v1"]')).toHaveAttribute(
    'data-state',
    'passed',
    { timeout: 2_000 },
  );
  await expect(instructor.locator('tr[data-learner="Ada"] td[data-step="route-all-v1"]')).toHaveAttribute(
    'data-state',
    'none',
  );

  // Watch Ada's terminal, read-only.
  await instructor.locator('tr[data-learner="Ada"] [data-action="watch"]').click();
  await expect
    .poll(() => instructor.locator('[data-viewer-terminal]').getAttribute('data-text'), { timeout: 15_000 })
    .toContain('destinationrule.networking.istio.io/reviews created');
  // The view opened on the chapter Ada last worked in; another chapter she never opened says so.
  await expect(instructor.locator('[data-viewer-lab]')).toHaveValue('traffic-shifting');
  await instructor.locator('[data-viewer-lab]').selectOption('mirroring');
  await expect
    .poll(() => instructor.locator('[data-viewer-terminal]').getAttribute('data-text'), { timeout: 15_000 })
    .toMatch(/not opened this chapter yet|아직 이 장을 열지 않았습니다/);
  // Live: what Ada types now appears in the instructor's view.
  await instructor.locator('[data-viewer-lab]').selectOption('traffic-shifting');
  await ada.evaluate(() =>
    (window as unknown as { labsTerminal: { run(command: string): void } }).labsTerminal.run(
      'kubectl get destinationrule reviews',
    ),
  );
  await expect
    .poll(() => instructor.locator('[data-viewer-terminal]').getAttribute('data-text'), { timeout: 15_000 })
    .toMatch(/reviews\s+reviews\s+\d+[smh]/);

  // Reset Bob's environment: his cluster is back at the start, his recorded progress stays.
  // The chapter Bob is in is the one reset.
  const confirmReset = instructor.waitForEvent('dialog');
  const clicked = instructor.locator('tr[data-learner="Bob"] [data-action="reset"]').click();
  const dialog = await confirmReset;
  expect(dialog.message()).toContain('Bob');
  expect(dialog.message()).toContain('traffic-shifting');
  await dialog.accept();
  await clicked;
  const bobStep = bob.locator('section.labs-step[data-step="route-all-v1"]');
  await expect
    .poll(async () => await bob.locator('.xterm-rows').innerText(), { timeout: 15_000 })
    .toMatch(/environment reset|처음 상태로/);
  // The step's result may still show the state the reset left; the Check is answered when its button is back.
  await bobStep.locator('[data-action="check"]').click();
  await expect(bobStep.locator('[data-action="check"]')).toBeEnabled({ timeout: 90_000 });
  await expect(bobStep.locator('[data-result]')).toHaveAttribute('data-ok', 'false', { timeout: 90_000 });
  await expect(bobStep).toHaveAttribute('data-badge-state', 'reset-since');

  // CSV: a byte-order mark, a header and one row per learner and step, with titles in the dashboard's language.
  const download = instructor.waitForEvent('download');
  await instructor.locator('[data-action="csv"]').click();
  const text = readFileSync((await (await download).path())!, 'utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const rows = text.slice(1).trim().split('\r\n');
  expect(rows[0]).toBe(
    'learner_id,learner,lab,chapter,step,step_title,status,passed_by,attempts,last_attempt,passed_at,last_activity',
  );
  // One row per learner and step of every ready chapter (the class was made with them all).
  const steps = loadAllLabs()
    .filter((l) => l.status === 'ready')
    .reduce((n, l) => n + l.steps.length, 0);
  expect(rows).toHaveLength(1 + 2 * steps);
  expect(rows.filter((r) => r.includes(',Ada,') && r.includes(',passed,'))).toHaveLength(1);
  // Bob's passes stay recorded, marked as made before his reset.
  expect(rows.filter((r) => r.includes(',Bob,') && r.includes(',passed (reset since),'))).toHaveLength(2);
  expect(rows.find((r) => r.includes(',Ada,') && r.includes(',destination-rules,'))).toContain(
    prefix ? ',1. Apply the default destination rules,' : ',1. 기본 DestinationRule 적용하기,',
  );

  // The attempt history, oldest first: each Solve's own check, then the learner's Check; Bob's failure after the reset.
  const attemptsDownload = instructor.waitForEvent('download');
  await instructor.locator('[data-action="csv-attempts"]').click();
  const attempts = readFileSync((await (await attemptsDownload).path())!, 'utf8')
    .slice(1)
    .trim()
    .split('\r\n');
  expect(attempts[0]).toBe(
    'learner_id,learner,lab,step,step_title,ok,trigger,at,duration_ms,explanation_en,explanation_ko',
  );
  expect(
    attempts.slice(1).map((r) => {
      const cells = r.split(',');
      return [cells[1], cells[3], cells[5], cells[6]].join(',');
    }),
  ).toEqual([
    'Ada,destination-rules,true,solve',
    'Ada,destination-rules,true,check',
    'Bob,destination-rules,true,solve',
    'Bob,destination-rules,true,check',
    'Bob,route-all-v1,true,solve',
    'Bob,route-all-v1,true,check',
    'Bob,route-all-v1,false,check',
  ]);

  // A class past its time: the dashboard says so instead of showing its code, and the code lets no one in.
  const short = (await (
    await fetch(`${base}/api/classes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INSTRUCTOR}` },
      body: JSON.stringify({ name: 'Short', lifetimeHours: 0.0002 }),
    })
  ).json()) as { id: string; joinCode: string };
  await expect
    .poll(
      async () =>
        (
          await fetch(`${base}/api/join`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ joinCode: short.joinCode, name: 'Late' }),
          })
        ).status,
      { timeout: 5_000 },
    )
    .toBe(404);
  await instructor.reload();
  await instructor.locator('[data-class-select]').selectOption(short.id);
  await expect(instructor.locator('[data-expired]')).toBeVisible();
  await expect(instructor.locator('[data-join-code]')).toHaveCount(0);
});

/** Joins a learner through the API and returns their session token. */
async function joinApi(code: string, name: string): Promise<string> {
  const res = await fetch(`${base}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ joinCode: code, name }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { sessionToken: string }).sessionToken;
}

/** A learner's action through the API, as their page would send it. */
async function learnerPost(token: string, path: string): Promise<{ ok: boolean }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { ok: boolean };
}

test('the dashboard at a glance: 30 learners fit the first screen with titles, activity, failures and column sums', async ({
  openPage,
  prefix,
  lang,
}, testInfo) => {
  test.setTimeout(300_000);
  const created = (await (
    await fetch(`${base}/api/classes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INSTRUCTOR}` },
      body: JSON.stringify({ name: `Glance ${lang}`, chapters: ['traffic-shifting'] }),
    })
  ).json()) as { id: string; joinCode: string };
  const names = Array.from(
    { length: 30 },
    (_, i) => `${lang === 'ko' ? '학습자' : 'Learner'} ${String(i + 1).padStart(2, '0')}`,
  );
  const tokens: string[] = [];
  for (const name of names) tokens.push(await joinApi(created.joinCode, name));
  // Three learners at work: one solved the first step, two checked the second too early (the same failure).
  await learnerPost(tokens[0]!, '/api/labs/traffic-shifting/steps/destination-rules/solve');
  for (const token of tokens.slice(1, 3)) {
    expect((await learnerPost(token, '/api/labs/traffic-shifting/steps/route-all-v1/check')).ok).toBe(false);
  }

  const instructor = await openPage({ viewport: { width: 1400, height: 900 } });
  await instructor.goto(`${base}${prefix}/classroom/#token=${INSTRUCTOR}`);
  await instructor.locator('[data-class-select]').selectOption(created.id);
  await expect(instructor.locator('tr[data-learner]')).toHaveCount(30, { timeout: 15_000 });
  // Titles in the dashboard's language, ids nowhere on screen.
  await expect(instructor.locator('th[data-chapter="traffic-shifting"]')).toHaveText(
    lang === 'ko' ? '트래픽 전환 (Traffic Shifting)' : 'Traffic Shifting',
  );
  await expect(instructor.locator('[data-step-head="route-all-v1"]')).toHaveAttribute(
    'title',
    lang === 'ko' ? '2. 모든 트래픽을 v1으로 보내기' : '2. Send all traffic to v1',
  );
  // The whole grid is in the first screen, the join code folded to one line.
  // Live updates may redraw the grid meanwhile (a row is then briefly gone): ask until a row answers.
  const lastRow = instructor.locator('tr[data-learner]').last();
  await expect
    .poll(async () => {
      const box = await lastRow.boundingBox();
      return box ? box.y + box.height : Number.POSITIVE_INFINITY;
    })
    .toBeLessThanOrEqual(900);
  await expect(instructor.locator('[data-join]')).toBeHidden();
  await expect(instructor.locator('[data-join-compact]')).toContainText(created.joinCode);
  // Activity: a learner acting now is typing now (live, without a reload); those who never acted never came.
  const first = instructor.locator(`tr[data-learner="${names[0]}"]`);
  await learnerPost(tokens[0]!, '/api/labs/traffic-shifting/steps/destination-rules/check');
  await expect(first.locator('[data-activity]')).toHaveAttribute('data-activity', 'typing', { timeout: 30_000 });
  await expect(first.locator('td[data-step="destination-rules"]')).toHaveAttribute('data-state', 'passed');
  await expect(instructor.locator(`tr[data-learner="${names[29]}"] [data-activity]`)).toHaveText(
    lang === 'ko' ? '아직 안 옴' : 'never came',
  );
  // The column sums: one passed the first step; two fail the second alike.
  const sums = instructor.locator('[data-summary]');
  await expect(sums.locator('td[data-step="destination-rules"]')).toHaveAttribute('data-passed', '1');
  await expect(sums.locator('td[data-step="route-all-v1"]')).toHaveAttribute('data-failing', '2');
  // The latest failure is one line; a click shows all of it.
  const line = instructor.locator(`tr[data-learner="${names[1]}"] [data-failure]`);
  await expect(line).toBeVisible();
  await expect.poll(async () => (await line.boundingBox())?.height ?? Number.POSITIVE_INFINITY).toBeLessThan(24);
  await line.click();
  await expect(instructor.locator('[data-detail-text]')).toContainText(
    lang === 'ko' ? '기대합니다' : 'the step expects',
  );
  await sums.locator('td[data-step="route-all-v1"]').click();
  await expect(instructor.locator('[data-detail-text]')).toContainText(
    lang === 'ko' ? '가장 흔한 실패 (2명)' : 'Most common failure (2)',
  );
  await instructor.screenshot({ path: testInfo.outputPath(`dashboard-${lang}.png`) });
  await testInfo.attach(`dashboard-${lang}`, {
    path: testInfo.outputPath(`dashboard-${lang}.png`),
    contentType: 'image/png',
  });
  // Large on demand, for a projector.
  await instructor.locator('[data-action="join-large"]').click();
  await expect(instructor.locator('.labs-qr svg')).toBeVisible();
  await expect
    .poll(async () => (await instructor.locator('[data-join-code]').boundingBox())?.height ?? 0)
    .toBeGreaterThan(80);
  // The stuck filter: nobody has been on a step for 5 minutes yet.
  await instructor.locator('[data-stuck-filter]').selectOption('5');
  await expect(instructor.locator('tr[data-learner]')).toHaveCount(0);
  await instructor.locator('[data-stuck-filter]').selectOption('0');
  await expect(instructor.locator('tr[data-learner]')).toHaveCount(30);
});
