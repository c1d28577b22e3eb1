/**
 * The pieces of kubectl's describers: Go's tabwriter layout, smart labels, label and annotation blocks, RFC 1123
 * times, the Events table, and the generic describer CRDs get.
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { humanAge } from './age.ts';
import { tabwrite } from './tabwriter.ts';

type Obj = Record<string, any>;

const ACRONYMS = ['API', 'URL', 'UID', 'OSB', 'GUID'];

/** Go's camelcase.Split: runs of lower, upper, digit and other characters, an upper run handing its last letter on. */
function camelSplit(text: string): string[] {
  const kind = (c: string) => (/[a-z]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : /[0-9]/.test(c) ? 3 : 4);
  const runs: string[] = [];
  let last = 0;
  for (const c of text) {
    const k = kind(c);
    if (k === last) runs[runs.length - 1] += c;
    else runs.push(c);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (kind(runs[i]![0]!) === 2 && kind(runs[i + 1]![0]!) === 1) {
      runs[i + 1] = runs[i]!.slice(-1) + runs[i + 1];
      runs[i] = runs[i]!.slice(0, -1);
    }
  }
  return runs.filter((r) => r.length > 0);
}

/** kubectl's smartLabelFor: `creationTimestamp` → `Creation Timestamp`, `uid` → `UID`; keys with other characters as they are. */
export function smartLabel(field: string): string {
  if (/[^A-Za-z-]/.test(field)) return field;
  return camelSplit(field)
    .filter((p) => p !== '_')
    .map((p) => (ACRONYMS.includes(p.toUpperCase()) ? p.toUpperCase() : p[0]!.toUpperCase() + p.slice(1)))
    .join(' ');
}

/** kubectl's printUnstructuredContent: keys sorted, maps nested two spaces deeper, list items without dashes. */
function unstructured(content: Obj, level: number, path: string, skip: string[]): string {
  const pad = '  '.repeat(level);
  let out = '';
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const expr = `${path}.${field}`;
    if (skip.includes(expr)) continue;
    if (Array.isArray(value)) {
      out += `${pad}${smartLabel(field)}:\n`;
      for (const child of value)
        out +=
          child && typeof child === 'object' && !Array.isArray(child)
            ? unstructured(child as Obj, level + 1, expr, skip)
            : `${pad}  ${goValue(child)}\n`;
    } else if (value && typeof value === 'object') {
      out += `${pad}${smartLabel(field)}:\n${unstructured(value as Obj, level + 1, expr, skip)}`;
    } else out += `${pad}${smartLabel(field)}:\t${goValue(value)}\n`;
  }
  return out;
}

/** How Go's `%v` prints a JSON value. */
function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (typeof value === 'object')
    return `map[${Object.keys(value as Obj)
      .sort()
      .map((k) => `${k}:${goValue((value as Obj)[k])}`)
      .join(' ')}]`;
  return String(value);
}

/** `Labels:` with one `key=value` per line, sorted, continuation lines in the same column. */
export function labelsBlock(title: string, labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return `${title}:\t<none>\n`;
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}=${labels![k]}\n`).join('');
}

/** `Annotations:` as kubectl prints them: last-applied skipped, long or multi-line values on their own lines. */
export function annotationsBlock(title: string, annotations: Record<string, string> | undefined): string {
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== 'kubectl.kubernetes.io/last-applied-configuration')
    .sort();
  if (keys.length === 0) return `${title}:\t<none>\n`;
  let out = `${title}:\t`;
  keys.forEach((key, i) => {
    if (i !== 0) out += '\t';
    const value = annotations![key]!.replace(/\n$/, '');
    if (value.length + key.length + 2 > 140 || value.includes('\n')) {
      out += `${key}:\n`;
      for (const line of value.split('\n')) out += `\t  ${line.length > 138 ? `${line.slice(0, 138)}...` : line}\n`;
    } else out += `${key}: ${value}\n`;
  });
  return out;
}

/** `Mon, 02 Jan 2006 15:04:05 -0700` (Go's time.RFC1123Z) in UTC. */
export function rfc1123z(time: string | number): string {
  return new Date(time).toUTCString().replace('GMT', '+0000');
}

/** kubectl's Events section: the cluster's Event objects about `obj`, or `Events:\t<none>`. */
export function eventsBlock(obj: K8sObject, cluster: SimClusterApi, now: number): string {
  const events = cluster.list('Event', obj.metadata.namespace).filter((e) => {
    const about = (e as Obj).involvedObject as Obj | undefined;
    return (
      about &&
      about.kind === obj.kind &&
      about.name === obj.metadata.name &&
      (!about.uid || !obj.metadata.uid || about.uid === obj.metadata.uid)
    );
  });
  if (events.length === 0) return 'Events:\t<none>\n';
  const since = (t: string | undefined) => (t ? humanAge(Date.parse(t), now) : '<unknown>');
  let out = 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n';
  for (const e of events as Obj[]) {
    const first = since(e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp);
    const age = (e.count ?? 1) > 1 ? `${since(e.lastTimestamp)} (x${e.count} over ${first})` : first;
    out +=
      `  ${e.type ?? ''}\t${e.reason ?? ''}\t${age}\t` +
      `${e.source?.component ?? e.reportingComponent ?? ''}\t${String(e.message ?? '').trim()}\n`;
  }
  return out;
}

/** kubectl's generic describer (CRDs such as VirtualService): every field, sorted, then the Events. */
export function describeGeneric(obj: K8sObject, cluster: SimClusterApi, now: number): string {
  return tabwrite(
    [
      `Name:\t${obj.metadata.name}\n`,
      `Namespace:\t${obj.metadata.namespace ?? ''}\n`,
      labelsBlock('Labels', obj.metadata.labels),
      annotationsBlock('Annotations', obj.metadata.annotations),
      unstructured(obj as unknown as Obj, 0, '', [
        '.metadata.managedFields',
        '.metadata.name',
        '.metadata.namespace',
        '.metadata.labels',
        '.metadata.annotations',
      ]),
      eventsBlock(obj, cluster, now),
    ].join(''),
  );
}
