/** A proxy's access-log line: written as one line formatted when read, or as lines of text when a field has a newline. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../contract.ts';
import { MemoryLogStore } from '../cluster/logs.ts';
import { formatAccessLog, type AccessLogEntry } from './accessLog.ts';
import { writeAccessLog, type MeshEnv } from './env.ts';
import type { MeshSettings } from './meshConfig.ts';
import { VirtualClock } from './testing/fakeCluster.ts';

function proxyLogs(accessLogFile: string) {
  const clock = new VirtualClock(1_000);
  const logs = new MemoryLogStore(clock);
  const env = { clock, cluster: { logs }, settings: () => ({ accessLogFile }) as MeshSettings } as unknown as MeshEnv;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sleep-1', namespace: 'default' } } as K8sObject;
  return { env, pod, read: () => logs.read('default', 'sleep-1', 'istio-proxy') };
}

const entry: AccessLogEntry = {
  startMs: Date.UTC(2026, 10, 24, 10, 2, 43, 120),
  method: 'GET',
  path: '/headers',
  code: 200,
  bytesReceived: 0,
  bytesSent: 599,
  durationMs: 3,
  userAgent: 'curl/8.16.0',
};

describe('writeAccessLog', () => {
  it('writes the formatted line, stamped with the clock, and knows its length before anyone reads it', () => {
    const { env, pod, read } = proxyLogs('/dev/stdout');
    writeAccessLog(env, pod, entry);
    const [line, ...rest] = read();
    expect(rest).toEqual([]);
    expect(line?.at).toBe(1_000);
    expect(line?.chars).toBe(formatAccessLog(entry).length);
    expect(line?.text).toBe(formatAccessLog(entry));
  });

  it('splits a line whose request brought a newline into lines, as any text written to a log is', () => {
    const { env, pod, read } = proxyLogs('/dev/stdout');
    writeAccessLog(env, pod, { ...entry, userAgent: 'a\nb' });
    expect(read().map((l) => l.text)).toEqual(formatAccessLog({ ...entry, userAgent: 'a\nb' }).split('\n'));
  });

  it('writes nothing while the mesh has no access log file', () => {
    const { env, pod, read } = proxyLogs('');
    writeAccessLog(env, pod, entry);
    expect(read()).toEqual([]);
  });
});
