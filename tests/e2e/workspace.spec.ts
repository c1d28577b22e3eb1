/**
 * The lesson workspace as a learner sees it, at 1400x900 and at 390x844, in both languages: where the parts are
 * (bounding boxes in the viewport), that Run, Solve and Apply leave the lesson where it was, focus order in and out
 * of the terminal, the remembered split, the steps list, the Preview's stars, and a screenshot per viewport.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, freshSession, terminalReady, test } from './fixtures.ts';

const WIDE = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Whether a box lies inside the viewport (what a learner sees without scrolling). */
async function inViewport(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const size = page.viewportSize()!;
  return (
    !!box && box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width + 1 && box.y + box.height <= size.height + 1
  );
}

const scrollY = (page: Page) => page.evaluate(() => Math.round(window.scrollY));
/**
 * Where an element sits in the viewport. A result drawn above it may change `scrollY` (the browser's scroll
 * anchoring keeps what is in view still), so "the lesson did not move" is asked of what the learner sees.
 */
const viewportTop = async (locator: Locator) => (await locator.boundingBox())!.y;
/** Anchoring moves the page by whole pixels while layout has fractions: a pixel either way is standing still. */
const stillAt = (now: number, before: number) => expect(Math.abs(now - before)).toBeLessThanOrEqual(1);
const step = (page: Page, id: string) => page.locator(`section.labs-step[data-step="${id}"]`);
const token = (page: Page) => page.evaluate(() => localStorage.getItem('labs.session'));

