/**
 * The site's chapters, read at build time from the lab files alone (`content/labs/<id>.yaml`, ordered by their
 * `order`): the sidebar, the home page's chapter list, the classroom's chapter pickers and the progress totals
 * all come from here, so adding a chapter is a lab file and its two lessons, nothing else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultContentDir, loadAllLabs, type LoadOptions } from '../../lab-server/src/labs/load.ts';
import type { ChapterSummary } from './summary.ts';

/** The `content/` directory the site is built from (`$LABS_CONTENT_DIR` when set). */
export function contentDir(): string {
  return defaultContentDir();
}

/** Every chapter, in chapter order, as the pages and the browser need it. */
export function chapters(options: LoadOptions = {}): ChapterSummary[] {
  return loadAllLabs(options).map((lab) => ({
    id: lab.id,
    order: lab.order,
    status: lab.status,
    title: lab.title,
    summary: lab.summary,
    steps: lab.steps.length,
  }));
}

/** Where a chapter's lessons are: Korean at the docs root, English under `en/`. */
export function lessonFiles(id: string, dir = contentDir()): { ko: string; en: string } {
  return { ko: join(dir, 'docs', `${id}.mdx`), en: join(dir, 'docs', 'en', `${id}.mdx`) };
}

/**
 * What is wrong between the lab files and the lessons: a chapter without both lessons, or a lesson that names
 * another lab in its frontmatter. Empty when every chapter has its two pages.
 */
export function lessonProblems(options: LoadOptions = {}): string[] {
  const dir = options.contentDir ?? contentDir();
  const problems: string[] = [];
  for (const chapter of chapters({ contentDir: dir })) {
    for (const file of Object.values(lessonFiles(chapter.id, dir))) {
      if (!existsSync(file)) {
        problems.push(`${file}: no such file; the lab "${chapter.id}" needs a Korean and an English lesson`);
        continue;
      }
      const frontmatter = /^---\n([\s\S]*?)\n---/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
      const lab = /^lab:\s*['"]?([^'"\s]+)['"]?\s*$/m.exec(frontmatter)?.[1];
      if (lab !== chapter.id)
        problems.push(`${file}: frontmatter needs \`lab: ${chapter.id}\` (found ${lab ?? 'none'})`);
    }
  }
  return problems;
}
