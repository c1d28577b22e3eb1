import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from './args.ts';
import { classCommand } from './classCommand.ts';

function sink() {
  const s = Object.assign(
    new Writable({
      write(chunk, _e, cb) {
        s.text += chunk.toString();
        cb();
      },
    }),
    { text: '' },
  );
  return s;
}

describe('labs class', () => {
  it('cleanup runs on the given context (kind-labs by default) and reports what went', async () => {
    const calls: unknown[] = [];
    const out = sink();
    const code = await classCommand(['cleanup', '--context', 'workshop'], out, {
      cleanup: async (context, o) => {
        calls.push([context, o.dryRun, o.all]);
        o.say('deleting 2 learner namespaces, 2 toolbox pods, 2 bindings');
        return { namespaces: ['a', 'b'], remaining: [] };
      },
    });
    expect(code).toBe(0);
    expect(calls).toEqual([['workshop', false, false]]);
    expect(out.text).toBe(
      'deleting 2 learner namespaces, 2 toolbox pods, 2 bindings\nDone: 2 learner namespace(s) removed from context workshop.\n',
    );
    await classCommand(['cleanup', '--dry-run', '--all'], sink(), {
      cleanup: async (context, o) => {
        calls.push([context, o.dryRun, o.all]);
        return { namespaces: [], remaining: [] };
      },
    });
    expect(calls.at(-1)).toEqual(['kind-labs', true, true]);
  });

  it('exits 1 while namespaces are still terminating, and rejects unknown commands', async () => {
    const out = sink();
    const code = await classCommand(['cleanup'], out, {
      cleanup: async () => ({ namespaces: ['a'], remaining: ['a'] }),
    });
    expect(code).toBe(1);
    expect(out.text).toContain('1 namespace(s) are still terminating');
    await expect(classCommand(['wipe'], sink())).rejects.toThrow(UsageError);
    await expect(classCommand([], sink())).rejects.toThrow('missing command; expected cleanup');
  });
});
