/** The sample manifests both backends deploy run exactly the pinned images, and the lab's Istio overlay is kind's. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SAMPLE_IMAGES } from './pins.ts';
import { repoPath } from './repoPaths.ts';

const SAMPLES = repoPath('content/samples');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Every `image:` of every container in a manifest file. */
function images(path: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'image' && typeof v === 'string') found.push(v);
        else walk(v);
      }
    }
  };
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) walk(doc.toJS());
  return found;
}

describe('sample images', () => {
  const deployed = files(SAMPLES)
    .map((p) => relative(SAMPLES, p))
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('seed/original/'));

  it.each(deployed)('%s runs pinned images only', (f) => {
    for (const image of images(join(SAMPLES, f))) expect(SAMPLE_IMAGES, `${f}: ${image}`).toContain(image);
  });

  it('are all used, each with an explicit tag', () => {
    const used = new Set(deployed.flatMap((f) => images(join(SAMPLES, f))));
    expect([...used].sort()).toEqual([...SAMPLE_IMAGES].sort());
    for (const image of SAMPLE_IMAGES) expect(image).toMatch(/^[a-z0-9.-]+\.[a-z]+\/[^:]+:[\w.-]+$/);
  });

  it("the lessons' copy of the Istio overlay is kind/istio-overlay.yaml, so reinstalling keeps the node ports", () => {
    expect(readFileSync(join(SAMPLES, 'istio/labs-overlay.yaml'), 'utf8')).toBe(
      readFileSync(repoPath('kind/istio-overlay.yaml'), 'utf8'),
    );
  });
});
