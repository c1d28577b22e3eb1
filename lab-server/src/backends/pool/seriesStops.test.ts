import { describe, expect, it } from 'vitest';
import { SeriesStops } from './seriesStops.ts';

describe('SeriesStops', () => {
  it('keeps a stop that comes while a series waits for its pace: the series begins stopped', () => {
    const stops = new SeriesStops();
    stops.wait('1:7');
    stops.stop('1:7', new Error('the check is over'));
    const controller = stops.begin('1:7');
    expect(controller.signal.aborted).toBe(true);
    expect(() => controller.signal.throwIfAborted()).toThrow('the check is over');
  });

  it('stops a running series, and only that one', () => {
    const stops = new SeriesStops();
    const first = stops.begin('1:1');
    const second = stops.begin('1:2');
    stops.stop('1:2', new Error('stopped'));
    expect(first.signal.aborted).toBe(false);
    expect(second.signal.aborted).toBe(true);
  });

  it('begins a series that was not stopped unaborted, and keeps nothing once series end or are dropped', () => {
    const stops = new SeriesStops();
    stops.wait('2:1');
    expect(stops.begin('2:1').signal.aborted).toBe(false);
    stops.end('2:1');
    stops.wait('2:2');
    stops.drop('2:2');
    // A stop for a series that already ended is not kept for anyone.
    stops.stop('2:1', new Error('late'));
    expect(stops.size).toBe(0);
    expect(stops.begin('2:1').signal.aborted).toBe(false);
  });
});
