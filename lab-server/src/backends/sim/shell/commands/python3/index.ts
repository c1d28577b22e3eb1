/**
 * `python3` in the lab shell: only `python3 -m json.tool` (the seed pipes JSON through it), with Python's
 * formatting (4-space indent, `ensure_ascii`, `--sort-keys`, `--indent`, `--compact`) and error messages.
 */
import { decodeBytesToUtf8, defineCommand, type Command } from 'just-bash';

function pythonString(text: string, ensureAscii: boolean): string {
  const json = JSON.stringify(text);
  if (!ensureAscii) return json;
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function dump(value: unknown, indent: string | undefined, sortKeys: boolean, ensureAscii: boolean, level = 0): string {
  const pad = (n: number) => (indent === undefined ? '' : `\n${indent.repeat(n)}`);
  const itemSep = indent === undefined ? ', ' : ',';
  if (value === null) return 'null';
  if (typeof value === 'string') return pythonString(value, ensureAscii);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((v) => `${pad(level + 1)}${dump(v, indent, sortKeys, ensureAscii, level + 1)}`).join(itemSep)}${pad(level)}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const items = entries.map(
    ([k, v]) =>
      `${pad(level + 1)}${pythonString(k, ensureAscii)}: ${dump(v, indent, sortKeys, ensureAscii, level + 1)}`,
  );
  return `{${items.join(itemSep)}${pad(level)}}`;
}

function pythonFloat(n: number): string {
  const s = String(n);
  return /e/.test(s) ? s.replace(/e\+?/, 'e+').replace('e+-', 'e-') : s;
}

/** Python's json error text: "Expecting value: line 1 column 1 (char 0)". */
function decodeError(text: string, error: unknown): string {
  const m = /position (\d+)/.exec(String((error as Error).message));
  const pos = m ? Number(m[1]) : 0;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const what =
    text.trim() === '' || pos === 0
      ? 'Expecting value'
      : /Unexpected end/.test(String((error as Error).message))
        ? 'Expecting value'
        : 'Expecting property name enclosed in double quotes';
  return `${what}: line ${line} column ${column} (char ${pos})`;
}

const USAGE =
  'usage: python -m json.tool [-h] [--sort-keys] [--no-ensure-ascii] [--json-lines] ' +
  '[--indent INDENT | --tab | --no-indent | --compact] [infile] [outfile]\n';

/** The `python3` command. */
export function createPython3Command(name = 'python3'): Command {
  return defineCommand(name, async (args, ctx) => {
    if (args[0] === '--version' || args[0] === '-V') return { stdout: 'Python 3.13.5\n', stderr: '', exitCode: 0 };
    if (args[0] !== '-m' || args[1] !== 'json.tool') {
      const what = args.length === 0 ? 'an interactive interpreter' : `"${name} ${args.join(' ')}"`;
      return {
        stdout: '',
        stderr: `${name}: ${what} is not available in this lab shell; only "${name} -m json.tool" is\n`,
        exitCode: 2,
      };
    }
    let indent: string | undefined = '    ';
    let sortKeys = false;
    let ensureAscii = true;
    const files: string[] = [];
    const rest = args.slice(2);
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--sort-keys') sortKeys = true;
      else if (a === '--no-ensure-ascii') ensureAscii = false;
      else if (a === '--compact' || a === '--no-indent') indent = undefined;
      else if (a === '--tab') indent = '\t';
      else if (a === '--indent') indent = ' '.repeat(Number(rest[++i] ?? 4));
      else if (a === '-h' || a === '--help') return { stdout: USAGE, stderr: '', exitCode: 0 };
      else if (a.startsWith('-'))
        return {
          stdout: '',
          stderr: `${USAGE}python -m json.tool: error: unrecognized arguments: ${a}\n`,
          exitCode: 2,
        };
      else files.push(a);
    }
    let text: string;
    if (files[0] && files[0] !== '-') {
      const path = ctx.fs.resolvePath(ctx.cwd, files[0]);
      if (!(await ctx.fs.exists(path)))
        return {
          stdout: '',
          stderr:
            `${USAGE}python -m json.tool: error: argument infile: can't open ` +
            `'${files[0]}': [Errno 2] No such file or directory: '${files[0]}'\n`,
          exitCode: 2,
        };
      text = await ctx.fs.readFile(path);
    } else text = decodeBytesToUtf8(ctx.stdin);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { stdout: '', stderr: `${decodeError(text, error)}\n`, exitCode: 1 };
    }
    // Without --indent, json.tool prints compactly (no spaces after separators).
    const compact = () => dump(value, undefined, sortKeys, ensureAscii).replace(/, /g, ',').replace(/": /g, '":');
    const out = `${indent === undefined ? compact() : dump(value, indent, sortKeys, ensureAscii)}\n`;
    if (files[1]) {
      await ctx.fs.writeFile(ctx.fs.resolvePath(ctx.cwd, files[1]), out);
      return { stdout: '', stderr: '', exitCode: 0 };
    }
    return { stdout: out, stderr: '', exitCode: 0 };
  });
}
