/** The frame every lab lives in, in a real browser, in both languages. */
import { loadAllLabs } from '../../lab-server/src/labs/load.ts';
import { expect, freshSession, terminalReady, terminalText, test, typeInTerminal } from './fixtures.ts';

/** The chapters and their status as the lab files say, so the tests follow the labs as they land. */
const labs = loadAllLabs();
const CHAPTERS = labs.map((l) => l.id);
const labStatus = new Map(labs.map((l) => [l.id, l.status]));
const statusOf = (id: string) => labStatus.get(id) ?? 'planned';

test('the home page lists the chapters in order with their status', async ({ page, prefix }) => {
  expect(CHAPTERS.slice(0, 4)).toEqual(['traffic-shifting', 'mirroring', 'ingress', 'egress']);
  await page.goto(`${prefix}/`);
  const chapters = page.locator('.labs-chapters li');
  await expect(chapters).toHaveCount(CHAPTERS.length);
  expect(await chapters.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.chapter))).toEqual([
    ...CHAPTERS,
  ]);
  for (const id of CHAPTERS)
    await expect(page.locator(`.labs-chapters li[data-chapter="${id}"]`)).toHaveAttribute('data-status', statusOf(id));
});

test('every chapter page has its lab, or says honestly that it is in preparation', async ({ page, prefix, lang }) => {
  for (const id of CHAPTERS) {
    await page.goto(`${prefix}/${id}/`);
    if (statusOf(id) === 'ready') {
      await expect(page.locator('[data-terminal]')).toHaveCount(1);
      await expect(
        page.locator('aside.starlight-aside', { hasText: lang === 'ko' ? '실습 준비 중' : 'Lab in preparation' }),
      ).toHaveCount(0);
    } else {
      await expect(page.locator('aside.starlight-aside')).toContainText(
        lang === 'ko' ? '실습 준비 중' : 'Lab in preparation',
      );
      await expect(page.locator('[data-terminal]')).toHaveCount(0);
    }
  }
});

test('the terminal runs commands, keeps the session over a reload, and Run buttons execute code blocks', async ({
  page,
  prefix,
  lang,
}, testInfo) => {
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  await terminalReady(page);
  await typeInTerminal(page, 'echo hello-$((6*7))');
  await expect.poll(() => terminalText(page)).toContain('hello-42');
  await typeInTerminal(
    page,
    'MARK=kept-over-reload; cat samples/bookinfo/networking/destination-rule-all.yaml | head -3',
  );
  await expect.poll(() => terminalText(page)).toContain('kind: DestinationRule');

  await page.reload();
  await terminalReady(page);
  // The scrollback comes back, and the shell is the same one (its variables are still set).
  await expect.poll(() => terminalText(page)).toContain('hello-42');
  await expect.poll(() => terminalText(page)).toContain(lang === 'ko' ? '다시 연결했습니다' : 'Reconnected');
  await typeInTerminal(page, 'echo "$MARK"');
  await expect.poll(() => terminalText(page)).toContain('kept-over-reload');
  // Typed after the replayed prompt, as in a terminal that never went away.
  await expect.poll(() => terminalText(page)).toMatch(/root@istio-labs:~# echo "\$MARK"/);

  // The lesson's first shell block is `kubectl get pods`.
  const run = page.locator('.labs-run').first();
  await run.scrollIntoViewIfNeeded();
  await run.click();
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toMatch(/productpage-v1-\S+\s+2\/2\s+Running/);

  await page.screenshot({ path: testInfo.outputPath(`lesson-${testInfo.project.name}.png`), fullPage: true });
  await testInfo.attach(`lesson-${testInfo.project.name}`, {
    path: testInfo.outputPath(`lesson-${testInfo.project.name}.png`),
    contentType: 'image/png',
  });
});

test('paste (Ctrl-V) sends a multi-line heredoc to the shell, Ctrl-Shift-C copies the selection', async ({
  page,
  context,
  prefix,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  await terminalReady(page);
  await page.evaluate(() => navigator.clipboard.writeText('cat <<EOF\npasted-$((40+2))\nEOF\n'));
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.press('Control+V');
  // The heredoc's body came in as lines on the `> ` prompt, and the shell ran it once EOF arrived.
  await expect.poll(() => terminalText(page)).toContain('pasted-42');
  await expect.poll(() => terminalText(page)).toContain('> EOF');

  const row = page.locator('.xterm-rows > div', { hasText: /^pasted-42\s*$/ }).first();
  const box = (await row.boundingBox())!;
  await page.mouse.click(box.x + 5, box.y + box.height / 2, { clickCount: 3 });
  await page.keyboard.press('Control+Shift+C');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^pasted-42\s*$/);
});

test('a token the server no longer knows is replaced and the terminal attaches', async ({ page, prefix }) => {
  await freshSession(page);
  await page.evaluate(() => localStorage.setItem('labs.session', 'stale-token-from-an-earlier-server'));
  await page.goto(`${prefix}/traffic-shifting/`);
  await terminalReady(page);
  expect(await page.evaluate(() => localStorage.getItem('labs.session'))).not.toBe(
    'stale-token-from-an-earlier-server',
  );
});

test('the language switcher keeps the session and its progress', async ({ page, prefix, lang }) => {
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  const step = page.locator('section.labs-step[data-step="destination-rules"]');
  await step.locator('[data-action="solve"]').scrollIntoViewIfNeeded();
  page.once('dialog', (d) => d.accept());
  await step.locator('[data-action="solve"]').click();
  await expect(step.locator('[data-result]')).toBeVisible({ timeout: 60_000 });
  await step.locator('[data-action="check"]').click();
  await expect(step).toHaveAttribute('data-status', 'passed', { timeout: 60_000 });
  const other = lang === 'ko' ? 'en' : 'ko';
  await page
    .locator('starlight-lang-select select')
    .first()
    .selectOption({ label: other === 'en' ? 'English' : '한국어' });
  await expect(page).toHaveURL(other === 'en' ? /\/en\/traffic-shifting\/$/ : /\/traffic-shifting\/$/);
  await expect(page.locator('section.labs-step[data-step="destination-rules"]')).toHaveAttribute(
    'data-status',
    'passed',
  );
  await expect(page.locator('nav a[href$="/traffic-shifting/"] .labs-sidebar-mark').first()).toContainText('1/7');
});

test('search works offline (Pagefind)', async ({ page, prefix }) => {
  await page.goto(`${prefix}/`);
  await page.locator('site-search button[data-open-modal]').first().click();
  await page.locator('site-search input').first().fill('VirtualService');
  await expect(page.locator('.pagefind-ui__result').first()).toBeVisible({ timeout: 15_000 });
});
