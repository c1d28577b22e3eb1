/** The Ingress lab file and its two lessons agree: same steps in the same order, editor files that exist, one terminal. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLab, readLessonPlacement } from './lessonPlacement.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const lab = readLab(here('./ingress.yaml'));

describe('ingress lab file and lessons', () => {
  it('is ready and follows the seed chapter in order', () => {
    expect(lab.status).toBe('ready');
    expect(lab.preview?.url).toBe('http://ingress/headers');
    expect(lab.steps.map((s) => s.id)).toEqual([
      'ingress-address',
      'gateway',
      'route-status',
      'headers-404',
      'browser-headers',
    ]);
    for (const s of lab.steps) {
      expect(s.check, s.id).toBeDefined();
      expect(s.solution.trim(), s.id).not.toBe('');
      expect(s.hints.length, s.id).toBeGreaterThanOrEqual(2);
    }
  });

  it.each(['../docs/ingress.mdx', '../docs/en/ingress.mdx'])(
    '%s places every step once, in order, with its editor files',
    (path) => {
      const lesson = readLessonPlacement(here(path));
      expect(lesson.frontmatter.lab).toBe('ingress');
      expect(lesson.terminals).toBe(1);
      expect(lesson.steps.map((s) => s.id)).toEqual(lab.steps.map((s) => s.id));
      for (const placed of lesson.steps) {
        const stepFiles = lab.steps.find((s) => s.id === placed.id)!.files.map((f) => f.name);
        for (const file of placed.editorFiles) expect(stepFiles, `${placed.id}: ${file}`).toContain(file);
      }
      expect(lesson.strayEditors).toEqual([]);
    },
  );

  it('starts its editor files from sample manifests that exist', () => {
    for (const s of lab.steps)
      for (const f of s.files) expect(existsSync(here(`../samples/${f.source}`)), f.source).toBe(true);
  });
});
