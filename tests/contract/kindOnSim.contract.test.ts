/**
 * The contract suite against the kind backend's own code, on a simulated API server (simKubeApi.ts) instead of a
 * cluster, in `npm test`: one learner, a class (a namespace and a gateway per learner), and two learners of a class
 * applying the same Gateway and VirtualService. The same suites run against kind in .github/workflows/kind-e2e.yml.
 */
import { gatewayExposure, kindBackendFromParts } from '../../lab-server/src/backends/kind/index.ts';
import { loadSamples } from '../../lab-server/src/backends/kind/sharedObjects.ts';
import { defineClassroomContractSuite } from './classroom.suite.ts';
import { defineContractSuite } from './contract.suite.ts';
import { SimKubeApi } from './simKubeApi.ts';

const makeBackend = (classroom: boolean) => async () =>
  kindBackendFromParts({
    api: new SimKubeApi(),
    classroom,
    gateway: gatewayExposure({ kind: true, classroom }),
    samples: loadSamples(),
  });

defineContractSuite('kind on a simulated API server, one learner', {
  makeBackend: makeBackend(false),
  prepareTimeoutMs: 60_000,
  settleTimeoutMs: 10_000,
});

defineContractSuite('kind on a simulated API server, classroom', {
  makeBackend: makeBackend(true),
  prepareTimeoutMs: 60_000,
  settleTimeoutMs: 10_000,
});

defineClassroomContractSuite('kind on a simulated API server', {
  makeBackend: makeBackend(true),
  prepareTimeoutMs: 60_000,
  settleTimeoutMs: 10_000,
});
