import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../contract.ts';
import { pickContainer, pickPod } from './pods.ts';

function pod(name: string, created: string, extra: Partial<K8sObject> = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: created },
    spec: { containers: [{ name: 'app' }] },
    status: { phase: 'Running' },
    ...extra,
  };
}

describe('pickPod', () => {
  it('takes the oldest running pod, whatever the names say', () => {
    const older = pod('b-pod', '2026-12-06T10:00:00Z');
    const newer = pod('a-pod', '2026-12-06T10:05:00Z');
    expect(pickPod([newer, older])?.metadata.name).toBe('b-pod');
  });

  it('breaks ties by name and skips pods that are not running or are being deleted', () => {
    const pending = pod('a', '2026-12-06T09:00:00Z', { status: { phase: 'Pending' } });
    const deleting = pod('b', '2026-12-06T09:00:00Z');
    deleting.metadata.deletionTimestamp = '2026-12-06T10:00:00Z';
    const d = pod('d', '2026-12-06T10:00:00Z');
    const c = pod('c', '2026-12-06T10:00:00Z');
    expect(pickPod([pending, deleting, d, c])?.metadata.name).toBe('c');
    expect(pickPod([pending])).toBeUndefined();
  });
});

describe('pickContainer', () => {
  const injected = pod('reviews-v1-abc', '2026-12-06T10:00:00Z', {
    spec: {
      initContainers: [{ name: 'istio-init' }, { name: 'istio-proxy' }],
      containers: [{ name: 'reviews' }],
    },
  });
  injected.metadata.annotations = { 'kubectl.kubernetes.io/default-container': 'reviews' };

  it("defaults to the annotation's container, else the first container", () => {
    expect(pickContainer(injected)).toEqual({ container: 'reviews' });
    expect(pickContainer(pod('p', 'x'))).toEqual({ container: 'app' });
  });

  it('accepts a native sidecar (an init container) by name', () => {
    expect(pickContainer(injected, 'istio-proxy')).toEqual({ container: 'istio-proxy' });
  });

  it("refuses an unknown container in kubectl's words", () => {
    expect(pickContainer(injected, 'nope')).toEqual({
      error: 'error: container nope is not valid for pod reviews-v1-abc',
    });
  });
});
