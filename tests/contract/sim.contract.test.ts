/** The contract suite against the simulator (virtual clock), in `npm test`. */
import { createSimBackend } from '../../lab-server/src/backends/sim/index.ts';
import { defineContractSuite } from './contract.suite.ts';

defineContractSuite('sim', {
  makeBackend: async () => createSimBackend({ clock: 'virtual' }),
  prepareTimeoutMs: 30_000,
  settleTimeoutMs: 5_000,
});
