/**
 * End-to-end tests in a real browser against the built site served by the lab server (simulator backend).
 * Two projects, `ko` and `en`: every learner-facing test runs in both languages. Debian's Chromium is used
 * where it is installed (Playwright cannot download its own here); elsewhere Playwright's own browser.
 */
import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const PORT = Number(process.env.LABS_E2E_PORT ?? 4399);
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

const launchOptions = systemChromium
  ? {
      executablePath: systemChromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    }
  : {};

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions,
  },
  projects: [
    { name: 'ko', use: { ...devices['Desktop Chrome'], locale: 'ko-KR', launchOptions } },
    { name: 'en', use: { ...devices['Desktop Chrome'], locale: 'en-US', launchOptions } },
  ],
  webServer: {
    command: `node bin/labs.mjs serve --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    env: { LABS_QUIET: '1' },
  },
});
