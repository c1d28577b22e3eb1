/**
 * Where the curl tool's callbacks write, as curl 8.16 sets them up: -v's trace to stderr (tool_cb_dbg.c), each
 * received header line to -D's file and, under -i/-I, to the output (tool_cb_hdr.c), bodies to the output
 * (tool_cb_wrt.c). The output is stdout, buffered as libc buffers it (stdio.ts), or -o's file. Because every write
 * happens when libcurl reports the data, the order a learner sees comes out of the same rules as curl's: on a
 * terminal `-v -i` shows each `< ` line before its header, into a pipe the body waits for the end of the transfer.
 */
import type { OrderedOutput, StreamFacts } from '../../orderedOutput.ts';
import { type StdioStream, stdioStreams } from '../../stdio.ts';
import type { CurlArgs } from './options.ts';
import type { TransferEvents } from './transfer.ts';

const BOLD = '\x1b[1m';
/** curl switches bold off with "all attributes off" (some terminals lack the bold-off code). */
const BOLDOFF = '\x1b[0m';
/** OSC 8: the hyperlink curl wraps a Location header's value in on a terminal. */
const LINK = '\x1b]8;;';
const LINKST = '\x1b\\';

/** The absolute URL a Location value points at (curl's CURLU_NO_DEFAULT_PORT), or undefined when curl would not link it. */
function linkTarget(value: string, base: string): string | undefined {
  try {
    const url = new URL(value.trim(), base);
    return ['http:', 'https:', 'ftp:', 'ftps:'].includes(url.protocol) ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** The curl tool's outputs for one command: its streams, -o's file and -D's file. */
export class CurlOutput implements TransferEvents {
  readonly #args: CurlArgs;
  readonly #facts: StreamFacts;
  readonly stdout: StdioStream;
  readonly stderr: StdioStream;
  /** What -o's file holds for the current attempt (a retry starts it over). */
  #file = '';
  /** What -D's file (not `-`) receives over the whole command. */
  #dumped = '';
  /** tool_cb_dbg.c notes a run of body data once, until a trace line comes between. */
  #tracedData = false;
  #url = '';

  constructor(args: CurlArgs, output: OrderedOutput, facts: StreamFacts) {
    this.#args = args;
    this.#facts = facts;
    const streams = stdioStreams(output, facts, { unbufferedStdout: args.noBuffer });
    this.stdout = streams.stdout;
    this.stderr = streams.stderr;
  }

  /** Whether the output goes to stdout (no -o, or `-o -`). */
  get #toStdout(): boolean {
    return this.#args.output === undefined || this.#args.output === '-';
  }

  /** curl's `isatty`: the output is stdout and stdout is a terminal (tool_operate.c). */
  get isatty(): boolean {
    return this.#toStdout && this.#facts.terminal;
  }

  /** A new attempt (a retry writes -o's file over). */
  begin(): void {
    this.#file = '';
  }

  request(url: string): void {
    this.#url = url;
  }

  /** -o's file content of the last attempt. */
  get file(): string {
    return this.#file;
  }

  /** -D's file content (when -D names a file). */
  get dumped(): string {
    return this.#dumped;
  }

  #output(text: string): void {
    if (this.#toStdout) this.stdout.write(text);
    else this.#file += text;
  }

  trace(line: string): void {
    if (!this.#args.verbose) return;
    this.stderr.write(`${line}\n`);
    this.#tracedData = false;
  }

  header(line: string): void {
    if (this.#args.verbose) {
      this.stderr.write(`< ${line}`);
      this.#tracedData = false;
    }
    const dump = this.#args.dumpHeader;
    if (dump === '-') {
      // The header callback flushes -D's stream after each line; for `-` that is stdout.
      this.stdout.write(line);
      this.stdout.flush();
    } else if (dump !== undefined) this.#dumped += line;
    if (this.#args.include || this.#args.head) this.#output(this.#styled(line));
  }

  body(text: string): void {
    if (!text) return;
    // On a terminal the body is shown, so the trace does not announce it (tool_cb_dbg.c).
    if (this.#args.verbose && !this.#tracedData && !this.isatty) {
      this.stderr.write(`{ [${Buffer.byteLength(text)} bytes data]\n`);
      this.#tracedData = true;
    }
    this.#output(text);
  }

  /** A header line as -i shows it: on a terminal the name is bold and a Location's value is a hyperlink. */
  #styled(line: string): string {
    const colon = line.indexOf(':');
    if (!this.isatty || !this.#args.styledOutput || colon < 0) return line;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (name.toLowerCase() !== 'location') return `${BOLD}${name}${BOLDOFF}:${value}`;
    const target = linkTarget(value, this.#url);
    if (!target) return `${BOLD}${name}${BOLDOFF}:${value}`;
    const skipped = /^[ \t]*/.exec(value)![0];
    return `${BOLD}${name}${BOLDOFF}:${skipped}${LINK}${target}${LINKST}${value.slice(skipped.length)}${LINK}${LINKST}`;
  }
}
