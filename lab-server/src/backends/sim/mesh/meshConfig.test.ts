/** The `istio` ConfigMap's `mesh` YAML, as the proxies read it: the text in force now, parsed once while it stands. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../contract.ts';
import type { SimClusterApi } from '../types.ts';
import { readMeshConfig } from './meshConfig.ts';

/** A cluster whose `istio` ConfigMap holds `mesh` (none when undefined). */
function clusterWithMesh(): { cluster: SimClusterApi; set(mesh: string | undefined): void } {
  let configMap: K8sObject | undefined;
  const cluster = { get: () => configMap } as unknown as SimClusterApi;
  return {
    cluster,
    set(mesh) {
      configMap =
        mesh === undefined
          ? undefined
          : {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'istio', namespace: 'istio-system' },
              data: { mesh },
            };
    },
  };
}

describe('readMeshConfig', () => {
  it('reads the text in force at each call, whatever was read before, and the defaults for a broken or missing one', () => {
    const { cluster, set } = clusterWithMesh();
    set('accessLogFile: /dev/stdout\n');
    expect(readMeshConfig(cluster)).toEqual({ accessLogFile: '/dev/stdout' });
    set('outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n');
    expect(readMeshConfig(cluster)).toEqual({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    set('accessLogFile: /dev/stdout\n');
    expect(readMeshConfig(cluster)).toEqual({ accessLogFile: '/dev/stdout' });
    set('accessLogFile: [unclosed\n');
    expect(readMeshConfig(cluster)).toEqual({});
    set(undefined);
    expect(readMeshConfig(cluster)).toEqual({});
  });

  it('parses one text once, and what it gives is shared, so nobody can change it', () => {
    const { cluster, set } = clusterWithMesh();
    set('defaultConfig:\n  tracing:\n    zipkin: {address: zipkin:9411}\n');
    const first = readMeshConfig(cluster);
    // Another environment's ConfigMap: an equal text, made anew.
    set(['defaultConfig:', '  tracing:', '    zipkin: {address: zipkin:9411}', ''].join('\n'));
    expect(readMeshConfig(cluster)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen((first.defaultConfig as { tracing: object }).tracing)).toBe(true);
    expect(() => {
      (first as Record<string, unknown>).accessLogFile = '/dev/stdout';
    }).toThrow(TypeError);
  });
});
