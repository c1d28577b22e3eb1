/** Two small chapters and a class, shared by the report's and the CSV exports' tests. */
import type { LoadedLab } from '../labs/load.ts';

/** Two chapters: two steps (the second with a Gateway API title of its own), then one. */
export const labs = [
  {
    id: 'traffic-shifting',
    title: { ko: '트래픽 전환', en: 'Traffic Shifting' },
    steps: [
      { id: 'a', title: { ko: '가', en: 'A' } },
      { id: 'b', title: { ko: '나', en: 'B' }, gateway: { title: { ko: '나2', en: 'B in the Gateway API' } } },
    ],
  },
  { id: 'mirroring', title: { ko: '미러링', en: 'Mirroring' }, steps: [{ id: 'c', title: { ko: '다', en: 'C' } }] },
] as unknown as LoadedLab[];
/** A class of both chapters. */
export const cls = {
  id: 'c1',
  name: 'W',
  chapters: ['traffic-shifting', 'mirroring'],
  joinCode: 'ABCDEF',
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-02T00:00:00Z',
};
/** A step passed at `at`. */
export const passed = (at: string) => ({ status: 'passed' as const, at, attempts: 1, passedAt: at, lastPassedAt: at });
