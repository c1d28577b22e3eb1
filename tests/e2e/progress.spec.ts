/**
 * Progress as a record of what the learner did (issue 11), in a real browser in both languages: chapter 1 done
 * in order without pressing Check passes every step; a step skipped and replaced by a later one says so when
 * checked; the Traffic view shows the learner's requests, not a Check's; badges and results agree after Reset
 * and Solve.
 */
import type { Page } from '@playwright/test';
import { expect, freshSession, terminalReady, terminalText, test } from './fixtures.ts';
import { applyEditor, runBlock, step } from './labPage.ts';

/** Waits for the server to pass a step by itself (no Check pressed). */
async function passesByItself(page: Page, id: string) {
  await expect(step(page, id)).toHaveAttribute('data-status', 'passed', { timeout: 90_000 });
  await expect(step(page, id)).toHaveAttribute('data-badge-state', 'passed');
}

async function pressCheck(page: Page, id: string) {
  const s = step(page, id);
  await s.locator('[data-action="check"]').scrollIntoViewIfNeeded();
  await s.locator('[data-action="check"]').click();
  await expect(s.locator('[data-action="check"]')).toBeEnabled({ timeout: 90_000 });
  await expect(s.locator('[data-result]')).toBeVisible();
  return s.locator('[data-result]');
}

test('chapter 1 in order without pressing Check: every step passes by itself, and the Traffic view shows only the learner', async ({
  page,
  prefix,
  lang,
}) => {
  test.setTimeout(480_000);
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  await terminalReady(page);

  await runBlock(page, 'destination-rules', 'destination-rule-all.yaml');
  await passesByItself(page, 'destination-rules');
  // The step says it was checked by itself, where the learner would have pressed Check.
  await expect(step(page, 'destination-rules').locator('[data-result]')).toContainText(
    lang === 'ko' ? '자동으로 확인되어 통과' : 'Checked automatically at',
  );
  await applyEditor(page, 'virtual-service-all-v1.yaml');
  await passesByItself(page, 'route-all-v1');
  // Observing: the learner's own request, from the terminal.
  await runBlock(page, 'see-no-stars', 'export GATEWAY_URL');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('172.18.0.2:30080');
  await runBlock(page, 'see-no-stars', 'grep -c glyphicon-star');
  await passesByItself(page, 'see-no-stars');
  await applyEditor(page, 'virtual-service-reviews-50-v3.yaml');
  await passesByItself(page, 'shift-50-v3');
  await runBlock(page, 'read-virtualservice', 'kubectl get virtualservice reviews -o yaml');
  await passesByItself(page, 'read-virtualservice');

  // No object changed since the automatic check measured the 50/50 split (the learner only read the route): the
  // Check stands on that measurement and says when it was made, instead of sending its hundreds of requests again.
  // Those requests (the automatic check's, after the editor's Apply) were sent to the learner's environment; then
  // the learner's loop sends 100.
  const result = await pressCheck(page, 'shift-50-v3');
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).toContainText(
    lang === 'ko' ? '자동 확인이 측정한 결과입니다' : 'measured by the automatic check at',
  );
  await runBlock(page, 'see-red-half', 'for i in $(seq 1 100)');
  await expect.poll(() => terminalText(page), { timeout: 90_000 }).toMatch(/\d+ no-red\n\s*\d+ red/);
  await passesByItself(page, 'see-red-half');
  // The Traffic view counts the learner's requests only (the checks' are told apart by their client identity),
  // so it shows the loop's split: about half v3, within a margin a right 50/50 leaves with probability 1 - 6e-5.
  const traffic = page.locator('.labs-traffic');
  const openTraffic = page.locator('[data-ws-card="traffic"] button').first();
  await openTraffic.scrollIntoViewIfNeeded();
  await openTraffic.click();
  await expect
    .poll(async () => Number(await traffic.getAttribute('data-total')), { timeout: 30_000 })
    .toBeGreaterThan(50);
  const total = Number(await traffic.getAttribute('data-total'));
  expect(total).toBeLessThanOrEqual(101);
  const v3 = Number(await traffic.locator('[data-version="v3"]').getAttribute('data-requests'));
  expect(Math.abs(v3 / total - 0.5)).toBeLessThanOrEqual(0.2);
  expect(Number(await traffic.locator('[data-version="v2"]').getAttribute('data-requests'))).toBe(0);

  await applyEditor(page, 'virtual-service-reviews-v3.yaml');
  await passesByItself(page, 'shift-100-v3');
  await expect(page.locator('section.labs-step[data-badge-state="passed"]')).toHaveCount(7);
  await expect(page.locator('nav a[href$="/traffic-shifting/"] .labs-sidebar-mark').first()).toContainText('7/7');
  // The 50/50 step held earlier; the cluster is at step 7 now: checked again, it says so instead of advising a fix,
  // and its badge keeps the pass with "failing now" beside it.
  const again = await pressCheck(page, 'shift-50-v3');
  await expect(again).toHaveAttribute('data-ok', 'false');
  await expect(again).toContainText(lang === 'ko' ? '클러스터는 지금 7단계(' : 'The cluster is at step 7 now (');
  await expect(step(page, 'shift-50-v3')).toHaveAttribute('data-badge-state', 'failing-now');
});