test.describe('at 1400x900', () => {
  test.use({ viewport: WIDE });

  test('the lesson beside the workspace: the terminal stays in view and Run, Solve, Apply never scroll the lesson', async ({
    page,
    prefix,
    lang,
  }, testInfo) => {
    test.setTimeout(240_000);
    await freshSession(page);
    await page.goto(`${prefix}/traffic-shifting/`);
    await terminalReady(page);
    const lesson = (await page.locator('[data-labs-lesson]').boundingBox())!;
    const workspace = (await page.locator('[data-workspace]').boundingBox())!;
    expect(lesson.x + lesson.width).toBeLessThanOrEqual(workspace.x + 1);
    expect(workspace.width).toBeGreaterThan(500);
    expect(await inViewport(page, '[data-terminal]')).toBe(true);

    // Reading step 5: the terminal is still where it was, in view.
    const terminalBefore = (await page.locator('[data-terminal]').boundingBox())!;
    await step(page, 'read-virtualservice').locator('[data-action="check"]').scrollIntoViewIfNeeded();
    expect(await scrollY(page)).toBeGreaterThan(1000);
    expect(await inViewport(page, '[data-terminal]')).toBe(true);
    expect((await page.locator('[data-terminal]').boundingBox())!.y).toBeCloseTo(terminalBefore.y, 0);

    // Run from the keyboard: the command runs, focus stays on Run, the lesson does not move.
    const run = step(page, 'read-virtualservice').locator('button.labs-run').first();
    await run.scrollIntoViewIfNeeded();
    const at = await scrollY(page);
    await run.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('.xterm-rows').innerText(), { timeout: 30_000 })
      .toContain('kubectl get virtualservice');
    await expect(run).toBeFocused();
    expect(await scrollY(page)).toBe(at);

    // Solve and Apply: results in the workspace and at the step, the lesson stays put.
    const solve = step(page, 'destination-rules').locator('[data-action="solve"]');
    await solve.scrollIntoViewIfNeeded();
    const atSolve = await viewportTop(solve);
    page.once('dialog', (d) => d.accept());
    await solve.click();
    await expect(step(page, 'destination-rules').locator('[data-result] [data-ran-step]')).toHaveCount(1, {
      timeout: 90_000,
    });
    stillAt(await viewportTop(solve), atSolve);
    const card = page.locator('[data-ws-card="editor"]', { hasText: 'virtual-service-all-v1.yaml' }).locator('button');
    await card.scrollIntoViewIfNeeded();
    const atApply = await viewportTop(card);
    await card.click();
    const editor = page.locator('.labs-editor[data-file="virtual-service-all-v1.yaml"]');
    await expect(editor).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
    await editor.locator('[data-action="apply"]').click();
    await expect(editor.locator('[data-output]')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
    stillAt(await viewportTop(card), atApply);
    expect(await inViewport(page, '.labs-editor[data-file="virtual-service-all-v1.yaml"] [data-action="apply"]')).toBe(
      true,
    );

    // Check: the result at the step, its state in the steps list and in the workspace's status line.
    const check = step(page, 'route-all-v1').locator('[data-action="check"]');
    await check.scrollIntoViewIfNeeded();
    await check.click();
    await expect(step(page, 'route-all-v1')).toHaveAttribute('data-status', 'passed', { timeout: 90_000 });
    await expect(page.locator('a[data-step-link="route-all-v1"]')).toHaveAttribute('data-status', 'passed');
    await expect(page.locator('[data-ws-status]')).toContainText(lang === 'ko' ? '통과' : 'Passed');
    expect(await inViewport(page, '[data-ws-status]')).toBe(true);

    // The steps list jumps to a step: its title comes up under the list.
    await page.locator('a[data-step-link="shift-100-v3"]').click();
    const title = (await step(page, 'shift-100-v3').locator('h3').boundingBox())!;
    const nav = (await page.locator('[data-steps-nav]').boundingBox())!;
    expect(title.y).toBeGreaterThanOrEqual(nav.y + nav.height - 2);
    expect(title.y).toBeLessThan(WIDE.height / 2);
    await expect(page.locator('a[data-step-link="shift-100-v3"]')).toHaveAttribute('aria-current', 'step');

    await page.locator('[data-workspace]').screenshot({ path: testInfo.outputPath(`workspace-${lang}-1400.png`) });
    await testInfo.attach(`workspace-${lang}-1400`, {
      path: testInfo.outputPath(`workspace-${lang}-1400.png`),
      contentType: 'image/png',
    });
    await page.screenshot({ path: testInfo.outputPath(`page-${lang}-1400.png`) });
    await testInfo.attach(`page-${lang}-1400`, {
      path: testInfo.outputPath(`page-${lang}-1400.png`),
      contentType: 'image/png',
    });
  });

  test('the split between lesson and workspace is dragged or moved by keyboard, and remembered', async ({
    page,
    prefix,
  }) => {
    await freshSession(page);
    await page.goto(`${prefix}/mirroring/`);
    const bar = page.locator('[data-splitter]');
    const before = (await page.locator('[data-workspace]').boundingBox())!.width;
    const box = (await bar.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x - 150, box.y + 200, { steps: 5 });
    await page.mouse.up();
    const wider = (await page.locator('[data-workspace]').boundingBox())!.width;
    expect(wider).toBeGreaterThan(before + 100);
    await bar.focus();
    await page.keyboard.press('ArrowRight');
    const after = (await page.locator('[data-workspace]').boundingBox())!.width;
    expect(after).toBeLessThan(wider);
    await page.reload();
    expect(Math.abs((await page.locator('[data-workspace]').boundingBox())!.width - after)).toBeLessThan(3);
    await expect(bar).toHaveAttribute('aria-valuenow', /\d+/);
  });

  test("the keyboard: Tab is the shell's, Escape then Tab or Shift+Tab leaves the terminal, the page says so", async ({
    page,
    prefix,
    lang,
  }) => {
    await freshSession(page);
    await page.goto(`${prefix}/traffic-shifting/`);
    await terminalReady(page);
    const input = page.locator('.xterm-helper-textarea');
    const hint = page.locator('[data-terminal-keys]');
    await expect(hint).toBeVisible();
    await expect(hint).toContainText(lang === 'ko' ? 'Esc를 누른 뒤 Tab' : 'press Esc, then Tab');
    await expect(input).toHaveAttribute('aria-describedby', (await hint.getAttribute('id'))!);
    await input.focus();
    await page.keyboard.type('kubectl get pod');
    await page.keyboard.press('Tab');
    await expect(input).toBeFocused();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await expect(input).not.toBeFocused();
    const next = await page.evaluate(() => document.activeElement?.closest('[data-terminal]') === null);
    expect(next).toBe(true);
    await input.focus();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    await expect(page.locator('[data-action="reset-env"]')).toBeFocused();
    // The editor says how Tab leaves it (Escape then Tab, or Ctrl+M), where its text is.
    await page.locator('[data-ws-card="editor"] button').first().click();
    const keys = page.locator('.labs-editor:not([hidden]) .labs-keys');
    await expect(keys).toBeVisible({ timeout: 30_000 });
    await expect(keys).toContainText('Ctrl+M');
    await expect(page.locator('.labs-editor:not([hidden]) .cm-content')).toHaveAttribute('aria-label', /Ctrl\+M/);
  });

  test("the Preview shows Bookinfo with its styles: red stars of a star's size, links and the sign-in form inside it", async ({
    page,
    prefix,
    lang,
  }, testInfo) => {
    test.setTimeout(240_000);
    await freshSession(page);
    await page.goto(`${prefix}/traffic-shifting/`);
    await terminalReady(page);
    const solved = await page.request.post('/api/labs/traffic-shifting/steps/shift-100-v3/solve', {
      headers: { authorization: `Bearer ${await token(page)}` },
      data: {},
      timeout: 180_000,
    });
    expect(solved.ok()).toBe(true);
    await page.locator('[data-ws-card="preview"] button').first().click();
    const preview = page.locator('.labs-preview');
    await expect(preview).toHaveAttribute('data-count', '1', { timeout: 30_000 });
    await expect(preview).toHaveAttribute('data-stars', 'red');
    await expect(preview).toHaveAttribute('data-missing', '0');
    await expect(preview.locator('[data-preview-status]')).toContainText(lang === 'ko' ? '빨간 별' : 'red stars');
    const frame = preview.locator('iframe').contentFrame();
    // Whatever the markup, the page's star icons: red, and a star's size (not the frame's width).
    await expect(frame.locator('svg').first()).toBeAttached({ timeout: 15_000 });
    const stars = await frame.locator('svg').evaluateAll((svgs) =>
      svgs
        .map((s) => ({ box: s.getBoundingClientRect(), color: getComputedStyle(s).color }))
        .filter((s) => s.color === 'rgb(239, 68, 68)')
        .map((s) => [s.box.width, s.box.height]),
    );
    expect(stars.length).toBeGreaterThanOrEqual(5);
    for (const [w, h] of stars) {
      expect(w).toBeGreaterThanOrEqual(12);
      expect(w).toBeLessThanOrEqual(32);
      expect(h).toBeGreaterThanOrEqual(12);
      expect(h).toBeLessThanOrEqual(32);
    }
    await preview.screenshot({ path: testInfo.outputPath(`preview-${lang}.png`) });
    await testInfo.attach(`preview-${lang}`, {
      path: testInfo.outputPath(`preview-${lang}.png`),
      contentType: 'image/png',
    });

    // Sign in through the page's own dialog and form: the app's cookie comes back, the page greets the user.
    await frame.getByRole('button', { name: 'Sign in' }).first().click();
    await frame.locator('input[name="username"]').fill('jason');
    await frame.locator('input[name="passwd"]').fill('secret');
    await frame.locator('form[name="login_form"] button[type="submit"]').click();
    await expect(preview).toHaveAttribute('data-count', '2', { timeout: 30_000 });
    await expect(frame.getByText('jason').first()).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`${prefix}/traffic-shifting/$`));
  });

  test('the site answers compressed, with validators, and 304 when the page has not changed', async ({
    page,
    prefix,
  }) => {
    const first = await page.request.get(`${prefix}/traffic-shifting/`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(first.headers()['content-encoding']).toBe('br');
    expect(first.headers().etag).toBeTruthy();
    expect(first.headers()['last-modified']).toBeTruthy();
    const again = await page.request.get(`${prefix}/traffic-shifting/`, {
      headers: { 'accept-encoding': 'gzip', 'if-none-match': first.headers().etag! },
    });
    expect(again.status()).toBe(304);
    const script = await page.request.get('/_labs/editor/editor.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(script.headers()['content-encoding']).toBe('gzip');
  });
});

