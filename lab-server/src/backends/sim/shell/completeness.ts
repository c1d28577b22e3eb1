/**
 * Whether the text typed so far is a whole command, or the shell should show `> ` and read more, as an
 * interactive bash does: an unclosed heredoc, quote, `$(`, `{`, `if`/`for`/`while`/`case`, a trailing
 * backslash, `|`, `&&` or `||`. just-bash's parser reports most of these as errors at the end of input;
 * heredocs and trailing operators it accepts silently, so they are found by scanning.
 */
import { parse } from 'just-bash';
import { LineMemo } from './lineMemo.ts';

/** The verdict on some input. */
export type Completeness = { kind: 'complete' } | { kind: 'incomplete' } | { kind: 'error'; message: string };

/** Verdicts on recent lines: a terminal asks once when a line is typed and the shell again when it runs it. */
const verdicts = new LineMemo(judge);

/** Decides whether `text` (lines joined with `\n`) can run now. */
export function completeness(text: string): Completeness {
  return verdicts.get(text);
}

function judge(text: string): Completeness {
  if (openHeredocs(text) || trailingContinuation(text)) return { kind: 'incomplete' };
  try {
    parse(quoteLiteralHeredocs(text));
    return { kind: 'complete' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/\bEOF\b/.test(message) || atEnd(message, text)) return { kind: 'incomplete' };
    return { kind: 'error', message };
  }
}

/** A parse error reported at (or past) the last character means "more input was expected". */
function atEnd(message: string, text: string): boolean {
  const m = /at (\d+):(\d+)/.exec(message);
  if (!m) return false;
  const lines = text.split('\n');
  const line = Number(m[1]);
  const column = Number(m[2]);
  return line > lines.length || (line === lines.length && column > lines[lines.length - 1]!.length);
}

function trailingContinuation(text: string): boolean {
  const lastLine = text.split('\n').at(-1)!;
  if (/(^|[^\\])(\\\\)*\\$/.test(lastLine)) return true;
  const code = stripComment(lastLine).trimEnd();
  return /(\|\||&&|\|)$/.test(code) && !/^\s*#/.test(lastLine);
}

/** The line without a trailing `# comment` (outside quotes). */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '\\') i++;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** True when a heredoc started in `text` has not seen its delimiter line yet. */
function openHeredocs(text: string): boolean {
  const pending: { word: string; stripTabs: boolean }[] = [];
  for (const line of text.split('\n')) {
    if (pending.length > 0) {
      const current = pending[0]!;
      const candidate = current.stripTabs ? line.replace(/^\t+/, '') : line;
      if (candidate === current.word) pending.shift();
      continue;
    }
    pending.push(...heredocStarts(stripComment(line)));
  }
  return pending.length > 0;
}

/** A heredoc a command line opens: its delimiter, and where its operator stands in the line. */
interface HeredocStart {
  word: string;
  stripTabs: boolean;
  /** The delimiter was written bare (`<<EOF`): the body is expanded. */
  bare: boolean;
  at: number;
  length: number;
}

/** The heredocs a command line opens (`<<EOF`, `<<-'EOF'`, `<< "END"`), skipping quoted text and `<<<`. */
function heredocStarts(line: string): HeredocStart[] {
  const found: HeredocStart[] = [];
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    // `$((1<<2))` and `((x <<= 1))` shift bits: arithmetic is no heredoc.
    if (c === '(' && line[i + 1] === '(') {
      i = arithmeticEnd(line, i);
      continue;
    }
    if (c === '<' && line[i + 1] === '<' && line[i + 2] !== '<' && line[i - 1] !== '<') {
      const m = /^<<(-?)\s*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z0-9_.-]+))/.exec(line.slice(i));
      if (m) {
        // Bare: no quote or backslash in the word, and the word ends where the match does (not `<<E"OF"`).
        const after = line[i + m[0].length];
        const bare = m[4] !== undefined && !m[0].includes('\\') && (after === undefined || /[\s;|&)<>]/.test(after));
        found.push({ word: m[2] ?? m[3] ?? m[4]!, stripTabs: m[1] === '-', bare, at: i, length: m[0].length });
        i += m[0].length - 1;
      }
    }
  }
  return found;
}

/** Where the arithmetic `((...))` opening at `start` closes (the line's end when it does not close on it). */
function arithmeticEnd(line: string, start: number): number {
  let depth = 0;
  for (let i = start; i < line.length; i++) {
    if (line[i] === '(') depth++;
    else if (line[i] === ')' && --depth === 0) return i;
  }
  return line.length;
}

/**
 * True when a line of `text` opens a heredoc (what the shell's rewrites leave as typed): found by scanning, so a
 * pasted manifest is not parsed once more to learn it. Lines are scanned alone, as `openHeredocs` scans them.
 */
export function hasHeredocs(text: string): boolean {
  return text.split('\n').some((line) => heredocStarts(stripComment(line)).length > 0);
}

/**
 * `text` with the delimiter of every bare heredoc whose body holds no `$`, backquote or backslash quoted
 * (`<<EOF` as `<<'EOF'`): bash expands such a body to itself, so the two mean the same, and just-bash parses a
 * quoted body as plain text instead of as a word to expand (a pasted manifest costs half as much).
 */
export function quoteLiteralHeredocs(text: string): string {
  if (!text.includes('<<')) return text;
  const lines = text.split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const starts = heredocStarts(stripComment(lines[i]!));
    if (starts.length === 0) continue;
    let next = i + 1;
    const literal: HeredocStart[] = [];
    for (const start of starts) {
      let end = next;
      while (end < lines.length && (start.stripTabs ? lines[end]!.replace(/^\t+/, '') : lines[end]) !== start.word)
        end++;
      if (end === lines.length) return changed ? lines.join('\n') : text; // unclosed: the parse says so
      if (start.bare && !lines.slice(next, end).some((body) => /[$`\\]/.test(body))) literal.push(start);
      next = end + 1;
    }
    // From the last operator back, so the earlier ones' positions stand.
    for (const start of literal.reverse()) {
      const line = lines[i]!;
      const operator = `<<${start.stripTabs ? '-' : ''}'${start.word}'`;
      lines[i] = line.slice(0, start.at) + operator + line.slice(start.at + start.length);
      changed = true;
    }
    i = next - 1;
  }
  return changed ? lines.join('\n') : text;
}

/**
 * The lines of a command being typed, judged as they come: a line inside an open heredoc costs only a
 * comparison with its delimiter, so pasting a 2,000-line manifest is linear, not 2,000 parses of a growing text.
 */
export class PendingInput {
  #lines: string[] = [];
  #heredocs: { word: string; stripTabs: boolean }[] = [];

  /** Lines so far. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** The lines joined as the shell receives them. */
  get text(): string {
    return this.#lines.join('\n');
  }

  /** Adds a line; the verdict is on all the lines so far. */
  add(line: string): Completeness {
    this.#lines.push(line);
    if (this.#heredocs.length > 0) {
      const current = this.#heredocs[0]!;
      const candidate = current.stripTabs ? line.replace(/^\t+/, '') : line;
      if (candidate === current.word) this.#heredocs.shift();
      if (this.#heredocs.length > 0) return { kind: 'incomplete' };
    } else {
      this.#heredocs.push(...heredocStarts(stripComment(line)));
      if (this.#heredocs.length > 0) return { kind: 'incomplete' };
    }
    return completeness(this.text);
  }

  clear(): void {
    this.#lines = [];
    this.#heredocs = [];
  }
}
