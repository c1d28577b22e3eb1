/**
 * Reads how a lesson (MDX) places a lab's steps, for tests that keep the lab file and both
 * languages' lessons in agreement. Only what the lesson components need: Step ids, the Editor
 * files and bash blocks inside each Step, and the page-level components.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { labSchema, type Lab } from '../../lab-server/src/labs/schema.ts';

/** What a reader following one API sees of a step: its editors and bash blocks outside the other API's blocks. */
export interface ApiView {
  editorFiles: string[];
  bashBlocks: string[];
}

/** One `<Step id>` of a lesson and what sits inside it. */
export interface PlacedStep {
  id: string;
  /** `file` attributes of the `<Editor>` components inside the step (in either API's blocks). */
  editorFiles: string[];
  /** Contents of the ```bash blocks inside the step, one string per block (in either API's blocks). */
  bashBlocks: string[];
  previews: number;
  /** What shows in each API: `<ApiVariant api="gateway">` blocks hide from Istio's readers, and the other way round. */
  views: { istio: ApiView; gateway: ApiView };
  /** The `api` attributes of the step's `<ApiVariant>` blocks, in order. */
  variantBlocks: string[];
}

const VARIANT_BLOCK = /<ApiVariant\s+api="([^"]+)"\s*>([\s\S]*?)<\/ApiVariant>/g;

function editorsIn(text: string): string[] {
  return [...text.matchAll(/<Editor\s+file="([^"]+)"\s*\/>/g)].map((e) => e[1]);
}

function bashIn(text: string): string[] {
  return [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((b) => b[1]);
}

/** The step's content a reader of `api` sees: the other API's variant blocks removed. */
function viewOf(inner: string, api: 'istio' | 'gateway'): ApiView {
  const visible = inner.replace(VARIANT_BLOCK, (whole, blockApi: string) => (blockApi === api ? whole : ''));
  return { editorFiles: editorsIn(visible), bashBlocks: bashIn(visible) };
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
      editorFiles: editorsIn(inner),
      bashBlocks: bashIn(inner),
      previews: [...inner.matchAll(/<Preview\b/g)].length,
      views: { istio: viewOf(inner, 'istio'), gateway: viewOf(inner, 'gateway') },
      variantBlocks: [...inner.matchAll(VARIANT_BLOCK)].map((v) => v[1]),
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
