/**
 * Go's text/tabwriter as kubectl's describers configure it (minwidth 0, tabwidth 8, padding 2, padchar ' ',
 * no flags): tab-terminated cells of consecutive lines form a column block padded to its widest cell + 2; a line
 * without a cell in that column ends the block. kubectl's `describe` alignment (including its odd-looking
 * `Events:` line after a nested spec) comes from exactly this.
 */

/** Aligns tab-separated text as Go's tabwriter would with padding 2. */
export function tabwrite(text: string, padding = 2): string {
  const trailingNewline = text.endsWith('\n');
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const widths: number[] = [];
  const out: string[] = [];

  const write = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      out.push(
        cells.map((cell, j) => (j < widths.length && j < cells.length - 1 ? cell.padEnd(widths[j]!) : cell)).join(''),
      );
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= lines[current]!.length - 1) continue;
      write(line0, current);
      line0 = current;
      let width = 0;
      for (; current < line1; current++) {
        const cells = lines[current]!;
        if (column >= cells.length - 1) break;
        width = Math.max(width, [...cells[column]!].length + padding);
      }
      widths.push(width);
      format(line0, current);
      widths.pop();
      line0 = current;
      current--;
    }
    write(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}
