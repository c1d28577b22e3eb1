/** The contract suite against the pooled simulator (environments in worker threads), in `npm test`. */
import { createPoolBackend } from '../../lab-server/src/backends/pool/index.ts';
import { defineContractSuite } from './contract.suite.ts';

defineContractSuite('sim (worker pool)', {
  makeBackend: async () => createPoolBackend({ clock: 'virtual', workers: 1 }),
  prepareTimeoutMs: 60_000,
  settleTimeoutMs: 10_000,
});
