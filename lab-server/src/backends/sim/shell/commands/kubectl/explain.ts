/**
 * `kubectl explain RESOURCE[.FIELD...] [--recursive] [--api-version=GROUP/VERSION]`: the fields of a kind as the
 * API server's schema has them (the same schemas the lesson editor validates with), in kubectl 1.34's plaintext
 * layout: GROUP/KIND/VERSION, the field's type, its description, and its fields.
 */
import { objectSchema } from '../../../../../kube/editor/kubernetes.ts';
import { describeKind } from '../../../../../kube/editor/descriptions.ts';
import { resolveResourceName, type ApiResource } from '../../../cluster/discovery.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { isServed } from './resources.ts';

/** Flags of explain. */
export const EXPLAIN_FLAGS: FlagSpec = {
  values: ['api-version', 'output'],
  booleans: ['recursive'],
  short: { o: 'output' },
};

type Json = { [key: string]: unknown };

const NO_TYPE = `You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.

error: Required resource not specified.
See 'kubectl explain -h' for help and examples
`;

/** kubectl's name for a schema's type: `<string>`, `<[]Object>`, `<map[string]string>`, `<IntOrString>`. */
function typeName(schema: Json): string {
  const type = schema.type;
  if (Array.isArray(type)) return type.includes('integer') && type.includes('string') ? 'IntOrString' : 'Object';
  if (type === 'array') return `[]${typeName((schema.items as Json | undefined) ?? {})}`;
  if (type === 'object' || type === undefined) {
    const additional = schema.additionalProperties;
    if (!schema.properties && additional && typeof additional === 'object')
      return `map[string]${typeName(additional as Json)}`;
    return 'Object';
  }
  return String(type);
}

/** The object schema whose fields a (possibly array) schema has. */
function fieldsOf(schema: Json): Record<string, Json> | undefined {
  const inner = schema.type === 'array' ? ((schema.items as Json | undefined) ?? {}) : schema;
  return inner.properties as Record<string, Json> | undefined;
}

function requiredOf(schema: Json): string[] {
  const inner = schema.type === 'array' ? ((schema.items as Json | undefined) ?? {}) : schema;
  return Array.isArray(inner.required) ? (inner.required as string[]) : [];
}

/** Wraps text at 80 columns with `indent` spaces, as kubectl's template does. */
function wrap(text: string, indent: number): string {
  const width = 80 - indent;
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines.map((l) => `${' '.repeat(indent)}${l}`.trimEnd()).join('\n');
}

function fieldList(fields: Record<string, Json>, required: string[], recursive: boolean, depth: number): string {
  const pad = '  '.repeat(depth + 1);
  let out = '';
  for (const name of Object.keys(fields).sort()) {
    const schema = fields[name]!;
    out += `${pad}${name}\t<${typeName(schema)}>${required.includes(name) ? ' -required-' : ''}\n`;
    if (recursive) {
      const inner = fieldsOf(schema);
      if (inner) out += fieldList(inner, requiredOf(schema), true, depth + 1);
    } else
      out += `${wrap(typeof schema.description === 'string' ? schema.description : '<no description>', pad.length + 2)}\n\n`;
  }
  return out;
}

/** `kubectl explain`. */
export function explain(args: ParsedArgs, ctx: CommandContext): Output {
  const [target, ...extra] = args.positionals;
  if (!target) return { stdout: '', stderr: NO_TYPE, exitCode: 1 };
  if (extra.length)
    return {
      stdout: '',
      stderr: "error: We accept only this format: explain RESOURCE\nSee 'kubectl explain -h' for help and examples\n",
      exitCode: 1,
    };
  const format = flag(args, 'output') ?? 'plaintext';
  if (!['plaintext', 'plaintext-openapiv2'].includes(format))
    return {
      stdout: '',
      stderr: `error: supported output formats are plaintext, plaintext-openapiv2 but got "${format}"\n`,
      exitCode: 1,
    };
  const [typed, ...path] = target.split('.');
  // A dotted resource name with its group (`virtualservices.networking.istio.io.spec`) is not a field path.
  let resource: ApiResource | undefined;
  let fieldPath = path;
  for (let i = path.length; i > 0 && !resource; i--) {
    const group = path.slice(0, i).join('.');
    const candidate = resolveResourceName(`${typed}.${group}`);
    if (candidate?.group === group) {
      resource = candidate;
      fieldPath = path.slice(i);
    }
  }
  resource ??= resolveResourceName(typed!);
  if (!resource || !isServed(ctx.cluster, resource))
    return { stdout: '', stderr: `error: the server doesn't have a resource type "${typed}"\n`, exitCode: 1 };
  const apiVersion = flag(args, 'api-version');
  let version = resource.versions[0]!;
  if (apiVersion !== undefined) {
    const [group, v] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    if (group !== resource.group || !resource.versions.includes(v!))
      return {
        stdout: '',
        stderr:
          `error: couldn't find resource for ` +
          `"${resource.group ? `${resource.group}/` : ''}${apiVersion.split('/').at(-1)}, Kind=${resource.kind}"\n`,
        exitCode: 1,
      };
    version = v!;
  }
  let schema = objectSchema(resource.kind, 'en');
  let required: string[] = [];
  for (const name of fieldPath) {
    const field = fieldsOf(schema)?.[name];
    if (!field) return { stdout: '', stderr: `error: field "${name}" does not exist\n`, exitCode: 1 };
    required = requiredOf(schema);
    schema = field;
  }
  const head = `${resource.group ? `GROUP:      ${resource.group}\n` : ''}KIND:       ${resource.kind}\nVERSION:    ${version}\n\n`;
  const name = fieldPath.at(-1);
  const description =
    (name ? (schema.description as string | undefined) : describeKind(resource.kind, 'en')) ?? '<empty>';
  let out = head;
  if (name) out += `FIELD: ${name} <${typeName(schema)}>${required.includes(name) ? ' -required-' : ''}\n\n`;
  out += `DESCRIPTION:\n${wrap(description, 4)}\n    \n`;
  const fields = fieldsOf(schema);
  if (fields && Object.keys(fields).length)
    out += `FIELDS:\n${fieldList(fields, requiredOf(schema), args.booleans.has('recursive'), 0)}`;
  return { stdout: `${out.replace(/\n+$/, '')}\n\n`, stderr: '', exitCode: 0 };
}
