/**
 * procps-ng `watch`'s command line, parsed as its getopt_long parses it: short options grouped (`-dn1`), values
 * attached or separate, long options with `=` or a separate value, the command from the first operand on.
 */

/** What `watch` was asked to do. */
export interface WatchOptions {
  intervalS: number;
  title: boolean;
  /** `-d`: highlight what changed since the previous run. */
  differences: boolean;
  /** `-g`: stop when the output changes. */
  exitOnChange: boolean;
  /** `-e`: stop when the command fails. */
  exitOnError: boolean;
  help: boolean;
  version: boolean;
  command: string[];
}

/** procps' usage text, printed on `--help` (stdout) and on bad usage (stderr). */
export const WATCH_USAGE = `
Usage:
 watch [options] command

Options:
  -b, --beep             beep if command has a non-zero exit
  -c, --color            interpret ANSI color and style sequences
  -C, --no-color         do not interpret ANSI color and style sequences
  -d, --differences[=<permanent>]
                         highlight changes between updates
  -e, --errexit          exit if command has a non-zero exit
  -g, --chgexit          exit when output from command changes
  -q, --equexit <cycles>
                         exit when output from command does not change
  -n, --interval <secs>  seconds to wait between updates
  -p, --precise          attempt run command in precise intervals
  -r, --no-rerun         do not rerun program on window resize
  -t, --no-title         turn off header
  -w, --no-wrap          turn off line wrapping
  -x, --exec             pass command to exec instead of "sh -c"

 -h, --help     display this help and exit
 -v, --version  output version information and exit

For more details see watch(1).
`;

/** Long option name → its short letter. */
const LONG: Record<string, string> = {
  beep: 'b',
  color: 'c',
  'no-color': 'C',
  differences: 'd',
  errexit: 'e',
  chgexit: 'g',
  equexit: 'q',
  interval: 'n',
  precise: 'p',
  'no-rerun': 'r',
  'no-title': 't',
  'no-wrap': 'w',
  exec: 'x',
  help: 'h',
  version: 'v',
};

/** Letters that take a value (`-d` takes an optional one, attached only). */
const WITH_VALUE = new Set(['n', 'q']);
const FLAGS = new Set(['b', 'c', 'C', 'd', 'e', 'g', 'p', 'r', 't', 'w', 'x', 'h', 'v']);

/** The parsed options, or the error line procps prints before its usage (`usage` alone when it prints only that). */
export function parseWatchArgs(args: string[]): WatchOptions | { error: string } {
  const o: WatchOptions = {
    intervalS: 2,
    title: true,
    differences: false,
    exitOnChange: false,
    exitOnError: false,
    help: false,
    version: false,
    command: [],
  };
  const set = (letter: string, value: string | undefined): string | undefined => {
    if (letter === 'n') {
      // strtod_nol_or_err: the whole argument must be a number.
      const n = value !== undefined && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : NaN;
      if (Number.isNaN(n)) return `watch: failed to parse argument: '${value ?? ''}'\n`;
      o.intervalS = Math.min(Math.max(n, 0.1), 2 ** 32 - 1);
    } else if (letter === 'q') {
      if (value === undefined || !/^\d+$/.test(value)) return `watch: failed to parse argument: '${value ?? ''}'\n`;
    } else if (letter === 't') o.title = false;
    else if (letter === 'd') o.differences = true;
    else if (letter === 'g') o.exitOnChange = true;
    else if (letter === 'e') o.exitOnError = true;
    else if (letter === 'h') o.help = true;
    else if (letter === 'v') o.version = true;
    return undefined;
  };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const matches = Object.keys(LONG).filter((k) => k.startsWith(name));
      const exact = LONG[name] ? name : matches.length === 1 ? matches[0] : undefined;
      if (!exact) {
        const why = matches.length > 1 ? 'is ambiguous' : 'unrecognized option';
        return { error: matches.length > 1 ? `watch: option '${a}' ${why}\n` : `watch: ${why} '${a}'\n` };
      }
      const letter = LONG[exact]!;
      let value = eq < 0 ? undefined : a.slice(eq + 1);
      if (WITH_VALUE.has(letter) && value === undefined) {
        if (i + 1 >= args.length) return { error: `watch: option '--${exact}' requires an argument\n` };
        value = args[++i];
      } else if (!WITH_VALUE.has(letter) && letter !== 'd' && value !== undefined)
        return { error: `watch: option '--${exact}' doesn't allow an argument\n` };
      const error = set(letter, value);
      if (error) return { error };
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const letter = a[j]!;
      if (WITH_VALUE.has(letter)) {
        let value: string | undefined = a.slice(j + 1);
        if (value === '') {
          if (i + 1 >= args.length) return { error: `watch: option requires an argument -- '${letter}'\n` };
          value = args[++i];
        }
        const error = set(letter, value);
        if (error) return { error };
        break;
      }
      if (letter === 'd') {
        // -d's value is optional and only attached (-dpermanent).
        set('d', undefined);
        break;
      }
      if (!FLAGS.has(letter)) return { error: `watch: invalid option -- '${letter}'\n` };
      set(letter, undefined);
    }
  }
  o.command = args.slice(i);
  return o;
}
