/**
 * curl's warnings (`Warning: ...` on stderr): nothing under -s, and long ones cut at the last blank before the
 * terminal's width, each piece with its own prefix (curl assumes 79 columns when it is not writing to a terminal).
 */

const PREFIX = 'Warning: ';

/** The warning as curl prints it; empty when silent. */
export function warning(text: string, silent: boolean, columns = 79): string {
  if (silent) return '';
  const width = columns - PREFIX.length;
  let rest = text;
  let out = '';
  while (rest.length > 0) {
    if (rest.length > width) {
      let cut = width - 1;
      while (cut > 0 && rest[cut] !== ' ' && rest[cut] !== '\t') cut--;
      if (cut === 0) cut = width - 1;
      out += `${PREFIX}${rest.slice(0, cut + 1)}\n`;
      rest = rest.slice(cut + 1);
    } else {
      out += `${PREFIX}${rest}\n`;
      rest = '';
    }
  }
  return out;
}
