/** GNU date's `+FORMAT` conversions (C locale, UTC: the simulated machines run in UTC), with its `-`, `_`, `0` pad flags. */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A conversion's value and how GNU pads it by default. */
type Field = { value: string | number; width: number; pad: '0' | ' ' | '' };

function field(d: Date, ms: number, c: string, colons: number): Field | string | undefined {
  const num = (value: number, width = 2, pad: '0' | ' ' = '0'): Field => ({ value, width, pad });
  const h = d.getUTCHours();
  const yearDay = Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  switch (c) {
    case 'a':
      return DAYS[d.getUTCDay()]!.slice(0, 3);
    case 'A':
      return DAYS[d.getUTCDay()]!;
    case 'b':
    case 'h':
      return MONTHS[d.getUTCMonth()]!.slice(0, 3);
    case 'B':
      return MONTHS[d.getUTCMonth()]!;
    case 'c':
      return strftime('%a %b %e %H:%M:%S %Y', ms);
    case 'C':
      return num(Math.floor(d.getUTCFullYear() / 100));
    case 'd':
      return num(d.getUTCDate());
    case 'D':
      return strftime('%m/%d/%y', ms);
    case 'e':
      return num(d.getUTCDate(), 2, ' ');
    case 'F':
      return strftime('%Y-%m-%d', ms);
    case 'H':
      return num(h);
    case 'I':
      return num(h % 12 || 12);
    case 'j':
      return num(yearDay, 3);
    case 'k':
      return num(h, 2, ' ');
    case 'l':
      return num(h % 12 || 12, 2, ' ');
    case 'm':
      return num(d.getUTCMonth() + 1);
    case 'M':
      return num(d.getUTCMinutes());
    case 'n':
      return '\n';
    case 'N':
      return String((((ms % 1000) + 1000) % 1000) * 1_000_000).padStart(9, '0');
    case 'p':
      return h < 12 ? 'AM' : 'PM';
    case 'P':
      return h < 12 ? 'am' : 'pm';
    case 'r':
      return strftime('%I:%M:%S %p', ms);
    case 'R':
      return strftime('%H:%M', ms);
    case 's':
      return { value: Math.floor(ms / 1000), width: 1, pad: '0' };
    case 'S':
      return num(d.getUTCSeconds());
    case 't':
      return '\t';
    case 'T':
      return strftime('%H:%M:%S', ms);
    case 'u':
      return num(d.getUTCDay() || 7, 1);
    case 'w':
      return num(d.getUTCDay(), 1);
    case 'x':
      return strftime('%m/%d/%y', ms);
    case 'X':
      return strftime('%H:%M:%S', ms);
    case 'y':
      return num(d.getUTCFullYear() % 100);
    case 'Y':
      return { value: d.getUTCFullYear(), width: 1, pad: '0' };
    case 'z':
      return ['+0000', '+00:00', '+00:00:00', '+00'][colons] ?? '+0000';
    case 'Z':
      return 'UTC';
    case '%':
      return '%';
    default:
      return undefined;
  }
}

/** `format` with every `%` conversion filled in for the instant `ms`; unknown conversions stay as written. */
export function strftime(format: string, ms: number): string {
  const d = new Date(ms);
  return format.replace(
    /%([-_0^#]?)(\d*)(:{0,3})([a-zA-Z%])/g,
    (whole, flag: string, width: string, colons: string, c: string) => {
      const f = field(d, ms, c, colons.length);
      if (f === undefined) return whole;
      let text: string;
      if (typeof f === 'string') text = f;
      else {
        const pad = flag === '-' ? '' : flag === '_' ? ' ' : flag === '0' ? '0' : f.pad;
        const w = width ? Number(width) : f.width;
        text = pad ? String(f.value).padStart(w, pad) : String(f.value);
      }
      if (typeof f === 'string' && width) text = text.padStart(Number(width), flag === '0' ? '0' : ' ');
      return flag === '^' ? text.toUpperCase() : text;
    },
  );
}
