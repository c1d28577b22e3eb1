import { defineCommand, DefenseInDepthBox, InMemoryFs } from 'just-bash';
import { describe, expect, it, vi } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { LabShell } from './labShell.ts';
import { DEFENSE_IN_DEPTH, HOLD_MS, releaseSandbox, sandboxHeld } from './sandboxHold.ts';

const hostFunction = globalThis.Function;
const box = () => DefenseInDepthBox.getInstance(DEFENSE_IN_DEPTH);

/**
 * A command that tries what the box blocks inside a script: making code from a string. Host commands run trusted;
 * this one gives that up, as the interpreter's own code runs.
 */
const makeCode = defineCommand('escape', () =>
  DefenseInDepthBox.runUntrustedAsync(async () => {
    try {
      const made = new Function('return "ran"') as () => string;
      return { stdout: `${made()}\n`, stderr: '', exitCode: 0 };
    } catch (error) {
      return { stdout: '', stderr: `${(error as Error).message}\n`, exitCode: 1 };
    }
  }),
);

function shell() {
  return new LabShell({
    fs: new InMemoryFs(),
    commands: [makeCode],
    io: {},
    clock: new SimulationClock('virtual'),
    limits: DEFAULT_LIMITS,
    home: '/root',
    env: {},
    id: 'hold',
  });
}

describe('holdSandbox', () => {
  it('keeps the box on between lines, and switches it off once no line has begun for a while', async () => {
    const sh = shell();
    await sh.run('true');
    // Between two lines: still on (the next line does not patch the host's globals again).
    expect(sandboxHeld()).toBe(true);
    expect(box().isActive()).toBe(true);
    expect(globalThis.Function).not.toBe(hostFunction);
    // Host code outside a line is not blocked by the patches.
    expect(new Function('return 2')()).toBe(2);
    await vi.waitFor(() => expect(box().isActive()).toBe(false), { timeout: 20 * HOLD_MS, interval: HOLD_MS / 4 });
    expect(sandboxHeld()).toBe(false);
    expect(globalThis.Function).toBe(hostFunction);
  });

  it('still blocks inside every line while the box is held', async () => {
    const sh = shell();
    const first = await sh.run('escape');
    expect(sandboxHeld()).toBe(true);
    const second = await sh.run('escape');
    for (const r of [first, second]) {
      expect(r.output).toMatch(/Function constructor is blocked during script execution/);
      expect(r.exitCode).toBe(1);
    }
    releaseSandbox();
    expect(box().isActive()).toBe(false);
    expect(globalThis.Function).toBe(hostFunction);
  });
});
