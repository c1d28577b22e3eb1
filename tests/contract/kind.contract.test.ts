/**
 * The contract suite against a real kind cluster (made by `npx labs cluster up`). It runs only when LABS_KIND=1,
 * as in .github/workflows/kind-e2e.yml; elsewhere vitest reports it skipped, with the reason in its name.
 */
import { describe } from 'vitest';
import { defineContractSuite } from './contract.suite.ts';

describe.skipIf(process.env.LABS_KIND !== '1')('on kind (needs LABS_KIND=1, Docker and "npx labs cluster up")', () => {
  defineContractSuite('kind', {
    makeBackend: async () => {
      const { createKindBackend } = await import('../../lab-server/src/backends/kind/index.ts');
      return createKindBackend({ classroom: process.env.LABS_KIND_CLASSROOM === '1' });
    },
    prepareTimeoutMs: 600_000,
    settleTimeoutMs: 60_000,
  });
});
