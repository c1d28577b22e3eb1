/** `watch -d`: the characters that differ from the previous screen, in reverse video, as procps draws them. */

const ON = '\x1b[7m';
const OFF = '\x1b[0m';

/** `current` with every character that is not the same at the same line and column of `previous` highlighted. */
export function highlightChanges(previous: string, current: string): string {
  const before = previous.split('\n');
  return current
    .split('\n')
    .map((line, row) => {
      const old = before[row] ?? '';
      let out = '';
      let inside = false;
      for (let col = 0; col < line.length; col++) {
        const changed = line[col] !== old[col];
        if (changed !== inside) out += changed ? ON : OFF;
        inside = changed;
        out += line[col];
      }
      return inside ? `${out}${OFF}` : out;
    })
    .join('\n');
}
