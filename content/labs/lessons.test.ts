/**
 * Every lab file and its two lessons agree (one test for all chapters, found from the lab files): both languages
 * place every step once, in order, and no unknown one; each step's editor files sit inside that step and exist;
 * its commands are shown in its bash blocks; the two languages show the same commands; a ready lab has one
 * terminal and steps a learner can finish (a check, a solution, two or three hints).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAllLabs } from '../../lab-server/src/labs/load.ts';
import { labApis, stepForApi } from '../../lab-server/src/labs/variants.ts';
import { t, type UiKey } from '../../src/i18n/ui.ts';
import { readLessonPlacement, type LessonPlacement } from './lessonPlacement.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const labs = loadAllLabs({ contentDir: here('..') });
/** The labels of the page's controls a lesson may name in brackets, e.g. [적용]. */
const CONTROL_KEYS: UiKey[] = [
  'step.check',
  'step.solve',
  'step.nextHint',
  'editor.apply',
  'editor.reset',
  'editor.open',
  'preview.title',
  'preview.refresh',
  'terminal.title',
  'terminal.reset',
  'run.label',
  'workspace.openFile',
  'workspace.openPreview',
  'workspace.openTraffic',
  'workspace.editor',
  'workspace.traffic',
  'workspace.lesson',
];

/** Terms a lesson puts in brackets in its prose: not links, not code, not the titles of its notes (`:::note[...]`). */
function bracketedTerms(text: string): string[] {
  const prose = text
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`]*`/g, '')
    .replace(/^:::\w+\[[^\]]*\]/gm, '');
  return [...prose.matchAll(/\[([^\]\n]{1,40})\](?!\()/g)].map((m) => m[1]!);
}

const LESSON_COMPONENTS: Record<string, string> = {
  Terminal: 'Terminal @components/Terminal.astro',
  Step: 'Step @components/Step.astro',
  Editor: 'Editor @components/Editor.astro',
  Preview: 'Preview @components/Preview.astro',
  TrafficView: 'TrafficView @components/TrafficView.astro',
  ApiPicker: 'ApiPicker @components/ApiPicker.astro',
  ApiVariant: 'ApiVariant @components/ApiVariant.astro',
};

it('finds the chapters from the lab files', () => {
  expect(labs.map((l) => l.id)).toContain('traffic-shifting');
  expect(labs.map((l) => l.order)).toEqual([...labs.map((l) => l.order)].sort((a, b) => a - b));
});

describe.each(labs.map((lab) => [lab.id, lab] as const))('%s', (id, lab) => {
  const lessons: Record<'ko' | 'en', LessonPlacement> = {
    ko: readLessonPlacement(here(`../docs/${id}.mdx`)),
    en: readLessonPlacement(here(`../docs/en/${id}.mdx`)),
  };

  const apis = labApis(lab);

  it('gives every step of a ready lab a check, a solution and two to three hints, in every API it offers', () => {
    if (lab.status === 'planned') expect(lab.steps).toEqual([]);
    else expect(lab.steps.length).toBeGreaterThan(0);
    for (const api of apis)
      for (const step of lab.steps.map((s) => stepForApi(s, api))) {
        const where = `${step.id} (${api})`;
        expect(step.check, where).toBeDefined();
        expect(step.solution.trim(), where).not.toBe('');
        expect(step.hints.length, where).toBeGreaterThanOrEqual(2);
        expect(step.hints.length, where).toBeLessThanOrEqual(3);
      }
  });

  it('starts its editor files from sample manifests that exist, and applies only existing samples', () => {
    for (const step of lab.steps)
      for (const file of [...step.files, ...(step.gateway?.files ?? [])])
        if (file.source) expect(existsSync(here(`../samples/${file.source}`)), `${step.id}: ${file.source}`).toBe(true);
    const scripts = [lab.setup, ...lab.steps.flatMap((s) => [s.solution, s.gateway?.solution ?? ''])].join('\n');
    for (const m of scripts.matchAll(/-f (samples\/\S+\.yaml)/g))
      expect(existsSync(here(`../${m[1]}`)), m[1]).toBe(true);
  });

  it('names only classes its traffic checks define', () => {
    for (const step of lab.steps.flatMap((s) => [s, stepForApi(s, 'gateway')])) {
      const check = step.check;
      if (check?.type !== 'traffic') continue;
      const names = check.classes.map((c) => c.name);
      for (const name of Object.keys(check.expect)) expect(names, step.id).toContain(name);
    }
  });

  describe.each(['ko', 'en'] as const)('lesson (%s)', (locale) => {
    const lesson = lessons[locale];

    it('declares the lab, a title and a description, and leaves the order to the lab file', () => {
      expect(lesson.frontmatter.lab).toBe(id);
      expect(typeof lesson.frontmatter.title).toBe('string');
      expect(typeof lesson.frontmatter.description).toBe('string');
      expect(lesson.frontmatter.sidebar, 'sidebar order comes from the lab file').toBeUndefined();
    });

    it('has one terminal when the lab is ready (none while it is planned) and imports what it uses', () => {
      expect(lesson.terminals).toBe(lab.status === 'ready' ? 1 : 0);
      const used = Object.keys(LESSON_COMPONENTS).filter((name) => lesson.body.includes(`<${name}`));
      expect(lesson.imports).toEqual(expect.arrayContaining(used.map((name) => LESSON_COMPONENTS[name])));
    });

    it("names the page's buttons exactly as they are labelled in this language", () => {
      const labels = CONTROL_KEYS.map((key) => t(locale, key));
      for (const term of bracketedTerms(lesson.body)) expect(labels, `[${term}]`).toContain(term);
    });

    it('places every step of the lab once, in order, and no unknown step', () => {
      expect(lesson.steps.map((s) => s.id)).toEqual(lab.steps.map((s) => s.id));
    });

    it("shows each step's editor files inside that step, in each API the files of that API, and no editor outside a step", () => {
      expect(lesson.strayEditors).toEqual([]);
      for (const api of apis)
        for (const step of lab.steps.map((s) => stepForApi(s, api))) {
          const placed = lesson.steps.find((s) => s.id === step.id)!;
          expect(placed.views[api].editorFiles, `${step.id} (${api})`).toEqual(step.files.map((f) => f.name));
        }
    });

    it("shows each step's commands in that step's bash blocks, in each API that API's commands", () => {
      for (const api of apis)
        for (const step of lab.steps.map((s) => stepForApi(s, api))) {
          const shown = lesson.steps.find((s) => s.id === step.id)!.views[api].bashBlocks.join('\n');
          for (const command of step.commands) expect(shown, `${step.id} (${api}): ${command}`).toContain(command);
        }
    });

    it('offers the API picker exactly when the lab has Gateway API variants, and marks variant blocks by a known API', () => {
      expect([...lesson.body.matchAll(/<ApiPicker\b/g)].length).toBe(apis.length > 1 ? 1 : 0);
      for (const placed of lesson.steps)
        for (const api of placed.variantBlocks) expect(['istio', 'gateway'], placed.id).toContain(api);
      if (apis.length === 1) expect(lesson.body).not.toContain('<ApiVariant');
    });
  });

  it('has the same code blocks in every step in both languages (neither lacks a command)', () => {
    for (const step of lab.steps) {
      const ko = lessons.ko.steps.find((s) => s.id === step.id)!.bashBlocks;
      const en = lessons.en.steps.find((s) => s.id === step.id)!.bashBlocks;
      expect(ko, step.id).toEqual(en);
    }
  });
});
