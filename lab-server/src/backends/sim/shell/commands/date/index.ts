/**
 * `date` (coreutils) on the environment's clock: after `sleep 30` it shows 30 seconds later, as the pods' ages do.
 * Prints the time (`+FORMAT`, `-I`, `-R`, `--rfc-3339`), of now or of `-d STRING`; refuses what GNU date refuses.
 */
import { defineCommand, type Command } from 'just-bash';
import { strftime } from './strftime.ts';

const TRY = "Try 'date --help' for more information.\n";
const DEFAULT_FORMAT = '%a %b %e %H:%M:%S %Z %Y';
const ISO: Record<string, string> = {
  date: '%Y-%m-%d',
  hours: '%Y-%m-%dT%H%:z',
  minutes: '%Y-%m-%dT%H:%M%:z',
  seconds: '%Y-%m-%dT%H:%M:%S%:z',
  ns: '%Y-%m-%dT%H:%M:%S,%N%:z',
};
const RFC3339: Record<string, string> = {
  date: '%Y-%m-%d',
  seconds: '%Y-%m-%d %H:%M:%S%:z',
  ns: '%Y-%m-%d %H:%M:%S.%N%:z',
};

/** The instant `-d STRING` names (`@SECONDS`, `now`, `N unit ago`, `+N unit`, or a calendar date), or undefined. */
export function parseDateString(text: string, now: number): number | undefined {
  const s = text.trim().toLowerCase();
  if (s === '' || s === 'now' || s === 'today') return now;
  const epoch = /^@([+-]?\d+(?:\.\d+)?)$/.exec(s);
  if (epoch) return Math.round(Number(epoch[1]) * 1000);
  const relative = /^([+-]?\d+)\s*(sec|second|min|minute|hour|day|week)s?(\s+ago)?$/.exec(s);
  if (relative) {
    const unit = { sec: 1, second: 1, min: 60, minute: 60, hour: 3600, day: 86_400, week: 604_800 }[relative[2]!]!;
    return now + Number(relative[1]) * unit * 1000 * (relative[3] ? -1 : 1);
  }
  if (s === 'yesterday') return now - 86_400_000;
  if (s === 'tomorrow') return now + 86_400_000;
  // Calendar dates: ISO forms and the RFC forms Date understands, read as UTC when they name no zone.
  if (!/^\d{4}-\d\d-\d\d([ t]\d\d:\d\d(:\d\d(\.\d+)?)?)?(z|[+-]\d\d:?\d\d| utc)?$/.test(s) && !/[a-z]{3},? /.test(s))
    return undefined;
  const zoned = /(z|[+-]\d\d:?\d\d|utc|gmt)$/.test(s) ? s.replace(/ utc$/, 'z') : `${s.replace(' ', 'T')}Z`;
  const ms = Date.parse(zoned.toUpperCase().replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** Makes `date`; `now` reads the environment's clock. */
export function createDateCommand(now: () => number): Command {
  return defineCommand('date', async (args) => {
    const fail = (message: string) => ({ stdout: '', stderr: `date: ${message}\n${TRY}`, exitCode: 1 });
    let when: string | undefined;
    let format: string | undefined;
    const operands: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const long = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(a);
      if (a === '-u' || a === '--utc' || a === '--universal') continue;
      if (a === '-d' || a === '--date') {
        if (i + 1 >= args.length)
          return fail(a === '-d' ? "option requires an argument -- 'd'" : "option '--date' requires an argument");
        when = args[++i];
      } else if (a.startsWith('-d') && a.length > 2) when = a.slice(2);
      else if (long?.[1] === 'date' && long[2] !== undefined) when = long[2];
      else if (a === '-R' || a === '--rfc-email' || a === '--rfc-2822') format = '%a, %d %b %Y %H:%M:%S %z';
      else if (a === '-I' || a.startsWith('-I') || long?.[1] === 'iso-8601') {
        const which = a.startsWith('-I') ? a.slice(2) || 'date' : (long?.[2] ?? 'date');
        if (!ISO[which]) return fail(`invalid argument ‘${which}’ for ‘--iso-8601’`);
        format = ISO[which];
      } else if (long?.[1] === 'rfc-3339') {
        const which = long[2];
        if (which === undefined) return fail("option '--rfc-3339' requires an argument");
        if (!RFC3339[which]) return fail(`invalid argument ‘${which}’ for ‘--rfc-3339’`);
        format = RFC3339[which];
      } else if (a === '--help')
        return {
          stdout: 'Usage: date [OPTION]... [+FORMAT]\nDisplay date and time in the given FORMAT.\n',
          stderr: '',
          exitCode: 0,
        };
      else if (a === '--') {
        operands.push(...args.slice(i + 1));
        break;
      } else if (a.startsWith('--')) return fail(`unrecognized option '${a.replace(/=.*$/, '')}'`);
      else if (a.startsWith('-') && a !== '-') return fail(`invalid option -- '${a[1]}'`);
      else operands.push(a);
    }
    if (operands.length > 1) return fail(`extra operand ‘${operands[1]}’`);
    const [operand] = operands;
    if (operand !== undefined) {
      // An operand without + sets the clock (MMDDhhmm[[CC]YY][.ss]): not allowed to a lab user.
      if (!operand.startsWith('+'))
        return { stdout: '', stderr: 'date: cannot set date: Operation not permitted\n', exitCode: 1 };
      if (format) return fail('multiple output formats specified');
      format = operand.slice(1);
    }
    const ms = when === undefined ? now() : parseDateString(when, now());
    if (ms === undefined) return { stdout: '', stderr: `date: invalid date ‘${when}’\n`, exitCode: 1 };
    return { stdout: `${strftime(format ?? DEFAULT_FORMAT, ms)}\n`, stderr: '', exitCode: 0 };
  });
}
