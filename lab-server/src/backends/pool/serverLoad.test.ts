import { describe, expect, it } from 'vitest';
import { BUSY_SERVER_SHARE, QUIET_SERVER_SHARE, ServerLoad, busyShare, othersFraction } from './serverLoad.ts';

describe('busyShare', () => {
  it('gives a busy environment a fifth of a core while the others leave the machine nearly idle', () => {
    expect(busyShare(0)).toBe(QUIET_SERVER_SHARE);
    expect(busyShare(0.1)).toBe(QUIET_SERVER_SHARE);
    expect(QUIET_SERVER_SHARE).toBe(1 / 5);
  });

  it('a tenth once the others use 30 % of the machine or more', () => {
    expect(busyShare(0.3)).toBe(BUSY_SERVER_SHARE);
    expect(busyShare(0.95)).toBe(BUSY_SERVER_SHARE);
    expect(BUSY_SERVER_SHARE).toBe(1 / 10);
  });

  it('shrinks along a line between, never below the busy share nor above the quiet one', () => {
    expect(busyShare(0.2)).toBeCloseTo(0.15);
    let previous = Number.POSITIVE_INFINITY;
    for (let f = 0; f <= 1; f += 0.01) {
      const share = busyShare(f);
      expect(share).toBeLessThanOrEqual(previous);
      expect(share).toBeGreaterThanOrEqual(BUSY_SERVER_SHARE);
      expect(share).toBeLessThanOrEqual(QUIET_SERVER_SHARE);
      previous = share;
    }
  });

  it('reads a load it cannot make sense of as a quiet server (as before)', () => {
    expect(busyShare(Number.NaN)).toBe(QUIET_SERVER_SHARE);
    expect(busyShare(-1)).toBe(QUIET_SERVER_SHARE);
  });
});

describe('othersFraction', () => {
  const halfLifeMs = 2_000;
  /** What a decaying sum holds for a steady use of `cores`. */
  const held = (cores: number) => (cores * halfLifeMs) / Math.LN2;

  it("leaves out the busy environment's own use: alone on the server, the others use nothing", () => {
    expect(othersFraction({ serverCores: 0.2, ownRecentMs: held(0.2), halfLifeMs, cores: 2 })).toBeCloseTo(0);
  });

  it("is the rest of the process's use, as a share of the machine's cores", () => {
    expect(othersFraction({ serverCores: 1, ownRecentMs: held(0.2), halfLifeMs, cores: 2 })).toBeCloseTo(0.4);
    expect(othersFraction({ serverCores: 1, ownRecentMs: 0, halfLifeMs, cores: 4 })).toBeCloseTo(0.25);
  });

  it('never reads below nothing (an own sum still high from a burst that ended)', () => {
    expect(othersFraction({ serverCores: 0.1, ownRecentMs: held(0.5), halfLifeMs, cores: 2 })).toBe(0);
  });
});

describe('ServerLoad', () => {
  it('reads CPU time over wall time, in cores, settling on a steady rate', () => {
    let now = 0;
    let cpu = 0;
    const load = new ServerLoad({ cpuMs: () => cpu, now: () => now, halfLifeMs: 1_000, sampleMs: 250 });
    expect(load.cores).toBe(0);
    // 1.5 cores for 10 s.
    for (let i = 0; i < 40; i++) {
      now += 250;
      cpu += 375;
      load.cores;
    }
    expect(load.cores).toBeCloseTo(1.5, 2);
  });

  it('moves by half of a change in a half-life', () => {
    let now = 0;
    let cpu = 0;
    const load = new ServerLoad({ cpuMs: () => cpu, now: () => now, halfLifeMs: 1_000, sampleMs: 250 });
    now = 1_000;
    cpu = 1_000; // one core for a second, from nothing
    expect(load.cores).toBeCloseTo(0.5);
  });

  it('samples at most every sampleMs: reads in between keep the last figure without asking for the CPU', () => {
    let now = 0;
    let asked = 0;
    const load = new ServerLoad({
      cpuMs: () => {
        asked++;
        return now;
      },
      now: () => now,
      sampleMs: 250,
    });
    now = 300;
    const first = load.cores;
    const askedThen = asked;
    now = 400;
    expect(load.cores).toBe(first);
    expect(asked).toBe(askedThen);
  });
});
