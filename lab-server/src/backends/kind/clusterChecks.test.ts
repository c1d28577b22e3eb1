import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../contract.ts';
import { findClusterProblems, inspectCluster, type ClusterCheckOptions } from './clusterChecks.ts';
import { labServerClusterRole } from './labServerAccess.ts';
import { FakeKubeApi } from './testing/fakeKubeApi.ts';

const CLASS: ClusterCheckOptions = { context: 'workshop', classroom: true, istioFix: 'see docs/kube.md' };

function istiod(version: string, env: Record<string, string> = {}): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istiod', namespace: 'istio-system' },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'discovery',
              image: `docker.io/istio/pilot:${version}-distroless`,
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
            },
          ],
        },
      },
    },
  };
}

const injector = (templates: string[]): K8sObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
  data: {
    config: `policy: enabled\ntemplates:\n${templates.map((t) => `  ${t}: |\n    spec: {}\n`).join('')}`,
    values: '{"global":{"proxy":{"resources":{"requests":{"cpu":"10m","memory":"40Mi"}}}}}',
  },
});

const node: K8sObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1' },
  spec: {},
  status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
};

/** A cluster ready for a class: Istio 1.30 scoped, the gateway template, a node, and an account allowed everything. */
function readyCluster(): FakeKubeApi {
  const api = new FakeKubeApi();
  api.add(istiod('1.30.0', { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' }));
  api.add(injector(['sidecar', 'gateway', 'grpc-agent']));
  api.add(node);
  api.createHandler = (object) =>
    object.kind === 'SelfSubjectAccessReview' ? { ...object, status: { allowed: true } } : object;
  return api;
}

describe('cluster checks', () => {
  it('finds nothing wrong on a cluster ready for a class, and says so line by line', async () => {
    const checks = await inspectCluster(readyCluster(), CLASS);
    expect(checks.map((c) => c.ok)).toEqual([true, true, true, true, true, true, true]);
    expect(checks.map((c) => c.line)).toEqual([
      'Cluster (context workshop) answers',
      'Istio 1.30.0',
      "Gateways are scoped to their namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true): learners' routes never meet",
      "Istio's gateway injection template is there (each environment's own ingress gateway)",
      "NodePort Services are allowed (each learner's gateway takes 2 node ports)",
      "The lab server's account (context workshop) has every permission the labs need",
      expect.stringMatching(
        new RegExp(
          '^Capacity: room for 12 learners \\(limited by pods; free: 8 CPU, 32\\.0Gi memory, 110 pods; .*; ' +
            'each learner namespace has a quota of 2 CPU',
        ),
      ),
    ]);
  });

  it('turns an unreachable API into one line and stops there', async () => {
    const api = new FakeKubeApi();
    api.resolveKind = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6443\n    at TCPConnectWrap');
    };
    expect(await findClusterProblems(api, CLASS)).toEqual([
      'cluster (workshop): not reachable (connect ECONNREFUSED 127.0.0.1:6443)',
    ]);
  });

  it('names a missing Istio, a wrong version, a missing scope setting and a missing gateway template', async () => {
    const none = readyCluster();
    none.objects.delete('Deployment/istio-system/istiod');
    expect(await findClusterProblems(none, CLASS)).toEqual([
      'istio: istiod is not installed in istio-system; see docs/kube.md',
    ]);
    const old = readyCluster();
    old.add(istiod('1.29.2'));
    old.add(injector(['sidecar']));
    expect(await findClusterProblems(old, CLASS)).toEqual([
      'istio: istiod runs 1.29.2; the labs need 1.30.x; see docs/kube.md',
      'istio: istiod runs without PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true, ' +
        "so every learner's Gateway would bind to every learner's gateway; see docs/kube.md",
      'istio: the sidecar injector (ConfigMap istio-system/istio-sidecar-injector) has no "gateway" template; see docs/kube.md',
    ]);
  });

  it('does not need namespace-scoped gateways for one learner', async () => {
    const api = readyCluster();
    api.add(istiod('1.30.1'));
    expect(await findClusterProblems(api, { ...CLASS, classroom: false })).toEqual([]);
  });

  it('names the permissions the lab server lacks, and NodePorts refused by the API server', async () => {
    const api = readyCluster();
    api.createHandler = (object, options) => {
      if (object.kind === 'Service' && options.dryRun)
        throw new Error(
          'services "labs-preflight-nodeport" is forbidden: exceeded quota: q, limited: services.nodeports=0',
        );
      const attrs = (object.spec as { resourceAttributes: { resource: string; subresource?: string } })
        .resourceAttributes;
      return { ...object, status: { allowed: !(attrs.resource === 'pods' && attrs.subresource === 'portforward') } };
    };
    expect(await findClusterProblems(api, CLASS)).toEqual([
      'ingress: the API server refuses a NodePort Service (services "labs-preflight-nodeport" is forbidden: ' +
        "exceeded quota: q, limited: services.nodeports=0); each learner's gateway needs one",
      "permissions: the lab server's account (context workshop) may not get pods/portforward, " +
        'create pods/portforward; bind it to cluster-admin or to kind/lab-server-role.yaml',
    ]);
    // The dry run stores nothing.
    expect(api.callsOf('create').find(([kind]) => kind === 'Service')).toEqual([
      'Service',
      'default',
      'labs-preflight-nodeport',
      true,
    ]);
  });

  it('refuses a class on a cluster with no room for one learner, but not one learner', async () => {
    const api = readyCluster();
    api.add({
      ...node,
      status: { ...(node.status as object), allocatable: { cpu: '100m', memory: '32Gi', pods: '110' } },
    });
    expect(await findClusterProblems(api, CLASS)).toEqual([
      expect.stringMatching(/^capacity: the cluster has no room for a learner: room for 0 learners \(limited by cpu;/),
    ]);
    expect(await findClusterProblems(api, { ...CLASS, classroom: false })).toEqual([]);
  });

  it('asks about every rule of the ClusterRole it tells instructors to bind', async () => {
    const api = readyCluster();
    await inspectCluster(api, CLASS);
    const asked = api.callsOf('create').filter(([kind]) => kind === 'SelfSubjectAccessReview');
    const rules = labServerClusterRole().rules as { resources: string[]; verbs: string[] }[];
    expect(asked.length).toBe(rules.reduce((n, r) => n + r.resources.length * r.verbs.length, 0));
  });
});
