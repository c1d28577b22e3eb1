/**
 * What `-f` names: a file, a directory (its .yaml/.yml/.json files), `-` (stdin), or an istio sample URL
 * (served from the local samples, since the lab has no internet). Parsed into objects with the source name
 * kubectl uses in messages.
 */
import { type Document, isScalar, LineCounter, parseDocument, visit, YAMLParseError } from 'yaml';
import type { K8sObject } from '../../../../../contract.ts';
import type { CommandContext } from './context.ts';
import { pause, sliceOver } from '../../scheduler.ts';
import { goYamlError } from './yamlErrors.ts';
import { releaseUrl, releaseYaml, unavailable } from './gatewayApiRelease.ts';

/** One object from a manifest and where it came from. */
export interface ManifestObject {
  object: K8sObject;
  source: string;
}

/** A manifest problem, worded as kubectl words it. */
export class ManifestError extends Error {}

const ISTIO_SAMPLE_URL = /^https:\/\/raw\.githubusercontent\.com\/istio\/istio\/[^/]+\/samples\/(.+)$/;

async function sources(
  ctx: CommandContext,
  name: string,
  recursive: boolean,
  samples: ReadonlyMap<string, string>,
): Promise<{ source: string; text: string }[]> {
  if (name === '-') return [{ source: 'STDIN', text: ctx.stdinText() }];
  if (/^https?:\/\//.test(name)) {
    const release = releaseUrl(name);
    if (release) {
      const why = unavailable(release);
      if (why) throw new ManifestError(`error: unable to read URL "${name}": ${why}`);
      return [{ source: name, text: releaseYaml(release) }];
    }
    const m = ISTIO_SAMPLE_URL.exec(name);
    const text = m ? samples.get(m[1]!) : undefined;
    if (text === undefined)
      throw new ManifestError(`error: unable to read URL "${name}", server reported 404 Not Found, status code=404`);
    return [{ source: name, text }];
  }
  const path = ctx.fs.resolvePath(ctx.cwd, name);
  if (!(await ctx.fs.exists(path))) throw new ManifestError(`error: the path "${name}" does not exist`);
  const stat = await ctx.fs.stat(path);
  if (!stat.isDirectory) return [{ source: name, text: await ctx.fs.readFile(path) }];
  const out: { source: string; text: string }[] = [];
  for (const entry of (await ctx.fs.readdir(path)).sort()) {
    const child = `${name.replace(/\/$/, '')}/${entry}`;
    const childStat = await ctx.fs.stat(ctx.fs.resolvePath(ctx.cwd, child));
    if (childStat.isDirectory) {
      if (recursive) out.push(...(await sources(ctx, child, recursive, samples)));
    } else if (/\.(ya?ml|json)$/.test(entry))
      out.push({ source: child, text: await ctx.fs.readFile(ctx.fs.resolvePath(ctx.cwd, child)) });
  }
  return out;
}

/** Splits a stream on `---` lines as kubectl's YAML reader does, so error lines count from each document's start. */
function documents(text: string): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (/^---\s*(#.*)?$/.test(line)) {
      chunks.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  chunks.push(current.join('\n'));
  return chunks;
}

/** Parsed manifests by source and text: learners apply the same few files again and again. */
const parsedManifests = new Map<string, ManifestObject[] | ManifestError>();
const PARSED_MANIFESTS_KEPT = 256;
const PARSED_MANIFEST_MAX_CHARS = 64 * 1024;

/** Parses YAML/JSON documents (`List` kinds expanded, empty documents skipped); each call gets its own objects. */
export function parseManifest(source: string, text: string): ManifestObject[] {
  if (text.length > PARSED_MANIFEST_MAX_CHARS) return parseDocuments(source, text);
  const key = `${source}\u0000${text}`;
  let parsed = parsedManifests.get(key);
  if (parsed === undefined) {
    try {
      parsed = parseDocuments(source, text);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      parsed = error;
    }
    if (parsedManifests.size >= PARSED_MANIFESTS_KEPT) parsedManifests.clear();
    parsedManifests.set(key, parsed);
  }
  if (parsed instanceof ManifestError) throw new ManifestError(parsed.message);
  return parsed.map((m) => ({ object: structuredClone(m.object), source: m.source }));
}

/**
 * Parses one document. The `yaml` package's own duplicate-key check compares each key with every key before it
 * (quadratic: an 80 KB map of 2,000 keys took seconds), so keys are checked here with a set per map instead.
 */
function parseChunk(chunk: string): Document.Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(chunk, { uniqueKeys: false, lineCounter });
  if (doc.errors.length > 0) return doc;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        const id = `${typeof key.value}:${String(key.value)}`;
        if (!seen.has(id)) {
          seen.add(id);
          continue;
        }
        const at = key.range?.[0] ?? 0;
        const error = new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique');
        error.linePos = [lineCounter.linePos(at)];
        doc.errors.push(error);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return doc;
}

function parseDocuments(source: string, text: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const doc of documents(text).map((chunk) => ({ chunk, doc: parseChunk(chunk) }))) {
    if (doc.doc.errors.length > 0) {
      throw new ManifestError(
        `error: error parsing ${source}: error converting YAML to JSON: yaml: ${goYamlError(doc.doc.errors, doc.chunk)}`,
      );
    }
    const value = doc.doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value))
      throw new ManifestError(
        `error: error parsing ${source}: error unmarshaling JSON: json: cannot unmarshal ` +
          `${Array.isArray(value) ? 'array' : typeof value} into Go value of type map[string]interface {}`,
      );
    const obj = value as K8sObject;
    const missing = [...(obj.apiVersion ? [] : ['apiVersion not set']), ...(obj.kind ? [] : ['kind not set'])];
    if (missing.length)
      throw new ManifestError(
        `error: error validating "${source}": error validating data: [${missing.join(', ')}]; ` +
          `if you choose to ignore these errors, turn validation off with --validate=false`,
      );
    if (obj.kind === 'List' || obj.kind.endsWith('List')) {
      for (const item of ((obj as Record<string, unknown>).items ?? []) as K8sObject[])
        out.push({ object: item, source });
    } else out.push({ object: obj, source });
  }
  return out;
}

/** Every object the `-f` arguments name. */
export async function readManifests(
  ctx: CommandContext,
  names: string[],
  recursive: boolean,
  samples: ReadonlyMap<string, string>,
): Promise<ManifestObject[]> {
  const out: ManifestObject[] = [];
  for (const name of names)
    for (const { source, text } of await sources(ctx, name, recursive, samples)) {
      // Each file's parse may start a turn of its own (scheduler.ts).
      if (sliceOver(ctx.host.clock)) await pause(ctx.host.clock);
      out.push(...parseManifest(source, text));
    }
  return out;
}
