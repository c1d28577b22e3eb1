/**
 * axe-core finds no serious or critical violation on the home page, every chapter page with its workspace open
 * (an editor opened, the Preview loaded), the classroom dashboard with a class, a learner and a check, and the join
 * page, in both languages, at 1400x900 and at 390x844. Korean pages show the server's refusals in Korean.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { loadAllLabs } from '../../lab-server/src/labs/load.ts';
import { type ClassroomServer, startClassroomServer } from './classroomServer.ts';
import { expect, freshSession, test } from './fixtures.ts';

const INSTRUCTOR = 'a11y-instructor-token-0123456789abcdef';
const CHAPTERS = loadAllLabs().map((l) => ({ id: l.id, ready: l.status === 'ready' }));
const VIEWPORTS = [
  { width: 1400, height: 900 },
  { width: 390, height: 844 },
];
let classroom: ClassroomServer | undefined;
let base = '';

// A classroom server of this worker's own, beside the shared one (LABS_E2E_PORT keeps helpers' ports apart).
test.beforeAll(async ({}, testInfo) => {
  classroom = await startClassroomServer(testInfo, {
    instructorToken: INSTRUCTOR,
    offset: 60,
    slotsPerWorker: 2,
    env: { LABS_QUIET: '' },
  });
  base = classroom.base;
});

test.afterAll(() => {
  classroom?.stop();
});

/** The serious and critical violations on the page, one line each (rule, impact, first elements). */
async function violations(page: Page): Promise<string[]> {
  // The Preview's frame shows the learner's app (Bookinfo, httpbin): its markup is the app's, not the site's.
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .exclude('.labs-preview iframe')
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport });

    test('the home page and every chapter page with its workspace open', async ({ page, prefix }) => {
      test.setTimeout(600_000);
      await freshSession(page);
      // A passed step, so the progress marks and a passed step's badge are on the pages too.
      await page.goto(`${prefix}/traffic-shifting/`);
      await expect(page.locator('[data-terminal][data-connected="true"]')).toBeAttached({ timeout: 30_000 });
      const session = { authorization: `Bearer ${await page.evaluate(() => localStorage.getItem('labs.session'))}` };
      await page.request.post('/api/labs/traffic-shifting/steps/destination-rules/solve', {
        headers: session,
        data: {},
      });
      await page.request.post('/api/labs/traffic-shifting/steps/destination-rules/check', {
        headers: session,
        data: {},
      });
      await page.goto(`${prefix}/`);
      await expect(page.locator('.labs-chapters .labs-sidebar-mark').first()).toBeVisible({ timeout: 15_000 });
      expect(await violations(page), 'home').toEqual([]);
      for (const chapter of CHAPTERS) {
        await page.goto(`${prefix}/${chapter.id}/`);
        if (chapter.ready) {
          await expect(page.locator('[data-terminal][data-connected="true"]')).toBeAttached({ timeout: 30_000 });
          // Open what the workspace holds: the first file in the editor, then the Preview if the chapter has one.
          const file = page.locator('[data-ws-card="editor"] button').first();
          if (await file.count()) {
            if (viewport.width < 1000) await page.locator('button[data-view="lesson"]').click();
            await file.scrollIntoViewIfNeeded();
            await file.click();
            await expect(page.locator('.labs-editor:not([hidden])[data-ready="true"]')).toBeVisible({
              timeout: 30_000,
            });
            expect(await violations(page), `${chapter.id} editor`).toEqual([]);
          }
          const preview = page.locator('[data-ws-card="preview"] button').first();
          if (await preview.count()) {
            if (viewport.width < 1000) await page.locator('button[data-view="lesson"]').click();
            await preview.scrollIntoViewIfNeeded();
            await preview.click();
            await expect(page.locator('.labs-preview')).toHaveAttribute('data-count', '1', { timeout: 30_000 });
          }
          if (viewport.width < 1000) await page.locator('button[data-view="terminal"]').click();
        }
        expect(await violations(page), chapter.id).toEqual([]);
      }
    });

    test('the classroom dashboard with a class, a learner and a check, and the join page', async ({
      openPage,
      prefix,
      lang,
    }) => {
      test.setTimeout(240_000);
      const instructor = await openPage({ viewport });
      await instructor.goto(`${base}${prefix}/classroom/#token=${INSTRUCTOR}`);
      // "New class" is folded once the server has a class (the other viewport's test made one on this server).
      await expect(instructor.locator('[data-main]')).toBeVisible();
      const create = instructor.locator('details[data-create]');
      if (!(await create.evaluate((d) => (d as HTMLDetailsElement).open))) await create.locator('summary').click();
      const name = `A11y ${lang} ${viewport.width}`;
      await instructor.locator('[data-create-form] input[name="name"]').fill(name);
      await instructor.locator('[data-create-form] button[type="submit"]').click();
      // Until the new class is chosen, the code shown is the earlier class's.
      await expect(instructor.locator('[data-class-select] option:checked')).toContainText(name);
      const code = (await instructor.locator('[data-join-code]').getAttribute('data-join-code', { timeout: 15_000 }))!;

      const learner = await openPage({ viewport });
      await learner.goto(`${base}${prefix}/classroom/join/?code=${code}`);
      expect(await violations(learner), 'join page').toEqual([]);
      await learner.locator('input[name="name"]').fill('Ada');
      await learner.locator('[data-join-form] button[type="submit"]').click();
      await expect(learner).toHaveURL(/\/traffic-shifting\/$/, { timeout: 30_000 });
      const token = await learner.evaluate(() => localStorage.getItem('labs.session'));
      await learner.request.post(`${base}/api/labs/traffic-shifting/steps/destination-rules/check`, {
        headers: { authorization: `Bearer ${token}` },
        data: {},
      });
      await expect(instructor.locator('tr[data-learner="Ada"] td[data-step="destination-rules"]')).toHaveAttribute(
        'data-state',
        'failed',
        { timeout: 15_000 },
      );
      expect(await violations(instructor), 'dashboard').toEqual([]);
    });
  });
}

test("a Korean page shows the server's refusals in Korean, an English page in English", async ({
  openPage,
  prefix,
  lang,
}) => {
  const page = await openPage();
  await page.goto(`${base}${prefix}/classroom/join/?code=ZZZZZZ`);
  await page.locator('input[name="name"]').fill('Eve');
  await page.locator('[data-join-form] button[type="submit"]').click();
  const message = page.locator('[data-join-form] [data-message]');
  await expect(message).not.toBeEmpty({ timeout: 15_000 });
  const text = await message.innerText();
  // The server's own English words never reach the Korean page.
  if (lang === 'ko') {
    expect(text).not.toContain('no class with this join code');
    expect(text).not.toMatch(/[A-Za-z]{4,}/);
    expect(text).toContain('참여 코드');
  } else expect(text).toContain('No class has this join code');

  const instructor = await openPage();
  await instructor.goto(`${base}${prefix}/classroom/#token=not-the-token`);
  const status = instructor.locator('[data-dashboard] [data-status]');
  await expect(status).not.toBeEmpty({ timeout: 15_000 });
  if (lang === 'ko') {
    expect(await status.innerText()).not.toMatch(/token|instructor/i);
    expect(await status.innerText()).toMatch(/강사/);
  }
});
