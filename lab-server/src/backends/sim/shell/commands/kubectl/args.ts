/**
 * kubectl's flag syntax (pflag): `-n ns`, `-nns`, `--namespace=ns`, `--namespace ns`, `-oyaml`, grouped
 * booleans (`-it`), `--` ending flags. Each subcommand says which flags it takes; anything else is refused
 * with kubectl's message.
 */

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: string[];
  /** Values by long flag name (repeatable flags keep every value). */
  values: Map<string, string[]>;
  booleans: Set<string>;
  /** Booleans given as `--name=false` (for flags whose default is true, as set env's `--overwrite`). */
  cleared?: Set<string>;
  /** Arguments after `--`, kept apart (exec's command). */
  rest: string[];
  dashDash: boolean;
}

/** A usage problem: the message kubectl prints, and the subcommand for the "See ... --help" line. */
export class KubectlUsageError extends Error {
  readonly command: string;
  constructor(message: string, command: string) {
    super(message);
    this.command = command;
  }
}

/** Flags of one subcommand: long names, their one-letter shorthands, and which take values. */
export interface FlagSpec {
  values: string[];
  booleans: string[];
  short: Record<string, string>;
}

const GLOBAL: FlagSpec = {
  values: ['namespace', 'context', 'kubeconfig', 'request-timeout', 'cluster', 'user', 'server', 'v'],
  booleans: ['help', 'insecure-skip-tls-verify'],
  short: { n: 'namespace', h: 'help', s: 'server', v: 'v' },
};

/** Parses `argv` for `command` with `spec` (plus kubectl's global flags). */
export function parseArgs(argv: string[], command: string, spec: FlagSpec): ParsedArgs {
  const values = new Map<string, string[]>();
  const booleans = new Set<string>();
  const cleared = new Set<string>();
  const positionals: string[] = [];
  const allValues = new Set([...GLOBAL.values, ...spec.values]);
  const allBooleans = new Set([...GLOBAL.booleans, ...spec.booleans]);
  const short = { ...GLOBAL.short, ...spec.short };
  const setValue = (name: string, value: string) => values.set(name, [...(values.get(name) ?? []), value]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return { positionals, values, booleans, cleared, rest: argv.slice(i + 1), dashDash: true };
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (allValues.has(name)) {
        if (eq > 0) setValue(name, arg.slice(eq + 1));
        else if (i + 1 < argv.length) setValue(name, argv[++i]!);
        else throw new KubectlUsageError(`error: flag needs an argument: --${name}`, command);
      } else if (allBooleans.has(name)) {
        if (eq > 0 && arg.slice(eq + 1) === 'false') {
          booleans.delete(name);
          cleared.add(name);
        } else {
          booleans.add(name);
          cleared.delete(name);
        }
      } else throw new KubectlUsageError(`error: unknown flag: --${name}`, command);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const name = short[letter];
        if (!name) throw new KubectlUsageError(`error: unknown shorthand flag: '${letter}' in ${arg}`, command);
        if (allValues.has(name)) {
          let value = arg.slice(j + 1);
          if (value.startsWith('=')) value = value.slice(1);
          if (value === '') {
            if (i + 1 >= argv.length)
              throw new KubectlUsageError(`error: flag needs an argument: '${letter}' in -${letter}`, command);
            value = argv[++i]!;
          }
          setValue(name, value);
          break;
        }
        booleans.add(name);
      }
    } else positionals.push(arg);
  }
  return { positionals, values, booleans, cleared, rest: [], dashDash: false };
}

/** The last value of a flag. */
export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.at(-1);
}
