/** A settled cluster's snapshot (asked after every terminal command): made again only when something changed. */
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { createRandom } from '../random.ts';
import { createSimCluster } from './index.ts';
import { MemoryLogStore } from './logs.ts';

type Snapshot = ReturnType<Awaited<ReturnType<typeof cluster>>['snapshot']>;
const hasConfigMap = (s: Snapshot) =>
  [...s.store.objects.values()].some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cm');

async function cluster() {
  const c = createSimCluster({
    clock: new SimulationClock('virtual', Date.UTC(2026, 10, 24, 10, 0, 0)),
    random: createRandom(5),
  });
  await c.idle();
  return c;
}

describe('cluster snapshot', () => {
  it('hands out the same objects, logs and events while nothing changes, and new ones once something does', async () => {
    const c = await cluster();
    const first = c.snapshot();
    const again = c.snapshot();
    expect(again.store).toBe(first.store);
    expect(again.logs).toBe(first.logs);
    expect(again.events).toBe(first.events);

    c.logs.append('default', 'p', 'app', 'hello');
    const logged = c.snapshot();
    expect(logged.logs).not.toBe(first.logs);
    expect(logged.logs.get('default/p/app')?.map((l) => l.text)).toEqual(['hello']);
    expect(logged.store).toBe(first.store);

    c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { a: '1' } });
    await c.idle();
    const written = c.snapshot();
    expect(written.store).not.toBe(first.store);
    expect(hasConfigMap(written)).toBe(true);
    expect(hasConfigMap(first)).toBe(false);

    c.delete('ConfigMap', 'default', 'cm');
    await c.idle();
    const removed = c.snapshot();
    expect(removed.store).not.toBe(written.store);
    expect(hasConfigMap(removed)).toBe(false);
  });

  it("makes the logs' snapshot again when a pod's logs are forgotten", () => {
    const logs = new MemoryLogStore(new SimulationClock('virtual', 0));
    logs.append('default', 'p', 'app', 'hello');
    const kept = logs.snapshot();
    expect(logs.snapshot()).toBe(kept);
    logs.forgetPod('default', 'p');
    expect(logs.snapshot().has('default/p/app')).toBe(false);
    expect(kept.get('default/p/app')?.length).toBe(1);
  });

  it('has new events once an event is recorded', async () => {
    const c = await cluster();
    const before = c.snapshot();
    c.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'docker.io/curlimages/curl:8.16.0' }] },
        },
      },
    });
    await c.idle();
    const after = c.snapshot();
    expect(after.events).not.toBe(before.events);
    expect(after.events.order.length).toBeGreaterThan(before.events.order.length);
    expect(c.snapshot().events).toBe(after.events);
  });
});
