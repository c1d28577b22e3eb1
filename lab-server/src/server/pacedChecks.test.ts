/** A learner pressing Check again and again is paced; a Check now and then, and an Apply meanwhile, never wait. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadLab } from '../labs/load.ts';
import { createLabServer, type LabServer } from './app.ts';
import { createFakeBackend } from './fakeBackend.ts';
import { CHECK_HALF_LIFE_MS, CHECK_SHARE } from './labRuntime.ts';

const lab = loadLab('traffic-shifting');
const servers: LabServer[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const s of servers.splice(0)) await s.close();
});

async function instance() {
  const server = createLabServer({ backend: createFakeBackend(), labs: [lab] });
  servers.push(server);
  const { session } = await server.parts.sessions.create();
  return server.parts.runtime.instance(session.id, lab.id);
}

describe('paced Checks', () => {
  it('holds the next Check of a learner whose Checks took more than their share of the time lately', async () => {
    const i = await instance();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    // A Check that took 10 s (a traffic check on a busy server): far above its share of the time lately.
    await i.paced(async () => {
      vi.setSystemTime(Date.now() + 10_000);
    });
    let ran = false;
    const next = i.paced(async () => {
      ran = true;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ran).toBe(false);
    // Meanwhile an Apply (or a reset) of the same learner goes at once: the pause is not taken in its queue.
    let applied = false;
    await i.exclusive(async () => {
      applied = true;
    });
    expect(applied).toBe(true);
    // It runs once its recent Check time has decayed to its share: log2(10 s / limit) half-lives.
    const limit = (CHECK_SHARE * CHECK_HALF_LIFE_MS) / Math.LN2;
    await vi.advanceTimersByTimeAsync(CHECK_HALF_LIFE_MS * Math.log2(10_000 / limit));
    await next;
    expect(ran).toBe(true);
  });

  it('lets a Check now and then go at once', async () => {
    const i = await instance();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await i.paced(async () => {
      vi.setSystemTime(Date.now() + 300);
    });
    let ran = false;
    const next = i.paced(async () => {
      ran = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    await next;
    expect(ran).toBe(true);
  });
});
