/** A learner working through the Traffic Shifting lesson in a real browser, in both languages. */
import type { Locator } from '@playwright/test';
import { expect, freshSession, terminalReady, terminalText, test } from './fixtures.ts';
import { applyEditor, checkStep as check, editor, openEditor, runBlock, step } from './labPage.ts';

/** The editor's text area (CodeMirror's content). */
const editorText = (root: Locator) => root.locator('.cm-content');

test('the editor shows schema errors as you type, keeps edits over a reload, resets, and applies', async ({
  page,
  prefix,
}) => {
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  const root = await openEditor(page, 'virtual-service-all-v1.yaml');
  // Opening from the lesson puts the cursor in the file.
  await expect(editorText(root)).toBeFocused();
  // A misspelt field in the last destination (the file ends `subset: v1`, `---`): the schema marks it.
  await page.keyboard.press('Control+End');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('rout: []', { delay: 10 });
  await expect(root.locator('.cm-lintRange-error').first()).toBeVisible({ timeout: 20_000 });
  // Fix it: the marker goes.
  for (let i = 0; i < 8; i++) await page.keyboard.press('Backspace');
  await expect(root.locator('.cm-lintRange-error')).toHaveCount(0, { timeout: 20_000 });
  await page.keyboard.type('# learner note', { delay: 5 });

  await page.reload();
  const again = await openEditor(page, 'virtual-service-all-v1.yaml');
  // CodeMirror draws only the lines in view: go to the end, where the note was typed.
  await editorText(again).click();
  await page.keyboard.press('Control+End');
  await expect(editorText(again)).toContainText('# learner note');
  expect(
    await page.evaluate(() => localStorage.getItem('labs.editor.traffic-shifting.virtual-service-all-v1.yaml')),
  ).toContain('# learner note');

  page.once('dialog', (d) => d.accept());
  await again.locator('[data-action="reset"]').click();
  await expect(editorText(again)).not.toContainText('# learner note');
  expect(
    await page.evaluate(() => localStorage.getItem('labs.editor.traffic-shifting.virtual-service-all-v1.yaml')),
  ).toBeNull();

  const output = await applyEditor(page, 'destination-rule-all.yaml');
  expect(output).toMatch(/destinationrule\.networking\.istio\.io\/reviews (created|unchanged)/);
});

test("the editor offers the schema's fields, explains them on hover, and Apply shows kubectl's refusal in red", async ({
  page,
  prefix,
  lang,
}) => {
  await freshSession(page);
  // A learner's earlier edit with a misspelt field, kept from a previous visit.
  const kept =
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts:\n  - ' +
    'reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v3\n      wieght: 100\n';
  await page.evaluate(
    (text) => localStorage.setItem('labs.editor.traffic-shifting.virtual-service-reviews-v3.yaml', text),
    kept,
  );
  await page.goto(`${prefix}/traffic-shifting/`);
  const root = await openEditor(page, 'virtual-service-reviews-v3.yaml');
  await expect(root).toHaveAttribute('data-edited', 'true');
  await expect(root.locator('.cm-lintRange-error').first()).toBeVisible({ timeout: 20_000 });
  // The problem in the page's language, where the field is.
  await root.locator('.cm-lintRange-error').first().hover();
  await expect(page.locator('.cm-tooltip-lint').first()).toContainText(
    lang === 'ko' ? '"wieght" 필드는 여기에 올 수 없습니다.' : 'Field "wieght" is not allowed here.',
  );
  // Apply from the keyboard, inside the editor.
  await editorText(root).click();
  await page.keyboard.press('Control+Enter');
  const output = root.locator('[data-output]');
  await expect(output).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(output).toContainText('unknown field "spec.http[0].route[0].wieght"');
  await expect(output).toContainText(lang === 'ko' ? '종료 코드 1' : 'exit code 1');

  // Hover over a field: its description in the page's language.
  const weights = await openEditor(page, 'virtual-service-reviews-50-v3.yaml');
  await editorText(weights).getByText('weight', { exact: true }).first().hover();
  await expect(
    page
      .locator('.cm-tooltip-hover')
      .filter({ hasText: lang === 'ko' ? '상대 비율' : 'Relative share' })
      .first(),
  ).toBeVisible({ timeout: 20_000 });

  // Completion at a route entry offers the fields it may still have.
  await editorText(weights).click();
  await page.keyboard.press('Control+End');
  // The file ends with a newline: go up to the last `weight: 50`, then open a line at its indentation.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+Space');
  await expect(page.locator('.cm-tooltip-autocomplete li', { hasText: 'headers' }).first()).toBeVisible({
    timeout: 20_000,
  });
  await page.keyboard.press('Escape');
});

