/**
 * Reads lab files (`content/labs/<id>.yaml`), validates them with `labSchema`, and resolves editor
 * files from `content/samples/`. Used by the lab server, the CLI and the site build, so it imports
 * nothing beyond `node:fs` and `node:path`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { labSchema, type Lab, type Step } from './schema.ts';
import { describeIssues } from './issues.ts';

/** An editor file with its text resolved (from `source` under `content/samples/`, or inline). */
export type ResolvedEditorFile = Step['files'][number] & { content: string };
/** A step's Gateway API variant with its editor files' text resolved. */
export type ResolvedStepVariant = Omit<NonNullable<Step['gateway']>, 'files'> & { files?: ResolvedEditorFile[] };
/** A step whose editor files (its own and its variant's) carry their text. */
export type ResolvedStep = Omit<Step, 'files' | 'gateway'> & {
  files: ResolvedEditorFile[];
  gateway?: ResolvedStepVariant;
};
/** A validated lab with every editor file's text resolved: what the server, CLI and site use. */
export type LoadedLab = Omit<Lab, 'steps'> & { steps: ResolvedStep[] };

/** A lab file that cannot be used; the message names the file, the path inside it and what is wrong. */
export class LabFileError extends Error {
  /** Path of the file, relative to the working directory when possible. */
  readonly file: string;
  /** One line per problem, without the file prefix. */
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
    this.name = 'LabFileError';
    this.file = file;
    this.problems = problems;
  }
}

/** A lab id with no lab file. */
export class UnknownLabError extends Error {
  readonly id: string;
  constructor(id: string, known: readonly string[]) {
    super(`unknown lab "${id}"; valid lab ids: ${known.join(', ')}`);
    this.name = 'UnknownLabError';
    this.id = id;
  }
}

/** Where lab files and samples live. */
export interface LoadOptions {
  /** The `content/` directory; defaults to `defaultContentDir()`. */
  contentDir?: string;
}

/**
 * The `content/` directory: `$LABS_CONTENT_DIR` when set (a test builds the site from a temporary copy), else the
 * working directory's if it has one, else the repository's.
 */
export function defaultContentDir(): string {
  const fromEnv = process.env.LABS_CONTENT_DIR;
  if (fromEnv) return resolve(fromEnv);
  const fromCwd = resolve('content');
  if (existsSync(join(fromCwd, 'labs'))) return fromCwd;
  return resolve(new URL('../../../content', import.meta.url).pathname);
}

/** The chapter ids: one per `labs/<id>.yaml` file, in file-name order (`loadAllLabs` gives chapter order). */
export function labIds(options: LoadOptions = {}): string[] {
  const labsDir = join(options.contentDir ?? defaultContentDir(), 'labs');
  return readdirSync(labsDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** True when `id` names a chapter (a lab file exists for it). */
export function isLabId(id: string, options: LoadOptions = {}): boolean {
  return labIds(options).includes(id);
}

/** Loads and validates one lab by id. Throws `UnknownLabError` or `LabFileError`. */
export function loadLab(id: string, options: LoadOptions = {}): LoadedLab {
  const dir = options.contentDir ?? defaultContentDir();
  const known = labIds({ contentDir: dir });
  if (!known.includes(id)) throw new UnknownLabError(id, known);
  return loadLabFile(join(dir, 'labs', `${id}.yaml`), { contentDir: dir, expectedId: id });
}

/** Loads every `content/labs/*.yaml`, in chapter order (the lab files' `order`). Throws on the first malformed file. */
export function loadAllLabs(options: LoadOptions = {}): LoadedLab[] {
  const dir = options.contentDir ?? defaultContentDir();
  const labs = labIds({ contentDir: dir }).map((id) =>
    loadLabFile(join(dir, 'labs', `${id}.yaml`), { contentDir: dir, expectedId: id }),
  );
  labs.sort((a, b) => a.order - b.order);
  for (let i = 1; i < labs.length; i++) {
    if (labs[i]!.order === labs[i - 1]!.order)
      throw new LabFileError(display(join(dir, 'labs', `${labs[i]!.id}.yaml`)), [
        `order: ${labs[i]!.order} is also the order of "${labs[i - 1]!.id}"; chapters need distinct orders`,
      ]);
  }
  return labs;
}

/** Parses, validates and resolves one lab file at a path. */
export function loadLabFile(path: string, options: { contentDir?: string; expectedId?: string } = {}): LoadedLab {
  const file = display(path);
  const text = readFileSync(path, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new LabFileError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return (
          `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}YAML: ` +
          `${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`
        );
      }),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  const parsed = labSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error.issues, raw).map((problem) => withLine(problem, doc, lineCounter));
    throw new LabFileError(file, lines);
  }
  const lab = parsed.data;
  if (options.expectedId !== undefined && lab.id !== options.expectedId) {
    throw new LabFileError(file, [
      `id: Received "${lab.id}"; Expected "${options.expectedId}" (the file name without .yaml)`,
    ]);
  }
  const samplesDir = resolve(options.contentDir ?? defaultContentDir(), 'samples');
  const problems: string[] = [];
  const resolveFile = (f: Step['files'][number], where: string): ResolvedEditorFile => {
    if (f.content !== undefined) return { ...f, content: f.content };
    const source = resolve(samplesDir, f.source!);
    if (!source.startsWith(samplesDir + '/') || !existsSync(source)) {
      problems.push(`${where}.source: no such file ${display(source)}`);
      return { ...f, content: '' };
    }
    return { ...f, content: readFileSync(source, 'utf8') };
  };
  const steps: ResolvedStep[] = lab.steps.map((step, i) => {
    const { gateway, ...rest } = step;
    const files = step.files.map((f, j) => resolveFile(f, `steps[${i}].files[${j}]`));
    if (!gateway) return { ...rest, files };
    const { files: variantFiles, ...variantRest } = gateway;
    const variant: ResolvedStepVariant = variantFiles
      ? { ...variantRest, files: variantFiles.map((f, j) => resolveFile(f, `steps[${i}].gateway.files[${j}]`)) }
      : variantRest;
    return { ...rest, files, gateway: variant };
  });
  if (problems.length > 0) throw new LabFileError(file, problems);
  return { ...lab, steps };
}

/** Adds ` (line N)` when the problem's path points at a node of the document. */
function withLine(problem: string, doc: ReturnType<typeof parseDocument>, counter: LineCounter): string {
  const pathText = problem.slice(0, problem.indexOf(': '));
  const keys =
    pathText === '(top level)'
      ? []
      : [...pathText.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  for (let n = keys.length; n > 0; n--) {
    const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range)
      return `${problem} (line ${counter.linePos(node.range[0]).line})`;
  }
  return problem;
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}
