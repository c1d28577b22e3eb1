import { describe, expect, it } from 'vitest';
import type { CommandRecord } from '../contract.ts';
import { historyUpTo } from '../steps/commandState.ts';
import { type HistoryQuery, type HistoryScan, scanHistory } from './historyScan.ts';
import { createRandom } from '../backends/sim/random.ts';

/** Reads the whole history, as the `ran` check did before scans were kept. */
function readWhole(history: readonly CommandRecord[], query: HistoryQuery): HistoryScan {
  const pattern = new RegExp(query.pattern);
  const inWindow = history.filter((r) => {
    const at = Date.parse(r.at);
    return at >= query.from && at <= query.to;
  });
  const matching = inWindow.filter((r) => pattern.test(r.line));
  return {
    count: inWindow.length,
    recent: inWindow.slice(-5),
    good: matching.find((r) => r.exitCode === query.exitCode),
    last: matching.at(-1),
  };
}

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const LINES = ['kubectl get vs reviews -o yaml', 'kubectl get pods', 'curl -s productpage:9080', 'kubectl get vs'];
const PATTERNS = ['^kubectl get (vs|virtualservice) reviews -o yaml$', '\\bget\\b', '^curl'];

describe('scanHistory', () => {
  it('finds what reading the whole history finds, whatever histories and windows it is asked about in turn', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = createRandom(seed).next;
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      // One environment's commands, as a backend keeps them: appended, the oldest dropped past a bound.
      const cap = 5 + Math.floor(random() * 30);
      let live: CommandRecord[] = [];
      let clock = T0;
      const begins = [T0 - 1_000, T0 + 20_000, T0 + 60_000];
      for (let step = 0; step < 300; step++) {
        clock += Math.floor(random() * 2_000);
        // Mostly in order; now and then a command that began earlier comes back later (a second terminal), is
        // written with an offset, or carries a time nothing can read.
        const roll = random();
        const at =
          roll < 0.08
            ? new Date(clock - 5_000).toISOString()
            : roll < 0.12
              ? new Date(clock).toISOString().replace('Z', '+00:00')
              : roll < 0.14
                ? 'not a time'
                : new Date(clock).toISOString();
        live = [...live, { line: pick(LINES), exitCode: random() < 0.7 ? 0 : 1, at }];
        if (live.length > cap) live = live.slice(live.length - cap);
        // Checks after the command: on the live history, and on a frozen state's (a first part, or filtered).
        for (let look = Math.floor(random() * 3); look >= 0; look--) {
          const history =
            random() < 0.7 || live.length === 0
              ? live
              : random() < 0.5
                ? historyUpTo(live, pick(live))
                : historyUpTo(live, { line: 'gone', exitCode: 0, at: new Date(clock - 3_000).toISOString() });
          const query: HistoryQuery = {
            pattern: pick(PATTERNS),
            exitCode: random() < 0.8 ? 0 : 1,
            from: pick(begins),
            to: random() < 0.8 ? clock + 1 : clock - Math.floor(random() * 6_000),
          };
          const found = scanHistory(history, query);
          const whole = readWhole(history, query);
          expect({ ...found, recent: [...found.recent] }, `seed ${seed}, command ${step}`).toEqual(whole);
          expect(found.good).toBe(whole.good);
          expect(found.last).toBe(whole.last);
          for (const [i, r] of found.recent.entries()) expect(r).toBe(whole.recent[i]);
        }
      }
    }
  });

  it('reads only the records added since the last scan of the same history', () => {
    const records: CommandRecord[] = Array.from({ length: 50 }, (_, i) => ({
      line: `kubectl get pods ${i}`,
      exitCode: 0,
      at: new Date(T0 + i).toISOString(),
    }));
    const query = { pattern: '^kubectl get pods \\d+$', exitCode: 0, from: T0 - 1, to: T0 + 1_000 };
    let reads = 0;
    const counted = records.map((r) => {
      const record = { ...r };
      Object.defineProperty(record, 'line', {
        get: () => {
          reads++;
          return r.line;
        },
      });
      return record;
    });
    expect(scanHistory(counted.slice(0, 40), query).count).toBe(40);
    expect(reads).toBe(40);
    expect(scanHistory(counted.slice(0, 41), query).count).toBe(41);
    expect(reads).toBe(41);
    expect(scanHistory(counted.slice(0, 45), query).count).toBe(45);
    expect(reads).toBe(45);
    // The oldest dropped: a history that no kept scan began with is read anew (each line's match is known already).
    expect(scanHistory(counted.slice(1, 46), query).count).toBe(45);
    expect(reads).toBe(46);
  });

  it('refuses a pattern that is not a regular expression, even over an empty history', () => {
    expect(() => scanHistory([], { pattern: '(', exitCode: 0, from: 0, to: 1 })).toThrow(SyntaxError);
  });
});
