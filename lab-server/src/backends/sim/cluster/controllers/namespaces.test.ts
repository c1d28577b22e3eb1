import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../../contract.ts';
import { terminationSeconds } from './namespaces.ts';

const pod = (spec: Record<string, unknown>): K8sObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }) as K8sObject;

describe('terminationSeconds', () => {
  it("is the sidecar's drain, or nothing for an app alone, within the grace period", () => {
    expect(terminationSeconds(pod({ containers: [{ name: 'app' }] }))).toBe(0);
    expect(terminationSeconds(pod({ containers: [{ name: 'app' }, { name: 'istio-proxy' }] }))).toBe(5);
    expect(
      terminationSeconds(
        pod({ containers: [{ name: 'app' }], initContainers: [{ name: 'istio-proxy', restartPolicy: 'Always' }] }),
      ),
    ).toBe(5);
    expect(
      terminationSeconds(
        pod({ terminationGracePeriodSeconds: 0, containers: [{ name: 'app' }, { name: 'istio-proxy' }] }),
      ),
    ).toBe(0);
    expect(
      terminationSeconds(
        pod({ terminationGracePeriodSeconds: 2, containers: [{ name: 'app' }, { name: 'istio-proxy' }] }),
      ),
    ).toBe(2);
  });
});
