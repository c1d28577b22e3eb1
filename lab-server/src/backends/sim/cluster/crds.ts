/**
 * The CustomResourceDefinitions Istio's install puts in the cluster (1.30's `base` chart), built from the same
 * discovery rows the API server serves them by, so `kubectl get crd` and `api-resources` always agree.
 * Their OpenAPI schemas are left out: the simulator validates Istio objects with its own tables.
 */
import type { K8sObject } from '../../../contract.ts';
import { API_RESOURCES } from './discovery.ts';

/** Istio's CRDs as objects. */
export function istioCrdObjects(): K8sObject[] {
  return API_RESOURCES.filter((r) => r.crd).map((r) => {
    const storage = r.group === 'telemetry.istio.io' ? 'v1alpha1' : r.versions[0];
    const names = {
      categories: r.categories ?? [],
      kind: r.kind,
      listKind: `${r.kind}List`,
      plural: r.plural,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      singular: r.singular,
    };
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: `${r.plural}.${r.group}`,
        labels: { app: 'istio-pilot', chart: 'istio', heritage: 'Tiller', release: 'istio' },
        annotations: { 'helm.sh/resource-policy': 'keep' },
      },
      spec: {
        group: r.group,
        names,
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        versions: [...r.versions]
          .sort()
          .map((name) => ({ name, served: true, storage: name === storage, subresources: { status: {} } })),
      },
      status: {
        acceptedNames: names,
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          },
        ],
        storedVersions: [storage],
      },
    };
  });
}
