/** Small helpers for human output: one-line text, cut lengths, ages and aligned columns. */

/** Collapses every run of whitespace (newlines included) into one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `text` cut to at most `max` characters (code points), the last one an ellipsis when something was cut. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** How long ago `iso` was, in the largest whole unit: `4s`, `12m`, `3h`, `2d`; `-` when unknown. */
export function formatAge(iso: string | null | undefined, nowMs: number = Date.now()): string {
  if (!iso) return "-";
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "-";
  const seconds = Math.max(0, Math.floor((nowMs - then) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/**
 * Rows of cells as aligned lines (two spaces between columns, the last column not padded). `paint` may colour a
 * cell after it has been padded, so escape codes never upset the alignment.
 */
export function alignColumns(
  rows: readonly (readonly string[])[],
  paint: (cell: string, column: number, row: number) => string = (cell) => cell,
): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, Array.from(cell).length);
    });
  }
  return rows.map((row, rowIndex) =>
    row
      .map((cell, column) => {
        const last = column === row.length - 1;
        const padded = last ? cell : cell + " ".repeat((widths[column] ?? 0) - Array.from(cell).length);
        return paint(padded, column, rowIndex);
      })
      .join("  ")
      .trimEnd(),
  );
}