test.describe('at 390x844', () => {
  test.use({ viewport: PHONE });

  test('the same parts as tabs: a terminal wide enough for kubectl get pods, Run marks the terminal tab, the lesson stays', async ({
    page,
    prefix,
    lang,
  }, testInfo) => {
    test.setTimeout(180_000);
    await freshSession(page);
    await page.goto(`${prefix}/traffic-shifting/`);
    const tabs = page.locator('[data-view-tabs]');
    await expect(tabs).toBeVisible();
    expect(await inViewport(page, '[data-view-tabs]')).toBe(true);
    await expect(page.locator('[data-workspace]')).toBeHidden();

    await page.locator('button[data-view="terminal"]').click();
    await expect(page.locator('[data-terminal]')).toBeVisible();
    await terminalReady(page);
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('kubectl get pods', { delay: 5 });
    await page.keyboard.press('Enter');
    // Each pod on one row: the terminal has the columns for the table, so nothing breaks mid-word.
    await expect
      .poll(() => page.locator('.xterm-rows').innerText(), { timeout: 30_000 })
      .toMatch(/^productpage-v1-\S+\s+2\/2\s+Running\s+0\s+\S+\s*$/m);
    await page.screenshot({ path: testInfo.outputPath(`terminal-${lang}-390.png`) });
    await testInfo.attach(`terminal-${lang}-390`, {
      path: testInfo.outputPath(`terminal-${lang}-390.png`),
      contentType: 'image/png',
    });

    await page.locator('button[data-view="lesson"]').click();
    const run = step(page, 'destination-rules').locator('button.labs-run').first();
    await run.scrollIntoViewIfNeeded();
    const at = await scrollY(page);
    await run.click();
    await expect(page.locator('button[data-view="terminal"] [data-activity]')).toBeVisible({ timeout: 15_000 });
    expect(await scrollY(page)).toBe(at);
    await expect(run).toBeFocused();

    // The Preview's bar keeps its button on one line.
    await page.locator('button[data-view="preview"]').click();
    const refresh = (await page.locator('.labs-preview [data-action="refresh"]').boundingBox())!;
    expect(refresh.width).toBeGreaterThan(refresh.height);
    expect(refresh.height).toBeLessThan(48);
    expect(await inViewport(page, '.labs-preview [data-action="refresh"]')).toBe(true);
    await page.locator('[data-workspace]').screenshot({ path: testInfo.outputPath(`workspace-${lang}-390.png`) });
    await testInfo.attach(`workspace-${lang}-390`, {
      path: testInfo.outputPath(`workspace-${lang}-390.png`),
      contentType: 'image/png',
    });
  });
});
