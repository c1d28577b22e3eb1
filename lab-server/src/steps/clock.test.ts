import { describe, expect, it } from 'vitest';
import { StepClock } from './clock.ts';

const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 10, minute));
const ids = ['one', 'two', 'three', 'four'];

describe('StepClock', () => {
  it('starts every step with the environment until an earlier step is done', () => {
    const clock = new StepClock(ids, t(0));
    expect(ids.map((id) => clock.began(id))).toEqual([t(0), t(0), t(0), t(0)]);
    clock.markDone('one', t(5));
    expect(ids.map((id) => clock.began(id))).toEqual([t(0), t(5), t(5), t(5)]);
  });

  it('begins a step when the latest earlier step was done, whichever order they were done in', () => {
    const clock = new StepClock(ids, t(0));
    clock.markDone('two', t(3));
    clock.markDone('one', t(7));
    expect(clock.began('three')).toEqual(t(7));
    // A step's own pass and later steps' passes do not move its start.
    clock.markDone('four', t(9));
    expect(clock.began('three')).toEqual(t(7));
    expect(clock.began('one')).toEqual(t(0));
  });

  it('keeps the first time a step was done', () => {
    const clock = new StepClock(ids, t(0));
    clock.markDone('one', t(2));
    clock.markDone('one', t(8));
    expect(clock.doneAt('one')).toEqual(t(2));
    expect(clock.began('two')).toEqual(t(2));
  });

  it('forgets every step on reset and starts again from the reset', () => {
    const clock = new StepClock(ids, t(0));
    clock.markDone('one', t(2));
    clock.reset(t(10));
    expect(clock.startedAt).toEqual(t(10));
    expect(clock.doneAt('one')).toBeUndefined();
    expect(clock.began('two')).toEqual(t(10));
  });

  it('counts steps recorded before a restart only when they belong to this environment life', () => {
    const earlier = new Map([
      ['one', t(1)],
      ['two', t(12)],
    ]);
    const clock = new StepClock(ids, t(10), earlier);
    expect(clock.doneAt('one')).toBeUndefined();
    expect(clock.began('two')).toEqual(t(10));
    expect(clock.began('three')).toEqual(t(12));
  });

  it('begins an unknown step with the environment', () => {
    const clock = new StepClock(ids, t(0));
    clock.markDone('one', t(4));
    expect(clock.began('nope')).toEqual(t(0));
  });
});