test("a step's check fails before it is done, Solve does it in the terminal, and the step stays passed", async ({
  page,
  prefix,
  lang,
}) => {
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  await terminalReady(page);
  await check(page, 'route-all-v1', 'failed');
  await expect(step(page, 'route-all-v1').locator('[data-result]')).toContainText(lang === 'ko' ? '별' : 'stars');
  // Hints one at a time.
  // Hints one at a time, each saying which of how many it is.
  const hint = step(page, 'route-all-v1').locator('[data-action="hint"]');
  const shownHints = step(page, 'route-all-v1').locator('[data-hint]:not([data-hidden])');
  await expect(shownHints).toHaveCount(0);
  await hint.click();
  await expect(shownHints).toHaveCount(1);
  await expect(shownHints.first()).toHaveAttribute('open', '');
  await expect(shownHints.first().locator('summary')).toHaveText(lang === 'ko' ? '힌트 1 / 3' : 'Hint 1 of 3');
  await hint.click();
  await expect(shownHints).toHaveCount(2);
  // Solve brings the environment up to this step: the first step's solution runs too, and the page says so.
  page.once('dialog', (d) => d.accept());
  await step(page, 'route-all-v1').locator('[data-action="solve"]').click();
  const ran = step(page, 'route-all-v1').locator('[data-result] [data-ran-step]');
  await expect(ran).toHaveCount(2, { timeout: 90_000 });
  await expect(ran.nth(0)).toHaveAttribute('data-ran-step', 'destination-rules');
  await expect(ran.nth(1)).toContainText('virtual-service-all-v1.yaml');
  await expect
    .poll(() => terminalText(page), { timeout: 30_000 })
    .toContain('virtualservice.networking.istio.io/reviews created');
  await check(page, 'route-all-v1', 'passed');
  // The first step's solution ran too: the server checked it by itself after those commands.
  await expect(step(page, 'destination-rules')).toHaveAttribute('data-status', 'passed', { timeout: 60_000 });
  await page.reload();
  await expect(step(page, 'route-all-v1')).toHaveAttribute('data-status', 'passed');
  await expect(step(page, 'route-all-v1').locator('[data-mark]')).toHaveText('✓');
  await expect(step(page, 'destination-rules')).toHaveAttribute('data-status', 'passed');
  await expect(step(page, 'see-no-stars')).toHaveAttribute('data-status', 'none');
  await expect(page.locator('nav a[href$="/traffic-shifting/"] .labs-sidebar-mark').first()).toContainText('2/7');
  // The other language's page of the same lesson: same session, same progress.
  await page.goto(lang === 'ko' ? '/en/traffic-shifting/' : '/traffic-shifting/');
  await expect(step(page, 'route-all-v1')).toHaveAttribute('data-status', 'passed');
  await expect(step(page, 'route-all-v1').locator('[data-badge]')).toContainText(lang === 'ko' ? 'Passed' : '통과');
  // The home page's chapter list marks the chapter too.
  await page.goto(`${prefix}/`);
  // (its total from the lab file, which every page carries)
  await expect(page.locator('.labs-chapters [data-chapter="traffic-shifting"] .labs-sidebar-mark')).toHaveText('✓ 2/7');
  await expect(page.locator('.labs-chapters [data-chapter="mirroring"] .labs-sidebar-mark')).toHaveCount(0);
});

