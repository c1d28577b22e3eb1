/**
 * Turns zod issues about a lab file into one line each, in the way Starlight words content errors:
 * `steps[2].check.type: Received "trafic"; Expected one of object, traffic, ...`.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** `steps[2].check.type` from `['steps', 2, 'check', 'type']`. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** Messages for every issue, each prefixed with its path inside the file. */
export function describeIssues(issues: readonly Issue[], input: unknown): string[] {
  return issues.flatMap((issue) => describeIssue(issue, [], input));
}

function describeIssue(issue: Issue, prefix: readonly PathKey[], input: unknown): string[] {
  const path = [...prefix, ...issue.path];
  const received = valueAt(input, path);
  switch (issue.code) {
    case 'invalid_union':
      return describeUnion(issue.errors, path, input);
    case 'invalid_type':
      if (received === undefined) return [`${formatPath(path)}: Required; Expected ${issue.expected}`];
      return [`${formatPath(path)}: Received ${show(received)}; Expected ${issue.expected}`];
    case 'invalid_value':
      return [`${formatPath(path)}: Received ${show(received)}; Expected ${oneOf(issue.values.map((v) => String(v)))}`];
    case 'unrecognized_keys':
      return issue.keys.map(
        (key) => `${formatPath([...path, key])}: Unrecognized key; remove it or check its spelling`,
      );
    default:
      return [`${formatPath(path)}: ${issue.message}`];
  }
}

/**
 * A union fails as a whole; say something useful. Checks are discriminated by `type`: when no branch
 * accepts the `type`, list the valid ones; when one does, report that branch's own issues.
 */
function describeUnion(branches: readonly (readonly Issue[])[], path: readonly PathKey[], input: unknown): string[] {
  const isTypeMismatch = (i: Issue) => i.code === 'invalid_value' && i.path.length === 1 && i.path[0] === 'type';
  const discriminated = branches.every((b) => b.some(isTypeMismatch) || !b.some((i) => i.path[0] === 'type'));
  const typed = branches.filter((b) => b.some(isTypeMismatch));
  if (discriminated && typed.length === branches.length && branches.length > 0) {
    const values = typed.flatMap((b) =>
      b.filter(isTypeMismatch).flatMap((i) => (i.code === 'invalid_value' ? i.values.map(String) : [])),
    );
    const typePath = [...path, 'type'];
    return [`${formatPath(typePath)}: Received ${show(valueAt(input, typePath))}; Expected ${oneOf(values)}`];
  }
  const candidates =
    typed.length > 0 && typed.length < branches.length ? branches.filter((b) => !b.some(isTypeMismatch)) : branches;
  const best = [...candidates].sort((a, b) => a.length - b.length)[0] ?? [];
  return best.flatMap((issue) => describeIssue(issue, path, input));
}

function oneOf(values: string[]): string {
  return values.length === 1 ? values[0]! : `one of ${values.join(', ')}`;
}

/** The raw value at a path of the parsed YAML, to say what was received. */
function valueAt(input: unknown, path: readonly PathKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}
