import { describe, expect, it } from 'vitest';
import { ForegroundFirst } from './foregroundFirst.ts';

/** Whether `promise` has settled once pending promise jobs have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('ForegroundFirst', () => {
  it('lets a background series go at once when no learner series of a lower order runs', () => {
    const order = new ForegroundFirst();
    expect(order.whenClear(10)).toBeUndefined();
    const end = order.begin(20); // began after it: does not hold it back
    expect(order.whenClear(10)).toBeUndefined();
    end();
  });

  it('holds a background series until every learner series begun before it has ended', async () => {
    const order = new ForegroundFirst();
    const endFirst = order.begin(1);
    const endSecond = order.begin(2);
    const later = order.begin(50);
    const wait = order.whenClear(10)!;
    expect(wait).toBeDefined();
    expect(order.waiting).toBe(1);
    endSecond();
    expect(await settled(wait)).toBe(false);
    endFirst();
    endFirst(); // ending twice changes nothing
    expect(await settled(wait)).toBe(true);
    expect(order.waiting).toBe(0);
    later();
  });

  it('counts series that began at the same order apart', async () => {
    const order = new ForegroundFirst();
    const a = order.begin(5);
    const b = order.begin(5);
    const wait = order.whenClear(6)!;
    a();
    expect(await settled(wait)).toBe(false);
    b();
    expect(await settled(wait)).toBe(true);
  });

  it('ends the wait of a background series that is stopped meanwhile', async () => {
    const order = new ForegroundFirst();
    const end = order.begin(1);
    const controller = new AbortController();
    const wait = order.whenClear(10, controller.signal)!;
    expect(await settled(wait)).toBe(false);
    controller.abort();
    expect(await settled(wait)).toBe(true);
    expect(order.waiting).toBe(0);
    expect(order.whenClear(10, controller.signal)).toBeUndefined();
    end();
  });
});
