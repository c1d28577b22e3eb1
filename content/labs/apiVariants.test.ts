/**
 * Every chapter with Gateway API variants, in both APIs: `labs verify` passes on the simulator for its Istio-API
 * steps and for its Gateway API ones (each check fails before its step, unless it observes, and passes after).
 * Chapters in Istio's API only are verified by their own lab tests.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyLab } from '../../lab-server/src/cli/verifyLab.ts';
import { loadAllLabs } from '../../lab-server/src/labs/load.ts';
import { labApis } from '../../lab-server/src/labs/variants.ts';
import { simBackend } from './simLab.ts';

const labs = loadAllLabs({ contentDir: fileURLToPath(new URL('..', import.meta.url)) }).filter(
  (l) => l.status === 'ready',
);
const cases = labs
  .filter((lab) => labApis(lab).length > 1)
  .flatMap((lab) => labApis(lab).map((api) => [lab.id, api, lab] as const));

it('has at least one chapter with a Gateway API variant', () => {
  expect(cases.some(([, api]) => api === 'gateway')).toBe(true);
});

describe.each(cases)('%s in the %s API', (_id, api, lab) => {
  it('passes `labs verify` on the simulator', async () => {
    const backend = await simBackend(21);
    try {
      const verdicts = await verifyLab(lab, backend, { locale: 'en', api });
      expect(verdicts.map((v) => v.step)).toEqual(lab.steps.map((s) => s.id));
      for (const v of verdicts) expect(v.ok, `${v.step}: ${v.problem} ${v.details.join(' | ')}`).toBe(true);
    } finally {
      await backend.close();
    }
  });
});