test("the whole lab through the page: Run buttons, the Editor's Apply, the terminal, Preview, every step passes", async ({
  page,
  prefix,
}, testInfo) => {
  test.setTimeout(420_000);
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  await terminalReady(page);

  await runBlock(page, 'destination-rules', 'destination-rule-all.yaml');
  await expect
    .poll(() => terminalText(page), { timeout: 30_000 })
    .toContain('destinationrule.networking.istio.io/details created');
  await check(page, 'destination-rules', 'passed');

  await applyEditor(page, 'virtual-service-all-v1.yaml');
  await check(page, 'route-all-v1', 'passed');

  // One Preview in the workspace; the lesson's places for it open it (and load the page once).
  const preview = page.locator('.labs-preview');
  await expect(preview).toHaveCount(1);
  await page.locator('[data-ws-card="preview"] button').first().click();
  await expect(preview).toHaveAttribute('data-count', '1', { timeout: 30_000 });
  for (let i = 1; i < 3; i++) {
    await preview.locator('[data-action="refresh"]').click();
    await expect(preview).toHaveAttribute('data-count', String(i + 1), { timeout: 30_000 });
    await expect(preview).toHaveAttribute('data-stars', 'none');
    await expect(preview).toHaveAttribute('data-version', 'v1');
  }
  // The page itself, with its styles, in a frame of its own origin; the status line names the pod.
  await expect(preview.locator('iframe')).toHaveAttribute('sandbox', 'allow-scripts allow-forms');
  await expect(preview).toHaveAttribute('data-missing', '0');
  await expect(preview.locator('iframe').contentFrame().getByText('Book Details').first()).toBeVisible();
  await expect(preview.locator('[data-preview-status]')).toContainText(/HTTP 200 · .* · reviews-v1-/);
  await check(page, 'see-no-stars', 'passed');

  await applyEditor(page, 'virtual-service-reviews-50-v3.yaml');
  await check(page, 'shift-50-v3', 'passed');

  await runBlock(page, 'read-virtualservice', 'kubectl get virtualservice reviews -o yaml');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('weight: 50');
  await check(page, 'read-virtualservice', 'passed');

  const second = page.locator('.labs-preview');
  const seen = new Set<string>();
  await page.locator('[data-ws-card="preview"] button').nth(1).click();
  const before = Number(await second.getAttribute('data-count'));
  for (let i = 1; i <= 12 && seen.size < 2; i++) {
    await second.locator('[data-action="refresh"]').click();
    await expect(second).toHaveAttribute('data-count', String(before + i), { timeout: 30_000 });
    seen.add(`${await second.getAttribute('data-version')} ${await second.getAttribute('data-stars')}`);
  }
  expect([...seen].sort()).toEqual(['v1 none', 'v3 red']);
  // The traffic view counts the same requests per version from the sidecars' logs: v1 and v3, never v2.
  const traffic = page.locator('.labs-traffic');
  await page.locator('[data-ws-card="traffic"] button').first().click();
  await expect(traffic.locator('[data-version="v3"]')).toBeVisible({ timeout: 15_000 });
  expect(Number(await traffic.locator('[data-version="v3"]').getAttribute('data-requests'))).toBeGreaterThan(0);
  expect(Number(await traffic.locator('[data-version="v2"]').getAttribute('data-requests'))).toBe(0);
  // The check reads the learner's own requests: count 100 pages in the terminal, as the lesson does.
  await runBlock(page, 'see-no-stars', 'export GATEWAY_URL');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('172.18.0.2:30080');
  await runBlock(page, 'see-red-half', 'gap-x-1 text-red-500');
  await expect.poll(() => terminalText(page), { timeout: 90_000 }).toMatch(/^ *\d+ no-red\n *\d+ red$/m);
  await check(page, 'see-red-half', 'passed');

  await applyEditor(page, 'virtual-service-reviews-v3.yaml');
  await check(page, 'shift-100-v3', 'passed');

  // Bookinfo 1.20's Tailwind page in a frame that runs no scripts: its stars still read as small red stars.
  // The Traffic view took the Preview's place in the workspace: bring the Preview back first.
  await page.locator('[data-ws-card="preview"] button').nth(1).click();
  const count = Number(await second.getAttribute('data-count'));
  await second.locator('[data-action="refresh"]').click();
  await expect(second).toHaveAttribute('data-count', String(count + 1), { timeout: 30_000 });
  await expect(second).toHaveAttribute('data-stars', 'red');
  const star = second.locator('iframe').contentFrame().locator('svg[id="glyphicon glyphicon-star"]').first();
  await expect(star).toBeVisible();
  expect((await star.boundingBox())?.width).toBeLessThanOrEqual(24);
  await expect(star).toHaveCSS('color', 'rgb(239, 68, 68)');

  await expect(page.locator('section.labs-step[data-status="passed"]')).toHaveCount(7);
  await expect(page.locator('nav a[href$="/traffic-shifting/"] .labs-sidebar-mark').first()).toContainText('7/7');
  await page.screenshot({ path: testInfo.outputPath(`lab-complete-${testInfo.project.name}.png`), fullPage: true });
  await testInfo.attach(`lab-complete-${testInfo.project.name}`, {
    path: testInfo.outputPath(`lab-complete-${testInfo.project.name}.png`),
    contentType: 'image/png',
  });
});

