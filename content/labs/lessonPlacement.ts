/**
 * Reads how a lesson (MDX) places a lab's steps, for tests that keep the lab file and both
 * languages' lessons in agreement. Only what the lesson components need: Step ids, the Editor
 * files and bash blocks inside each Step, and the page-level components.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { labSchema, type Lab } from '../../lab-server/src/labs/schema.ts';

/** One `<Step id>` of a lesson and what sits inside it. */
export interface PlacedStep {
  id: string;
  /** `file` attributes of the `<Editor>` components inside the step. */
  editorFiles: string[];
  /** Contents of the ```bash blocks inside the step, one string per block. */
  bashBlocks: string[];
  previews: number;
}

/** What a lesson page contains, as far as the lab is concerned. */
export interface LessonPlacement {
  frontmatter: Record<string, unknown>;
  steps: PlacedStep[];
  terminals: number;
  previews: number;
  /** Editor components outside any Step. */
  strayEditors: string[];
  imports: string[];
  /** The MDX after the frontmatter. */
  body: string;
}

/** Parses and validates a lab file. */
export function readLab(path: string): Lab {
  return labSchema.parse(parse(readFileSync(path, 'utf8')));
}

/** Reads an MDX lesson and lists where it places the lab's steps and components. */
export function readLessonPlacement(path: string): LessonPlacement {
  const text = readFileSync(path, 'utf8');
  const fm = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!fm) throw new Error(`${path}: no frontmatter`);
  const body = text.slice(fm[0].length);
  const steps: PlacedStep[] = [];
  const stepPattern = /<Step\s+id="([^"]+)"\s*>([\s\S]*?)<\/Step>/g;
  let outside = body;
  for (const m of body.matchAll(stepPattern)) {
    const inner = m[2];
    steps.push({
      id: m[1],
      editorFiles: [...inner.matchAll(/<Editor\s+file="([^"]+)"\s*\/>/g)].map((e) => e[1]),
      bashBlocks: [...inner.matchAll(/```bash\n([\s\S]*?)```/g)].map((b) => b[1]),
      previews: [...inner.matchAll(/<Preview\b/g)].length,
    });
    outside = outside.replace(m[0], '');
  }
  return {
    frontmatter: parse(fm[1]) as Record<string, unknown>,
    steps,
    terminals: [...body.matchAll(/<Terminal\b/g)].length,
    previews: [...body.matchAll(/<Preview\b/g)].length,
    strayEditors: [...outside.matchAll(/<Editor\s+file="([^"]+)"/g)].map((e) => e[1]),
    imports: [...body.matchAll(/^import\s+(\w+)\s+from\s+'([^']+)';$/gm)].map((i) => `${i[1]} ${i[2]}`),
    body,
  };
}
