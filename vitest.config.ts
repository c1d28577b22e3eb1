import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'lab-server/**/*.test.ts',
      'src/**/*.test.ts',
      'tests/unit/**/*.test.ts',
      'tests/contract/**/*.test.ts',
      'tests/classroom/**/*.test.ts',
      'tests/hostile/**/*.test.ts',
      'tests/doctests/**/*.test.ts',
      'content/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    environment: 'node',
    // Whole-lab tests (labs verify over every step) take seconds alone and much longer on a busy 2-core machine.
    testTimeout: 120_000,
  },
});
