/** Flag parsing for the `labs` commands: node's `parseArgs`, with errors worded for people. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line: printed with the command's usage, exit status 2. */
export class UsageError extends Error {
  readonly command: string;
  constructor(command: string, message: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** A failure that should end the command with a message and a status, without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` against `options`; unknown flags and stray arguments become `UsageError`s. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      strict: true,
      allowPositionals,
    });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
    throw new UsageError(command, message.replace(/^Unknown option '([^']+)'.*$/s, "unknown flag '$1'"));
  }
}

/** A whole number within bounds, or a `UsageError` naming the flag. */
export function intFlag(
  command: string,
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(
      command,
      `invalid value "${value}" for ${flag}: expected a whole number from ${min} to ${max}`,
    );
  }
  return Number(value);
}

/** One of a set of words, or a `UsageError`. */
export function choiceFlag<T extends string>(
  command: string,
  flag: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(command, `invalid value "${value}" for ${flag}: expected one of ${choices.join(', ')}`);
  }
  return value as T;
}
