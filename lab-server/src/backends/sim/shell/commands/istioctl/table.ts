/** Go tabwriter-style columns as istioctl prints them (cells padded to the column width plus padding). */

/** Renders rows (first row = header) with `padding` spaces between columns; the last column is not padded. */
export function renderColumns(rows: string[][], padding = 5): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows
    .map(
      (row) =>
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + padding)))
          .join('')
          .trimEnd() + '\n',
    )
    .join('');
}