test('out of order: a skipped step replaced by a later one says the cluster is at that step now', async ({
  page,
  prefix,
  lang,
}) => {
  test.setTimeout(300_000);
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  await terminalReady(page);
  await runBlock(page, 'destination-rules', 'destination-rule-all.yaml');
  await passesByItself(page, 'destination-rules');
  await applyEditor(page, 'virtual-service-all-v1.yaml');
  await passesByItself(page, 'route-all-v1');
  // Step 3 (look at the page) skipped: straight to 50/50.
  await applyEditor(page, 'virtual-service-reviews-50-v3.yaml');
  await passesByItself(page, 'shift-50-v3');
  await expect(step(page, 'see-no-stars')).toHaveAttribute('data-status', 'none');
  const result = await pressCheck(page, 'see-no-stars');
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText(lang === 'ko' ? '클러스터는 지금 4단계(' : 'The cluster is at step 4 now (');
  await expect(result).toContainText(lang === 'ko' ? 'Reset 후 순서대로' : 'Reset and go through the steps in order');
  await expect(step(page, 'see-no-stars')).toHaveAttribute('data-badge-state', 'failing');
});

test('badges and results agree after Reset and after Solve', async ({ page, prefix, lang }) => {
  test.setTimeout(300_000);
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  await terminalReady(page);
  // Solve is followed by the step's check: the result says what the badge says.
  page.once('dialog', (d) => d.accept());
  await step(page, 'route-all-v1').locator('[data-action="solve"]').click();
  const solved = step(page, 'route-all-v1').locator('[data-result]');
  await expect(solved).toHaveAttribute('data-ok', 'true', { timeout: 90_000 });
  await expect(solved).toContainText(
    lang === 'ko' ? '풀이를 실행한 뒤 확인한 결과: ✓' : 'The check after the solution: ✓',
  );
  await expect(step(page, 'route-all-v1')).toHaveAttribute('data-badge-state', 'passed');
  // The first step's solution ran too (catch-up), and the server passed it by itself.
  await passesByItself(page, 'destination-rules');

  // Reset: the passes stay recorded but the badge no longer claims the environment holds them.
  page.once('dialog', (d) => d.accept());
  await page.locator('[data-action="reset-env"]').click();
  for (const id of ['destination-rules', 'route-all-v1']) {
    await expect(step(page, id)).toHaveAttribute('data-badge-state', 'reset-since', { timeout: 30_000 });
    await expect(step(page, id).locator('[data-badge]')).toHaveText(
      lang === 'ko' ? '예전에 통과 · 그 뒤 환경 초기화' : 'Passed earlier · environment reset since',
    );
  }
  const checked = await pressCheck(page, 'route-all-v1');
  await expect(checked).toHaveAttribute('data-ok', 'false');
  await expect(step(page, 'route-all-v1')).toHaveAttribute('data-badge-state', 'reset-since');
  await expect(step(page, 'route-all-v1').locator('[data-badge]')).not.toContainText('✓');

  // Solve again: both solutions run (nothing is done in this environment's life), the check passes, the badge too.
  page.once('dialog', (d) => d.accept());
  await step(page, 'route-all-v1').locator('[data-action="solve"]').click();
  await expect(step(page, 'route-all-v1').locator('[data-result] [data-ran-step]')).toHaveCount(2, { timeout: 90_000 });
  await expect(step(page, 'route-all-v1').locator('[data-result]')).toHaveAttribute('data-ok', 'true');
  await expect(step(page, 'route-all-v1')).toHaveAttribute('data-badge-state', 'passed');
  await passesByItself(page, 'destination-rules');
});
