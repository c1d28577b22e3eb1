/**
 * `kubectl create configmap NAME [--from-literal=k=v] [--from-file=[k=]path] [--from-env-file=path]` as kubectl 1.34's
 * create_configmap.go builds the object: literal, file (a directory gives one key per regular file in it) and env-file
 * sources, keys checked as the API checks a ConfigMap key, UTF-8 content in `data` and other bytes in `binaryData`,
 * and kubectl's own words for every refusal. `--dry-run=client -o yaml` prints the object kubectl would send.
 */
import type { K8sObject } from '../../../../../contract.ts';
import { flag, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { render } from './output.ts';

/** The flags only `create configmap` takes. */
export const CONFIGMAP_FLAGS = ['from-literal', 'from-file', 'from-env-file'];

/** A refusal in kubectl's words. */
class ConfigMapError extends Error {}

const KEY = /^[-._a-zA-Z0-9]+$/;
const KEY_ERROR =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or " +
  "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_NAME_ERROR =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not " +
  "start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is " +
  "'[-._a-zA-Z][-._a-zA-Z0-9]*')";

/** The API's IsConfigMapKey messages for `key` (none when it is valid). */
function keyErrors(key: string): string[] {
  const errors: string[] = [];
  if (key.length > 253) errors.push('must be no more than 253 characters');
  if (!KEY.test(key)) errors.push(KEY_ERROR);
  if (key === '.') errors.push("must not be '.'");
  else if (key === '..') errors.push("must not be '..'");
  else if (key.startsWith('..')) errors.push("must not start with '..'");
  return errors;
}

/** The ConfigMap being built: string data and binary data, each key once. */
class Contents {
  readonly data = new Map<string, string>();
  readonly binaryData = new Map<string, string>();
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }

  /** addKeyFromLiteralToConfigMap. */
  literal(key: string, value: string): void {
    const errors = keyErrors(key);
    if (errors.length > 0)
      throw new ConfigMapError(`${JSON.stringify(key)} is not a valid key name for a ConfigMap: ${errors.join(',')}`);
    if (this.data.has(key) || this.binaryData.has(key))
      throw new ConfigMapError(
        `cannot add key ${JSON.stringify(key)}, another key by that name already exists in Data for ConfigMap ` +
          `${JSON.stringify(this.name)}`,
      );
    this.data.set(key, value);
  }

  /** addKeyFromFileToConfigMap: UTF-8 text is data, anything else binaryData (base64). */
  file(key: string, bytes: Uint8Array): void {
    let text: string | undefined;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      this.literal(key, text);
      return;
    }
    const errors = keyErrors(key);
    if (errors.length > 0)
      throw new ConfigMapError(`${JSON.stringify(key)} is not a valid key name for a ConfigMap: ${errors.join(',')}`);
    if (this.data.has(key) || this.binaryData.has(key))
      throw new ConfigMapError(
        `cannot add key ${JSON.stringify(key)}, another key by that name already exists in BinaryData for ConfigMap ` +
          `${JSON.stringify(this.name)}`,
      );
    this.binaryData.set(key, Buffer.from(bytes).toString('base64'));
  }
}

/** util.ParseLiteralSource: `key=value`, split at the first `=`. */
function literalSource(source: string): [string, string] {
  const eq = source.indexOf('=');
  if (eq <= 0) throw new ConfigMapError(`invalid literal source ${source}, expected key=value`);
  return [source.slice(0, eq), source.slice(eq + 1)];
}

/** util.ParseFileSource: `path` (keyed by its base name) or `key=path`. */
function fileSource(source: string): [string, string] {
  const separators = source.split('=').length - 1;
  if (separators === 0) return [source.replace(/\/+$/, '').split('/').pop() || '/', source];
  if (separators === 1 && source.startsWith('='))
    throw new ConfigMapError(`key name for file path ${source.slice(1)} missing`);
  if (separators === 1 && source.endsWith('='))
    throw new ConfigMapError(`file path for key name ${source.slice(0, -1)} missing`);
  if (separators > 1) throw new ConfigMapError("key names or file paths cannot contain '='");
  const [key, path] = source.split('=') as [string, string];
  return [key, path];
}

async function statOf(ctx: CommandContext, path: string): Promise<{ isDirectory: boolean; isFile: boolean }> {
  try {
    return await ctx.fs.stat(ctx.fs.resolvePath(ctx.cwd, path));
  } catch {
    throw new ConfigMapError(`error reading ${path}: no such file or directory`);
  }
}

