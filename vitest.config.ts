import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['lab-server/**/*.test.ts', 'src/**/*.test.ts', 'tests/unit/**/*.test.ts', 'tests/contract/**/*.test.ts', 'tests/classroom/**/*.test.ts', 'content/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
