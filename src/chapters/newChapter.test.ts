/**
 * A chapter is its lab file and two lessons, nothing else: the site built from a temporary content folder with two
 * throwaway labs lists them in the sidebar and on the home page in their `order` (not their file names' order),
 * and every page carries their step counts for the progress marks.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAPTERS_ELEMENT_ID } from './summary.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** A ready lab with `steps` steps whose checks look for a typed `echo`. */
function labFile(id: string, order: number, steps: number): string {
  const step = (n: number) => `  - id: say-${n}
    title: { ko: '${n}번 인사', en: 'Greeting ${n}' }
    commands: ['echo hello-${n}']
    check: { type: ran, pattern: 'echo hello-${n}' }
    hints:
      - { ko: '터미널에 입력한다.', en: 'Type it in the terminal.' }
      - { ko: '\`echo hello-${n}\`', en: '\`echo hello-${n}\`' }
    solution: echo hello-${n}
`;
  return `id: ${id}
order: ${order}
status: ready
title: { ko: '${id} 장', en: 'Chapter ${id}' }
summary: { ko: '${id} 요약', en: 'About ${id}' }
steps:
${Array.from({ length: steps }, (_, i) => step(i + 1)).join('')}`;
}

/** A lesson that places every step of the lab. */
function lesson(id: string, steps: number, lang: 'ko' | 'en'): string {
  const placed = Array.from(
    { length: steps },
    (_, i) => `<Step id="say-${i + 1}">\n\n\`\`\`bash\necho hello-${i + 1}\n\`\`\`\n\n</Step>\n`,
  );
  return `---
title: ${lang === 'ko' ? `${id} 레슨` : `${id} lesson`}
description: ${id}
lab: ${id}
---

import Terminal from '@components/Terminal.astro';
import Step from '@components/Step.astro';

<Terminal />

${placed.join('\n')}`;
}

const NEW_LABS = [
  { id: 'zz-first', order: 1, steps: 3 },
  { id: 'aa-second', order: 2, steps: 2 },
];

let work: string;
let out: string;
const page = (path: string) => readFileSync(join(out, path, 'index.html'), 'utf8');
/** The chapter links of a page's sidebar, in order. */
const sidebarLinks = (html: string) =>
  [...(/<nav class="sidebar[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '').matchAll(/href="([^"]+)"/g)]
    .map((m) => m[1])
    .filter((href) => /^(\/en)?\/[a-z-]+\/$/.test(href!) && !href!.includes('classroom'));
const pageChapters = (html: string) =>
  JSON.parse(new RegExp(`id="${CHAPTERS_ELEMENT_ID}"[^>]*>([^<]*)<`).exec(html)![1]!) as {
    id: string;
    steps: number;
  }[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'labs-new-chapter-'));
  const content = join(work, 'content');
  out = join(work, 'dist');
  mkdirSync(join(content, 'labs'), { recursive: true });
  mkdirSync(join(content, 'docs', 'en'), { recursive: true });
  cpSync(join(repo, 'content', 'docs', 'index.mdx'), join(content, 'docs', 'index.mdx'));
  cpSync(join(repo, 'content', 'docs', 'en', 'index.mdx'), join(content, 'docs', 'en', 'index.mdx'));
  for (const { id, order, steps } of NEW_LABS) {
    writeFileSync(join(content, 'labs', `${id}.yaml`), labFile(id, order, steps));
    writeFileSync(join(content, 'docs', `${id}.mdx`), lesson(id, steps, 'ko'));
    writeFileSync(join(content, 'docs', 'en', `${id}.mdx`), lesson(id, steps, 'en'));
  }
  const build = spawnSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build', '--outDir', out], {
    cwd: repo,
    env: {
      ...process.env,
      LABS_CONTENT_DIR: content,
      LABS_ASTRO_CACHE_DIR: join(work, 'cache'),
      ASTRO_TELEMETRY_DISABLED: '1',
    },
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (build.status !== 0) throw new Error(`astro build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a chapter added as a lab file and two lessons', () => {
  it.each(['', '/en'])('is in the sidebar in its order (%s)', (prefix) => {
    for (const path of [`${prefix}/classroom/join/`, `${prefix}/aa-second/`, `${prefix}/zz-first/`])
      expect(sidebarLinks(page(path.slice(1))), path).toEqual([`${prefix}/zz-first/`, `${prefix}/aa-second/`]);
  });

  it.each([
    ['', 'ko', 'zz-first 장'],
    ['en', 'en', 'Chapter zz-first'],
  ] as const)('is on the home page with its lab file title and step count (%s)', (dir, _lang, title) => {
    const html = page(dir);
    const items = [
      ...html.matchAll(/<li class="labs-panel" data-chapter="([^"]+)"[^>]*data-total="(\d+)"[^>]*>([\s\S]*?)<\/li>/g),
    ];
    expect(items.map((m) => [m[1], Number(m[2])])).toEqual([
      ['zz-first', 3],
      ['aa-second', 2],
    ]);
    expect(items[0]![3]).toContain(title);
  });

  it('gives every page the step totals the progress marks count against', () => {
    for (const path of ['', 'en', 'zz-first', 'en/aa-second', 'classroom/join'])
      expect(
        pageChapters(page(path)).map((c) => [c.id, c.steps]),
        path,
      ).toEqual([
        ['zz-first', 3],
        ['aa-second', 2],
      ]);
  });

  it('counts its steps on its own page', () => {
    expect(page('zz-first').match(/data-lab-steps="zz-first" data-total="3"/g)).toHaveLength(3);
  });
});
