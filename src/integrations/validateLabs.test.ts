import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labProblems, validateLabs } from './validateLabs.ts';

const FIXTURES = join(import.meta.dirname, '../../lab-server/src/labs/fixtures/bad');

function contentWith(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'labs-content-'));
  mkdirSync(join(dir, 'labs'));
  cpSync(join(FIXTURES, file), join(dir, 'labs', 'traffic-shifting.yaml'));
  return dir;
}

describe('build-time lab validation', () => {
  it("passes the repository's lab files", () => {
    expect(labProblems()).toBeUndefined();
  });

  it('fails the build naming the file, the path inside it and what is wrong', () => {
    const contentDir = contentWith('check-field.yaml');
    const problem = labProblems({ contentDir });
    expect(problem).toContain('traffic-shifting.yaml');
    expect(problem).toMatch(/steps/);
    const integration = validateLabs({ contentDir });
    const setup = integration.hooks['astro:config:setup'] as (o: unknown) => void;
    expect(() => setup({ logger: { info() {} } })).toThrow(/lab files are invalid:\n.*traffic-shifting\.yaml/s);
  });

  it('fails the build when a chapter lacks a lesson or a lesson names another lab', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labs-content-'));
    cpSync(join(import.meta.dirname, '../../lab-server/src/labs/fixtures/good'), dir, { recursive: true });
    mkdirSync(join(dir, 'docs', 'en'), { recursive: true });
    writeFileSync(join(dir, 'docs', 'mirroring.mdx'), '---\ntitle: m\nlab: mirroring\n---\n');
    writeFileSync(join(dir, 'docs', 'en', 'mirroring.mdx'), '---\ntitle: m\nlab: traffic-shifting\n---\n');
    const problem = labProblems({ contentDir: dir }) ?? '';
    expect(problem).toMatch(/docs\/traffic-shifting\.mdx: no such file; the lab "traffic-shifting" needs a Korean/);
    expect(problem).toMatch(/docs\/en\/traffic-shifting\.mdx: no such file/);
    expect(problem).toMatch(/docs\/en\/mirroring\.mdx: frontmatter needs `lab: mirroring` \(found traffic-shifting\)/);
    expect(problem).not.toMatch(/docs\/mirroring\.mdx:/);
  });
});
