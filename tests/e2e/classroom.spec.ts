/** A workshop in real browsers: an instructor's dashboard and two learners in their own browser contexts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { loadAllLabs } from '../../lab-server/src/labs/load.ts';
import { expect, test } from './fixtures.ts';

const ROOT = join(import.meta.dirname, '../..');
const INSTRUCTOR = 'e2e-instructor-token-0123456789abcdef';
let server: ChildProcess | undefined;
let base = '';

test.beforeAll(async ({}, testInfo) => {
  const port = 4500 + testInfo.workerIndex * 10 + (testInfo.project.name === 'en' ? 1 : 0);
  // LABS_E2E_SITE_ROOT: a directory whose dist/ holds a site built apart from the shared one (astro build
  // --outDir DIR/dist), so a rebuild of the repository's dist/ by someone else cannot pull pages mid-test.
  server = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/labs.mjs'),
      'serve',
      '--classroom',
      '--data',
      mkdtempSync(join(tmpdir(), 'labs-e2e-class-')),
      '--port',
      String(port),
    ],
    {
      cwd: process.env.LABS_E2E_SITE_ROOT ?? ROOT,
      env: { ...process.env, LABS_INSTRUCTOR_TOKEN: INSTRUCTOR },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server!.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /serving on (http:\/\/\S+?)\/? \(backend/.exec(out);
      if (m) resolve(m[1]!.replace(/\/$/, ''));
    });
    server!.on('exit', (code) => reject(new Error(`classroom server exited ${code}: ${out}`)));
  });
});

test.afterAll(() => {
  server?.kill('SIGKILL');
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
  browser,
  prefix,
}) => {
  test.setTimeout(240_000);
  const instructor = await (await browser.newContext({ acceptDownloads: true })).newPage();
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
    const page = await (await browser.newContext()).newPage();
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
  await bobStep.locator('[data-action="check"]').click();
  await expect(bobStep.locator('[data-result]')).toHaveAttribute('data-ok', 'false', { timeout: 90_000 });

  // CSV: a header and one row per learner and step.
  const download = instructor.waitForEvent('download');
  await instructor.locator('[data-action="csv"]').click();
  const file = await (await download).path();
  const rows = readFileSync(file!, 'utf8').trim().split('\r\n');
  expect(rows[0]).toBe('learner_id,learner,lab,step,status,attempts,last_attempt,passed_at');
  // One row per learner and step of every ready chapter (the class was made with them all).
  const steps = loadAllLabs()
    .filter((l) => l.status === 'ready')
    .reduce((n, l) => n + l.steps.length, 0);
  expect(rows).toHaveLength(1 + 2 * steps);
  expect(rows.filter((r) => r.includes(',Ada,') && r.includes(',passed,'))).toHaveLength(1);
  expect(rows.filter((r) => r.includes(',Bob,') && r.includes(',passed,'))).toHaveLength(2);

  // The attempt history: Ada's one pass, Bob's two and his failure after the reset, in order.
  const attemptsDownload = instructor.waitForEvent('download');
  await instructor.locator('[data-action="csv-attempts"]').click();
  const attempts = readFileSync((await (await attemptsDownload).path())!, 'utf8')
    .trim()
    .split('\r\n');
  expect(attempts[0]).toBe('learner_id,learner,lab,step,ok,at,duration_ms,explanation_en,explanation_ko');
  expect(attempts.slice(1).map((r) => r.split(',').slice(1, 5).join(','))).toEqual([
    'Ada,traffic-shifting,destination-rules,true',
    'Bob,traffic-shifting,destination-rules,true',
    'Bob,traffic-shifting,route-all-v1,true',
    'Bob,traffic-shifting,route-all-v1,false',
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
