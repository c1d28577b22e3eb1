/** The Traffic Shifting lab file and its two lessons agree: same steps, same editor files, same commands. */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readLab, readLessonPlacement, type LessonPlacement } from './lessonPlacement.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const lab = readLab(here('./traffic-shifting.yaml'));
const lessons: Record<'ko' | 'en', LessonPlacement> = {
  ko: readLessonPlacement(here('../docs/traffic-shifting.mdx')),
  en: readLessonPlacement(here('../docs/en/traffic-shifting.mdx')),
};

describe('traffic-shifting lab file', () => {
  it('is ready, previews the product page, and follows the seed chapter in order', () => {
    expect(lab.status).toBe('ready');
    expect(lab.preview?.url).toBe('http://ingress/productpage');
    expect(lab.steps.map((s) => s.id)).toEqual([
      'destination-rules',
      'route-all-v1',
      'see-no-stars',
      'shift-50-v3',
      'read-virtualservice',
      'see-red-half',
      'shift-100-v3',
    ]);
  });

  it('gives every step a check, a solution and two to three hints', () => {
    for (const step of lab.steps) {
      expect(step.check, step.id).toBeDefined();
      expect(step.solution.trim(), step.id).not.toBe('');
      expect(step.hints.length, step.id).toBeGreaterThanOrEqual(2);
      expect(step.hints.length, step.id).toBeLessThanOrEqual(3);
    }
  });

  it('starts its editor files from sample manifests that exist, and applies only existing samples', () => {
    for (const step of lab.steps) {
      for (const file of step.files)
        expect(existsSync(here(`../samples/${file.source}`)), `${step.id}: ${file.source}`).toBe(true);
    }
    const scripts = [lab.setup, ...lab.steps.map((s) => s.solution)].join('\n');
    const applied = [...scripts.matchAll(/-f (samples\/\S+\.yaml)/g)].map((m) => m[1]);
    expect(applied.length).toBeGreaterThanOrEqual(6);
    for (const path of applied) expect(existsSync(here(`../${path}`)), path).toBe(true);
  });

  it('names only classes its traffic checks define', () => {
    for (const step of lab.steps) {
      const check = step.check;
      if (check?.type !== 'traffic') continue;
      const names = check.classes.map((c) => c.name);
      for (const name of Object.keys(check.expect)) expect(names, step.id).toContain(name);
    }
  });

  it('marks as observing exactly the steps that only look at an earlier result', () => {
    expect(lab.steps.filter((s) => s.observes).map((s) => s.id)).toEqual([
      'see-no-stars',
      'read-virtualservice',
      'see-red-half',
    ]);
  });
});

describe.each(['ko', 'en'] as const)('traffic-shifting lesson (%s)', (locale) => {
  const lesson = lessons[locale];

  it('declares the lab and its sidebar place', () => {
    expect(lesson.frontmatter).toMatchObject({ lab: 'traffic-shifting', sidebar: { order: 1 } });
    expect(typeof lesson.frontmatter.title).toBe('string');
    expect(typeof lesson.frontmatter.description).toBe('string');
  });

  it('imports the four lesson components and has one terminal', () => {
    expect(lesson.imports).toEqual(
      expect.arrayContaining([
        'Terminal @components/Terminal.astro',
        'Step @components/Step.astro',
        'Editor @components/Editor.astro',
        'Preview @components/Preview.astro',
      ]),
    );
    expect(lesson.terminals).toBe(1);
  });

  it('places every step of the lab once, in order, and no unknown step', () => {
    expect(lesson.steps.map((s) => s.id)).toEqual(lab.steps.map((s) => s.id));
  });

  it("shows each step's editor files inside that step, and no editor outside a step", () => {
    expect(lesson.strayEditors).toEqual([]);
    for (const step of lab.steps) {
      const placed = lesson.steps.find((s) => s.id === step.id)!;
      expect(placed.editorFiles, step.id).toEqual(step.files.map((f) => f.name));
    }
  });

  it("shows each step's commands in that step's bash blocks", () => {
    for (const step of lab.steps) {
      const shown = lesson.steps.find((s) => s.id === step.id)!.bashBlocks.join('\n');
      for (const command of step.commands) expect(shown, `${step.id}: ${command}`).toContain(command);
    }
  });

  it('shows the product page where the seed opens it in a browser', () => {
    expect(lesson.steps.find((s) => s.id === 'see-no-stars')!.previews).toBe(1);
    expect(lesson.steps.find((s) => s.id === 'see-red-half')!.previews).toBe(1);
  });
});

describe('the two lessons', () => {
  it('have the same code blocks in every step (neither language lacks a command)', () => {
    for (const step of lab.steps) {
      const ko = lessons.ko.steps.find((s) => s.id === step.id)!.bashBlocks;
      const en = lessons.en.steps.find((s) => s.id === step.id)!.bashBlocks;
      expect(ko, step.id).toEqual(en);
    }
  });
});
