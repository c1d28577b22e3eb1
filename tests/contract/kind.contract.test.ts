/**
 * The contract suite against a real kind cluster (made by `npx labs cluster up`). It runs only when LABS_KIND=1,
 * as in .github/workflows/kind-e2e.yml; elsewhere vitest reports it skipped, with the reason in its name. With
 * LABS_KIND_CLASSROOM=1 it runs in classroom mode, plus the classroom suite: two learners at once, each applying the
 * same Gateway and VirtualService and seeing only their own routes.
 */
import { describe } from 'vitest';
import { defineClassroomContractSuite } from './classroom.suite.ts';
import { defineContractSuite, type ContractSuiteOptions } from './contract.suite.ts';

const classroom = process.env.LABS_KIND_CLASSROOM === '1';
const options: ContractSuiteOptions = {
  makeBackend: async () => {
    const { createKindBackend } = await import('../../lab-server/src/backends/kind/index.ts');
    return createKindBackend({ classroom });
  },
  prepareTimeoutMs: 600_000,
  settleTimeoutMs: 60_000,
};

describe.skipIf(process.env.LABS_KIND !== '1')('on kind (needs LABS_KIND=1, Docker and "npx labs cluster up")', () => {
  defineContractSuite(classroom ? 'kind, classroom' : 'kind', options);
  if (classroom) defineClassroomContractSuite('kind', options);
});
