/** What a learner does on a lab page, shared by the specs: find a step, Run a block, open and apply a file, Check. */
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures.ts';

/** A step's section on the page. */
export const step = (page: Page, id: string): Locator => page.locator(`section.labs-step[data-step="${id}"]`);

/** A file's editor in the workspace. */
export const editor = (page: Page, file: string): Locator => page.locator(`.labs-editor[data-file="${file}"]`);

/** Presses Run on the step's first code block whose command contains `text`. */
export async function runBlock(page: Page, stepId: string, text: string): Promise<void> {
  const run = step(page, stepId).locator(`button.labs-run[data-code*="${text}"]`).first();
  await run.scrollIntoViewIfNeeded();
  await run.click();
}

/** Opens a file in the workspace's editor from its card in the lesson (the workspace holds the editors). */
export async function openEditor(page: Page, file: string): Promise<Locator> {
  const open = page
    .locator('[data-ws-card="editor"]', { has: page.locator('code', { hasText: file }) })
    .locator('button');
  await open.scrollIntoViewIfNeeded();
  await open.click();
  const root = editor(page, file);
  await expect(root).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  return root;
}

/** Opens a file and presses Apply; returns what the Apply printed once it succeeded. */
export async function applyEditor(page: Page, file: string): Promise<string> {
  const root = await openEditor(page, file);
  await root.locator('[data-action="apply"]').click();
  await expect(root.locator('[data-output]')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
  return root.locator('[data-output]').innerText();
}

/** Presses Check on a step and waits for its result to be the expected one. */
export async function checkStep(page: Page, id: string, expected: 'passed' | 'failed'): Promise<void> {
  const s = step(page, id);
  await s.locator('[data-action="check"]').scrollIntoViewIfNeeded();
  await s.locator('[data-action="check"]').click();
  await expect(s.locator('[data-result]')).toBeVisible({ timeout: 90_000 });
  await expect(s.locator('[data-action="check"]')).toBeEnabled({ timeout: 90_000 });
  // A failure shows what the check said (its explanation and evidence), not only the step's status.
  const said = async () => (await s.locator('[data-result]').textContent())?.replace(/\s+/g, ' ').trim();
  if (expected === 'passed')
    await expect(s, `the check said: ${await said()}`).toHaveAttribute('data-status', 'passed', { timeout: 30_000 });
  else await expect(s.locator('[data-result]')).toHaveAttribute('data-ok', 'false');
}

/** Presses Solve on a step (accepting its confirmation) and waits until the solution ran. */
export async function solveStep(page: Page, id: string): Promise<void> {
  page.once('dialog', (d) => d.accept());
  await step(page, id).locator('[data-action="solve"]').click();
  await expect(step(page, id).locator(`[data-result] [data-ran-step="${id}"]`)).toBeVisible({ timeout: 120_000 });
}
