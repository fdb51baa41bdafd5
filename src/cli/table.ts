/**
 * Plain-text tables for terminal output: columns padded to their widest cell, numbers aligned
 * right. No box drawing, so output stays greppable.
 */

/** One column of a {@link formatTable} table. */
export interface Column {
  /** Header text. */
  header: string;
  /** Align cells to the right (numbers). */
  right?: boolean;
}

/** Formats `rows` under `columns`, two spaces between columns, trailing spaces trimmed. */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        const width = widths[index] ?? 0;
        return column.right ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return `${[line(columns.map((column) => column.header)), ...rows.map(line)].join("\n")}\n`;
}
