/**
 * YAML syntax errors in the words of go-yaml (what kubectl's YAML-to-JSON conversion reports), from the `yaml`
 * package's error codes. go-yaml numbers scanner errors by the offending line and parser errors by the line
 * before it (its 0-based mark printed as is), so the line follows the kind of error.
 */
import type { YAMLError } from 'yaml';

/** `line N: message` (or the unmarshal form for duplicate keys), as printed after `yaml: `. */
export function goYamlError(errors: readonly YAMLError[], text: string): string {
  const first = errors[0]!;
  const line = (e: YAMLError, end = false) => (end ? e.linePos?.[1]?.line : undefined) ?? e.linePos?.[0]?.line ?? 1;
  const multiline = errors.find((e) => e.code === 'MULTILINE_IMPLICIT_KEY');
  switch (first.code) {
    case 'TAB_AS_INDENT':
      return `line ${line(first)}: found character that cannot start any token`;
    case 'BLOCK_AS_IMPLICIT_KEY':
      if (first.message.startsWith('Nested mappings'))
        return `line ${multiline ? line(multiline, true) : line(first)}: mapping values are not allowed in this context`;
      return `line ${line(errors.at(-1)!) - 1}: did not find expected key`;
    case 'MULTILINE_IMPLICIT_KEY':
      return `line ${line(first, true)}: could not find expected ':'`;
    case 'BAD_INDENT':
      if (first.message.startsWith('Flow')) return `line ${line(first) - 1}: did not find expected ',' or ']'`;
      return `line ${line(first) - 1}: did not find expected key`;
    case 'MISSING_CHAR':
      if (/quote/.test(first.message)) return `line ${line(first)}: found unexpected end of stream`;
      return `line ${line(first)}: could not find expected ':'`;
    case 'DUPLICATE_KEY': {
      const source = text.split('\n')[line(first) - 1] ?? '';
      const key = /^\s*(?:-\s+)?["']?([^"':]+)["']?\s*:/.exec(source)?.[1] ?? '';
      return `unmarshal errors:\n  line ${line(first)}: key "${key}" already set in map`;
    }
    default:
      return `line ${line(first)}: ${first.message
        .split('\n')[0]!
        .replace(/ at line \d+, column \d+:?$/, '')
        .replace(/^./, (c) => c.toLowerCase())}`;
  }
}
