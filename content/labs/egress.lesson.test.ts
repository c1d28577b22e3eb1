/** What the Egress chapter adds to the lessons' shared tests (lessons.test.ts): the seed's order, its obsolete commands explained. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLab } from './lessonPlacement.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const lab = readLab(here('./egress.yaml'));

describe('egress lab file and lessons', () => {
  it('is ready and follows the seed chapter in order, then the egress gateway', () => {
    expect(lab.status).toBe('ready');
    expect(lab.steps.map((s) => s.id)).toEqual([
      'source-pod',
      'allow-any',
      'registry-only',
      'http-service-entry',
      'https-service-entry',
      'mixer-log',
      'external-timeout',
      'bypass-ip-range',
      'undo-bypass',
      'egress-gateway',
    ]);
    for (const s of lab.steps) {
      expect(s.check, s.id).toBeDefined();
      expect(s.solution.trim(), s.id).not.toBe('');
      expect(s.hints.length, s.id).toBeGreaterThanOrEqual(2);
    }
  });

  it.each(['../docs/egress.mdx', '../docs/en/egress.mdx'])('%s says nothing is in preparation', (path) => {
    expect(readFileSync(here(path), 'utf8')).not.toMatch(/준비 중|in preparation/i);
  });

  it("runs the seed's obsolete commands in the lessons and explains them in both languages", () => {
    for (const path of ['../docs/egress.mdx', '../docs/en/egress.mdx']) {
      const text = readFileSync(here(path), 'utf8');
      // The ConfigMap grep and sed, Mixer's log, helm template -x, exec without `--`.
      expect(text).toContain('grep -o "mode: ALLOW_ANY"');
      expect(text).toContain("sed 's/mode: ALLOW_ANY/mode: REGISTRY_ONLY/g'");
      expect(text).toContain('istio-mixer-type=telemetry');
      expect(text).toContain('No resources found in istio-system namespace.');
      expect(text).toContain('helm template');
      expect(text).toContain('kubectl exec $SOURCE_POD -c sleep curl');
      // On kind the hosts are the real internet.
      expect(text).toMatch(/kind/);
    }
  });

  it('starts its editor files from sample manifests that exist', () => {
    for (const s of lab.steps)
      for (const f of s.files) expect(existsSync(here(`../samples/${f.source}`)), f.source).toBe(true);
  });
});
