import { describe, expect, it } from 'vitest';
import { SliceQueue } from './sliceQueue.ts';

/** A loop whose turns the test runs by hand. */
function manualLoop() {
  const turns: (() => void)[] = [];
  return {
    schedule: (run: () => void) => turns.push(run),
    /** Runs the callbacks scheduled before this turn (those scheduled during it wait for the next), then their promise jobs. */
    async turn(): Promise<number> {
      const now = turns.splice(0);
      for (const run of now) run();
      await new Promise((resolve) => setImmediate(resolve));
      return now.length;
    },
  };
}

describe('SliceQueue', () => {
  it('runs one waiting slice per turn of the loop, the oldest work first', async () => {
    const loop = manualLoop();
    const queue = new SliceQueue(loop.schedule);
    const ran: number[] = [];
    for (const order of [3, 1, 2]) void queue.wait(order).then(() => ran.push(order));
    expect(queue.size).toBe(3);
    expect(await loop.turn()).toBe(1);
    expect(ran).toEqual([1]);
    await loop.turn();
    expect(ran).toEqual([1, 2]);
    await loop.turn();
    expect(ran).toEqual([1, 2, 3]);
    expect(await loop.turn()).toBe(0);
  });

  it('lets older work that comes back go before younger work still waiting', async () => {
    const loop = manualLoop();
    const queue = new SliceQueue(loop.schedule);
    const ran: number[] = [];
    void queue.wait(5).then(() => ran.push(5));
    void queue.wait(9).then(() => ran.push(9));
    await loop.turn();
    void queue.wait(2).then(() => ran.push(2));
    await loop.turn();
    await loop.turn();
    expect(ran).toEqual([5, 2, 9]);
  });

  it('calls beforeResume in the slice’s own turn, before the slice goes on', async () => {
    const loop = manualLoop();
    const queue = new SliceQueue(loop.schedule);
    const seen: string[] = [];
    const done = queue.wait(1, () => seen.push('charged')).then(() => seen.push('slice'));
    expect(seen).toEqual([]);
    await loop.turn();
    await done;
    expect(seen).toEqual(['charged', 'slice']);
  });
});
