// Runs the contract suites (and the workflow test) on their own: `npx vitest run --config tests/contract/vitest.config.ts`.
// The kind workflow uses it with LABS_KIND=1.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  test: {
    include: ['tests/contract/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
