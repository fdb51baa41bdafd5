/** Plain-text (Markdown) tables for the console and the README. */

/** A cell: text, a number (formatted by the caller's digits), or null for "n/a". */
export type Cell = string | number | null;

/** Formats a number with fixed digits, thousands separated; null/NaN → "–". */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A ratio as `1.07×`; null → "–". */
export function formatRatio(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? "–"
    : `${value.toFixed(2)}×`;
}

/** Renders a Markdown table with columns padded for reading in a terminal. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]) {
  const text = rows.map((row) => row.map((cell) => (cell === null ? "–" : String(cell))));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...text.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [
    line(headers),
    `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`,
    ...text.map(line),
  ].join("\n");
}
