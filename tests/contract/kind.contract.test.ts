/**
 * The contract suite against a real kind cluster (made by `npx labs cluster up`). It runs only when
 * LABS_KIND=1, as in .github/workflows/kind-e2e.yml; elsewhere it says why it did not run.
 */
import { describe, it } from 'vitest';
import { defineContractSuite } from './contract.suite.ts';

if (process.env.LABS_KIND === '1') {
  defineContractSuite('kind', {
    makeBackend: async () => {
      const { createKindBackend } = await import('../../lab-server/src/backends/kind/index.ts');
      return createKindBackend({ classroom: process.env.LABS_KIND_CLASSROOM === '1' });
    },
    prepareTimeoutMs: 600_000,
    settleTimeoutMs: 60_000,
  });
} else {
  const why = 'LABS_KIND is not 1; it needs Docker and a cluster from "npx labs cluster up"';
  console.warn(`backend contract: kind: not run (${why})`);
  describe.runIf(false)(`backend contract: kind (not run: ${why})`, () => {
    it('needs a kind cluster', () => undefined);
  });
}
