/** A small cobra-like flag parser for istioctl: flags as data, errors worded as cobra words them. */

/** One flag of a subcommand. */
export interface FlagSpec {
  long: string;
  short?: string;
  /** Takes a value (`--set k=v`, `-f file`); else boolean. */
  value?: boolean;
  /** May be repeated; values are collected. */
  repeated?: boolean;
  help: string;
}

/** Parsed flags and positional arguments. */
export interface ParsedFlags {
  values: Map<string, string[]>;
  booleans: Set<string>;
  positional: string[];
}

/** A usage error: istioctl prints `Error: <message>` and exits 1. */
export class UsageError extends Error {}

/** Flags every istioctl command accepts. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { long: 'namespace', short: 'n', value: true, help: 'Kubernetes namespace' },
  { long: 'istioNamespace', short: 'i', value: true, help: 'Istio system namespace (default "istio-system")' },
  { long: 'context', value: true, help: 'Kubernetes configuration context' },
  { long: 'kubeconfig', short: 'c', value: true, help: 'Kubernetes configuration file' },
  { long: 'help', short: 'h', help: 'help for this command' },
];

/** Parses argv against flag specs (`--flag value`, `--flag=value`, `-f value`, `-fvalue`, `-y`). */
export function parseFlags(argv: string[], specs: FlagSpec[]): ParsedFlags {
  const all = [...specs, ...GLOBAL_FLAGS];
  const out: ParsedFlags = { values: new Map(), booleans: new Set(), positional: [] };
  const put = (spec: FlagSpec, value: string) => {
    const list = out.values.get(spec.long) ?? [];
    if (spec.repeated) list.push(value);
    else list.splice(0, list.length, value);
    out.values.set(spec.long, list);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = all.find((s) => s.long === name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      if (spec.value) {
        const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`flag needs an argument: --${name}`);
        put(spec, value);
      } else {
        const value = eq >= 0 ? arg.slice(eq + 1) : 'true';
        if (value === 'false') out.booleans.delete(spec.long);
        else out.booleans.add(spec.long);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        const spec = all.find((s) => s.short === letter);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg}`);
        if (!spec.value) {
          out.booleans.add(spec.long);
          continue;
        }
        let value = arg.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        if (!value) {
          value = argv[++i];
          if (value === undefined) throw new UsageError(`flag needs an argument: '${letter}' in -${letter}`);
        }
        put(spec, value);
        break;
      }
      continue;
    }
    out.positional.push(arg);
  }
  return out;
}

/** The single value of a flag, if given. */
export function flagValue(flags: ParsedFlags, name: string): string | undefined {
  return flags.values.get(name)?.at(-1);
}

/** A help screen in cobra's layout. */
export function helpText(short: string, usage: string, flags: FlagSpec[]): string {
  const lines = [...flags, ...GLOBAL_FLAGS].map((f) => {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${f.long}${f.value ? ' string' : ''}`;
    return `  ${left.padEnd(34)}${f.help}`;
  });
  return `${short}\n\nUsage:\n  ${usage}\n\nFlags:\n${lines.join('\n')}\n`;
}
