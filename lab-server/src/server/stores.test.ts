import { describe, expect, it } from 'vitest';
import { MemoryProgressStore } from './stores.ts';

const attempt = (ok: boolean, at: string) => ({
  sessionId: 's',
  lab: 'traffic-shifting',
  step: 'route-all-v1',
  ok,
  at,
  durationMs: 5,
  explanation: { ko: '', en: '' },
});

describe('MemoryProgressStore', () => {
  it('answers an attempt with the state progress() shows: reset since, not failing now, after a reset', async () => {
    const store = new MemoryProgressStore();
    await store.recordAttempt(attempt(true, '2026-01-01T10:00:00.000Z'));
    expect(await store.recordAttempt(attempt(false, '2026-01-01T10:01:00.000Z'))).toMatchObject({ failingNow: true });
    await store.recordReset('s', 'traffic-shifting', '2026-01-01T10:02:00.000Z');
    const after = await store.recordAttempt(attempt(false, '2026-01-01T10:03:00.000Z'));
    expect(after).toMatchObject({ status: 'passed', resetSince: true });
    expect(after.failingNow).toBeUndefined();
    expect((await store.progress('s'))['traffic-shifting']!['route-all-v1']).toEqual(after);
    const again = await store.recordAttempt(attempt(true, '2026-01-01T10:04:00.000Z'));
    expect(again.resetSince).toBeUndefined();
  });
});
