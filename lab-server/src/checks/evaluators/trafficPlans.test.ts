/** `prepareTrafficPlans`: what a server works out before it listens, so a class's first Check need not. */
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../labs/load.ts';
import { plansKnown } from '../sequential.ts';
import { DEFAULT_LIMITS } from '../types.ts';
import { prepareTrafficPlans } from './traffic.ts';

describe('prepareTrafficPlans', () => {
  it("works out every traffic check's plans once, through `all` checks and Gateway API variants", () => {
    const lab = loadLab('traffic-shifting');
    const checks = lab.steps.flatMap((s) => [s.check, s.gateway?.check].filter((c) => c !== undefined));
    const before = plansKnown();
    const prepared = prepareTrafficPlans(checks, DEFAULT_LIMITS);
    expect(prepared).toBeGreaterThanOrEqual(2);
    // The 50/50 and 80/20 steps need plans of their own; the 100 % steps need none (no share is uncertain).
    expect(plansKnown()).toBeGreaterThan(before);
    const after = plansKnown();
    expect(prepareTrafficPlans(checks, DEFAULT_LIMITS)).toBe(prepared);
    expect(plansKnown()).toBe(after);
    expect(prepareTrafficPlans([{ type: 'all', timeoutSeconds: 5, checks }], DEFAULT_LIMITS)).toBe(prepared);
  });
});
