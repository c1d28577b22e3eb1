/**
 * The real clock's wake-up: kept armed across a cancelled timer (no Node timer cleared and set per timeout race), yet
 * re-armed for a sooner timer and never holding a process open with nothing left to wait for.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SimulationClock } from './clock.ts';

/** Resolves when `fire` is called through `clock.after(ms)`, with the wall time it took. */
function fired(clock: SimulationClock, ms: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => clock.after(ms, () => resolve(Date.now() - started)));
}

describe('SimulationClock (real time)', () => {
  it('fires a timer set after a cancelled one, at its own time', async () => {
    const clock = new SimulationClock('real');
    const cancel = clock.after(20, () => {
      throw new Error('a cancelled timer fired');
    });
    cancel();
    expect(clock.pending).toBe(0);
    const took = await fired(clock, 60);
    expect(took).toBeGreaterThanOrEqual(55);
    expect(clock.pending).toBe(0);
    clock.dispose();
  });

  it('re-arms for a timer due before the armed wake-up', async () => {
    const clock = new SimulationClock('real');
    const late = clock.after(10_000, () => {});
    const took = await fired(clock, 10);
    expect(took).toBeLessThan(5_000);
    late();
    clock.dispose();
  });

  it('does not serve a timer with a wake-up armed before the clock jumped ahead', async () => {
    const clock = new SimulationClock('real');
    clock.after(2_000, () => {})();
    clock.jumpTo(clock.now() + 60_000);
    const took = await fired(clock, 50);
    expect(took).toBeLessThan(1_500);
    clock.dispose();
  });

  it('lets a process end once its timers are cancelled, though a wake-up stays armed', () => {
    const clockUrl = new URL('./clock.ts', import.meta.url).href;
    const script = [
      `const { SimulationClock } = await import(${JSON.stringify(clockUrl)});`,
      'const clock = new SimulationClock("real");',
      'const cancel = clock.after(30000, () => {});',
      'clock.after(40000, () => {})();',
      'cancel();',
      'process.stdout.write(String(clock.pending));',
    ].join('\n');
    const started = Date.now();
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      timeout: 20_000,
    });
    expect(out.toString()).toBe('0');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