test('the Mirroring lab through the page: Run, Apply, Solve, every step passes', async ({ page, prefix }) => {
  test.setTimeout(240_000);
  await freshSession(page);
  await page.goto(`${prefix}/mirroring/`);
  await terminalReady(page);
  // The seed's own manifest fails on today's Kubernetes, in the terminal as in a real one.
  await runBlock(page, 'deploy-httpbin', 'samples/seed/original/httpbin-v1.yaml');
  // Long lines wrap at the terminal's width: compare without the row breaks.
  await expect
    .poll(async () => (await terminalText(page)).replace(/\n/g, ''), { timeout: 30_000 })
    .toContain('no matches for kind "Deployment" in version "extensions/v1beta1"');
  await runBlock(page, 'deploy-httpbin', 'samples/seed/httpbin-v2.yaml');
  // The lesson waits on the Deployments (pods may not exist yet right after apply).
  await expect
    .poll(() => terminalText(page), { timeout: 60_000 })
    .toContain('deployment.apps/httpbin-v2 condition met');
  await check(page, 'deploy-httpbin', 'passed');
  await applyEditor(page, 'httpbin-route-v1.yaml');
  await check(page, 'route-v1', 'passed');
  // The checks read the learner's own requests: send them as the lesson does.
  await runBlock(page, 'only-v1-logs', 'export SLEEP_POD');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('"X-Envoy-Attempt-Count": "1"');
  await runBlock(page, 'only-v1-logs', 'export V1_POD');
  await check(page, 'only-v1-logs', 'passed');
  await applyEditor(page, 'httpbin-mirror-v2.yaml');
  await runBlock(page, 'mirror-v2', 'kubectl exec $SLEEP_POD');
  await check(page, 'mirror-v2', 'passed');
  page.once('dialog', (d) => d.accept());
  await step(page, 'shadow-host').locator('[data-action="solve"]').click();
  await expect(step(page, 'shadow-host').locator('[data-result] [data-ran-step="shadow-host"]')).toBeVisible({
    timeout: 90_000,
  });
  await check(page, 'shadow-host', 'passed');
  await expect(page.locator('section.labs-step[data-status="passed"]')).toHaveCount(5);
});

test('the Ingress lab through the page: the terminal finds the address, the Editor applies the Gateway, Preview shows /headers', async ({
  page,
  prefix,
}) => {
  test.setTimeout(240_000);
  await freshSession(page);
  await page.goto(`${prefix}/ingress/`);
  await terminalReady(page);
  await runBlock(page, 'ingress-address', 'INGRESS_PORT=');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('172.18.0.2:30080');
  await check(page, 'ingress-address', 'passed');
  await check(page, 'gateway', 'failed');
  await applyEditor(page, 'httpbin-gateway.yaml');
  await check(page, 'gateway', 'passed');
  await runBlock(page, 'route-status', '/status/200');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('server: istio-envoy');
  await check(page, 'route-status', 'passed');
  // The check reads the learner's own request in the gateway's log.
  await runBlock(page, 'headers-404', '/headers');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('404 Not Found');
  await check(page, 'headers-404', 'passed');
  await applyEditor(page, 'httpbin-gateway-wildcard.yaml');
  const preview = page.locator('.labs-preview');
  await page.locator('[data-ws-card="preview"] button').first().click();
  await preview.locator('[data-action="refresh"]').click();
  await expect(preview.locator('[data-preview-status]')).toContainText('HTTP 200', { timeout: 30_000 });
  await check(page, 'browser-headers', 'passed');
  await expect(page.locator('section.labs-step[data-status="passed"]')).toHaveCount(5);
});

test('the lesson reads without JavaScript: step titles, prose, hints and the files are there, the buttons are not', async ({
  browser,
  prefix,
  lang,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${prefix}/traffic-shifting/`);
  const first = step(page, 'route-all-v1');
  await expect(first.locator('h3')).toContainText(
    lang === 'ko' ? '모든 트래픽을 v1으로 보내기' : 'Send all traffic to v1',
  );
  await expect(first.locator('[data-controls]')).toBeHidden();
  // The Istio API's hints; the Gateway API's are in the page too, hidden without JavaScript.
  const hints = first.locator('[data-hint]:not([data-api-variant="gateway"])');
  await expect(hints).toHaveCount(3);
  await expect(first.locator('[data-hint][data-api-variant="gateway"]').first()).toBeHidden();
  await hints.nth(2).locator('summary').click();
  await expect(hints.nth(2)).toContainText('virtual-service-all-v1.yaml');
  const file = editor(page, 'virtual-service-all-v1.yaml');
  await expect(file.locator('pre.labs-editor-static')).toContainText('subset: v1');
  await expect(file.locator('[data-action="apply"]')).toBeHidden();
  await expect(page.locator('.labs-preview iframe').first()).toBeHidden();
  await context.close();
});