async function fromFiles(contents: Contents, sources: string[], ctx: CommandContext): Promise<void> {
  for (const source of sources) {
    const [key, path] = fileSource(source);
    const info = await statOf(ctx, path);
    const resolved = ctx.fs.resolvePath(ctx.cwd, path);
    if (!info.isDirectory) {
      contents.file(key, await ctx.fs.readFileBuffer(resolved));
      continue;
    }
    if (source.includes('=')) throw new ConfigMapError('cannot give a key name for a directory path');
    // os.ReadDir's order (by name); only regular files count.
    for (const entry of [...(await ctx.fs.readdir(resolved))].sort()) {
      const item = `${resolved.replace(/\/$/, '')}/${entry}`;
      if ((await ctx.fs.stat(item)).isFile) contents.file(entry, await ctx.fs.readFileBuffer(item));
    }
  }
}

/** One line of an env file (processEnvFileLine): undefined for blank lines and comments. */
function envLine(line: string, first: boolean): [string, string] | undefined {
  const text = (first ? line.replace(/^\uFEFF/, '') : line).replace(/^\s+/, '');
  if (text === '' || text.startsWith('#')) return undefined;
  const eq = text.indexOf('=');
  const key = eq >= 0 ? text.slice(0, eq) : text;
  if (!ENV_NAME.test(key))
    throw new ConfigMapError(`${JSON.stringify(key)} is not a valid key name: ${ENV_NAME_ERROR}`);
  // A line without `=` takes its value from kubectl's own environment, where the lab sets nothing such.
  return [key, eq >= 0 ? text.slice(eq + 1) : ''];
}

async function fromEnvFiles(contents: Contents, sources: string[], ctx: CommandContext): Promise<void> {
  for (const path of sources) {
    const info = await statOf(ctx, path);
    if (info.isDirectory) throw new ConfigMapError('env config file cannot be a directory');
    const text = await ctx.fs.readFile(ctx.fs.resolvePath(ctx.cwd, path));
    text.split('\n').forEach((raw, i) => {
      const pair = envLine(raw.replace(/\r$/, ''), i === 0);
      if (pair) contents.literal(pair[0], pair[1]);
    });
  }
}

/** The object in the field order kubectl prints it (Go's JSON: keys of maps sorted). */
function configMapObject(contents: Contents, namespace: string | undefined): K8sObject {
  const sorted = (map: Map<string, string>) => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    apiVersion: 'v1',
    ...(contents.binaryData.size > 0 ? { binaryData: sorted(contents.binaryData) } : {}),
    ...(contents.data.size > 0 ? { data: sorted(contents.data) } : {}),
    kind: 'ConfigMap',
    metadata: { name: contents.name, ...(namespace ? { namespace } : {}) },
  } as K8sObject;
}

/** `kubectl create configmap NAME ...`. */
export async function createConfigMap(names: string[], args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const fail = (message: string): Output => ({ stdout: '', stderr: `error: ${message}\n`, exitCode: 1 });
  if (names.length !== 1)
    return {
      stdout: '',
      stderr: `error: exactly one NAME is required, got ${names.length}\nSee 'kubectl create configmap -h' for help and examples\n`,
      exitCode: 1,
    };
  const literals = args.values.get('from-literal') ?? [];
  const files = args.values.get('from-file') ?? [];
  const envFiles = args.values.get('from-env-file') ?? [];
  if (envFiles.length > 0 && (files.length > 0 || literals.length > 0))
    return fail('from-env-file cannot be combined with from-file or from-literal');
  const dryRun = flag(args, 'dry-run');
  if (dryRun !== undefined && !['none', 'client', 'server'].includes(dryRun))
    return fail(`Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
  const contents = new Contents(names[0]!);
  try {
    await fromFiles(contents, files, ctx);
    for (const source of literals) contents.literal(...literalSource(source));
    await fromEnvFiles(contents, envFiles, ctx);
  } catch (error) {
    if (error instanceof ConfigMapError) return fail(error.message);
    throw error;
  }
  const format = flag(args, 'output');
  // kubectl names the namespace only when one was asked for (-n); the server fills it in otherwise.
  const object = configMapObject(contents, ctx.namespaceGiven ? ctx.namespace : undefined);
  if (dryRun === 'client') {
    if (format) return { stdout: render(format, [object], true), stderr: '', exitCode: 0 };
    return { stdout: `configmap/${contents.name} created (dry run)\n`, stderr: '', exitCode: 0 };
  }
  try {
    const created = ctx.cluster.create(
      { ...object, metadata: { ...object.metadata, namespace: ctx.namespace } },
      { dryRun: dryRun === 'server' },
    );
    if (format) return { stdout: render(format, [created], true), stderr: '', exitCode: 0 };
    const suffix = dryRun === 'server' ? ' (server dry run)' : '';
    return { stdout: `configmap/${contents.name} created${suffix}\n`, stderr: '', exitCode: 0 };
  } catch (error) {
    // create_configmap.go wraps the server's error with %v, so it prints as a plain error.
    return fail(`failed to create configmap: ${(error as Error).message}`);
  }
}
