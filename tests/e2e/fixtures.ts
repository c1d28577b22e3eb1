/** Helpers shared by the end-to-end tests: the project's language, its URL prefix, and reading the terminal. */
import { type BrowserContextOptions, expect, test as base, type Page } from '@playwright/test';

/** The language of the running project (`ko` or `en`). */
export type Lang = 'ko' | 'en';

/** Opens a page in a browser context of its own (another person: an instructor, a second learner). */
export type OpenPage = (options?: BrowserContextOptions) => Promise<Page>;

export const test = base.extend<{ lang: Lang; prefix: string; openPage: OpenPage }>({
  lang: async ({}, use, testInfo) => use(testInfo.project.name === 'en' ? 'en' : 'ko'),
  prefix: async ({ lang }, use) => use(lang === 'en' ? '/en' : ''),
  // The browser outlives a test; its contexts must not, or their terminals and live dashboards keep running
  // (and drawing into later tests' failure screenshots).
  openPage: async ({ browser }, use) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    await use(async (options) => {
      const context = await browser.newContext(options);
      contexts.push(context);
      return context.newPage();
    });
    await Promise.all(contexts.map((c) => c.close()));
  },
});

export { expect };

/** The text the page's terminal shows (xterm's accessibility-free DOM rows). */
export async function terminalText(page: Page): Promise<string> {
  // xterm.js stops rendering while the terminal is off screen; a learner looking at it sees it drawn.
  await page.locator('[data-terminal]').scrollIntoViewIfNeeded();
  return page.locator('.xterm-rows').innerText();
}

/** Waits until the terminal is attached and shows a prompt. */
export async function terminalReady(page: Page): Promise<void> {
  await expect(page.locator('[data-terminal][data-connected="true"]')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('root@istio-labs');
}

/** Types into the terminal as a learner would, then Enter. */
export async function typeInTerminal(page: Page, line: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
}

/** A fresh browser session: no stored token, no kept edits. */
export async function freshSession(page: Page): Promise<void> {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
}
