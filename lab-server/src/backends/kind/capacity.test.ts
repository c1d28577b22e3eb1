import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../contract.ts';
import { clusterCapacity, cpuMillis, learnerFootprint, memoryMiB, podRequests, sidecarRequests } from './capacity.ts';

const node = (name: string, cpu: string, memory: string, pods = '110', extra: Partial<K8sObject> = {}): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: {},
  status: { allocatable: { cpu, memory, pods }, conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});
const pod = (name: string, namespace: string, cpu: string, memory: string, nodeName = 'n1'): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { nodeName, containers: [{ name: 'c', resources: { requests: { cpu, memory } } }] },
  status: { phase: 'Running' },
});

describe('quantities', () => {
  it.each([
    ['250m', 250],
    ['1', 1000],
    ['0.5', 500],
    ['2', 2000],
    ['', 0],
    ['lots', 0],
  ])('cpu %s is %d millicores', (q, m) => expect(cpuMillis(q)).toBe(m));

  it.each([
    ['128Mi', 128],
    ['1Gi', 1024],
    ['1048576', 1],
    ['500M', 476.837158203125],
    ['64Ki', 0.0625],
    ['x', 0],
  ])('memory %s is %d MiB', (q, m) => expect(memoryMiB(q)).toBeCloseTo(m, 6));
});

describe("one learner's footprint", () => {
  it("follows the injector's sidecar requests: demo profile (10m, 40Mi) or Istio's default (100m, 128Mi)", () => {
    const demo = sidecarRequests({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio-sidecar-injector' },
      data: {
        values: JSON.stringify({ global: { proxy: { resources: { requests: { cpu: '10m', memory: '40Mi' } } } } }),
      },
    });
    expect(demo).toEqual({ cpuMillis: 10, memoryMiB: 40 });
    expect(sidecarRequests(null)).toEqual({ cpuMillis: 100, memoryMiB: 128 });
    // 7 app pods x (app 10m/32Mi + sidecar) + gateway 50m/64Mi + toolbox 20m/64Mi.
    expect(learnerFootprint(demo)).toEqual({ cpuMillis: 7 * 20 + 70, memoryMiB: 7 * 72 + 128, pods: 9 });
    expect(learnerFootprint(sidecarRequests(null))).toEqual({
      cpuMillis: 7 * 110 + 70,
      memoryMiB: 7 * 160 + 128,
      pods: 9,
    });
  });

  it("counts a pod's requests as the scheduler does: containers summed, or a larger init container", () => {
    const p = pod('a', 'x', '100m', '64Mi');
    (p.spec as { initContainers: object[] }).initContainers = [
      { name: 'init', resources: { requests: { cpu: '500m', memory: '16Mi' } } },
    ];
    expect(podRequests(p)).toEqual({ cpuMillis: 500, memoryMiB: 64 });
  });

  it("adds native sidecars (init containers that keep running) to the pod's containers", () => {
    const p = pod('a', 'x', '10m', '32Mi');
    (p.spec as { initContainers: object[] }).initContainers = [
      { name: 'istio-validation', resources: { requests: { cpu: '10m', memory: '10Mi' } } },
      { name: 'istio-proxy', restartPolicy: 'Always', resources: { requests: { cpu: '10m', memory: '40Mi' } } },
    ];
    expect(podRequests(p)).toEqual({ cpuMillis: 20, memoryMiB: 72 });
  });
});

describe('cluster capacity', () => {
  const perLearner = { cpuMillis: 210, memoryMiB: 632, pods: 9 };

  it("divides what non-lab pods leave on Ready, schedulable nodes by one learner's footprint", () => {
    const capacity = clusterCapacity({
      nodes: [
        node('n1', '4', '16Gi'),
        node('n2', '4', '16Gi'),
        node('cordoned', '64', '256Gi', '110', { spec: { unschedulable: true } }),
      ],
      pods: [
        pod('istiod', 'istio-system', '500m', '2Gi'),
        pod('learner-app', 'lab-ada-1', '3', '10Gi'),
        pod('elsewhere', 'kube-system', '4', '1Gi', 'cordoned'),
      ],
      isLabPod: (p) => p.metadata.namespace!.startsWith('lab-'),
      perLearner,
      nodePortsInUse: 3,
    });
    expect(capacity.free).toEqual({ cpuMillis: 7500, memoryMiB: 30 * 1024, pods: 219 });
    expect(capacity.maxLearners).toBe(24);
    expect(capacity.limitedBy).toBe('pods');
  });

  it('says which resource runs out first, and never less than zero', () => {
    const small = clusterCapacity({
      nodes: [node('n1', '2', '2Gi')],
      pods: [pod('big', 'kube-system', '100m', '3Gi')],
      isLabPod: () => false,
      perLearner,
      nodePortsInUse: 0,
    });
    expect(small).toMatchObject({ maxLearners: 0, limitedBy: 'memory' });
    const ports = clusterCapacity({
      nodes: [node('n1', '1000', '4000Gi', '5000')],
      pods: [],
      isLabPod: () => false,
      perLearner,
      nodePortsInUse: 2760,
    });
    expect(ports).toMatchObject({ maxLearners: 4, limitedBy: 'node ports' });
  });
});
