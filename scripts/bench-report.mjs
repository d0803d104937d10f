// Shared by every package's benchmark: prints one aligned table and writes the same rows as JSON under the
// repository's bench/results/ (<package>.json, overwritten each run, with the machine facts beside the rows).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./workspaces.mjs";

/**
 * @param {string} packageName e.g. "@team-agent/core-state"
 * @param {Array<Record<string, string | number>>} rows one object per measurement, same keys in every row
 * @returns {string} the JSON file written
 */
export function writeBenchReport(packageName, rows) {
  const columns = Object.keys(rows[0] ?? {});
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((row) => row[index].length)));
  const line = (values) =>
    values
      .map((value, index) => value.padStart(index === 0 ? 0 : widths[index]).padEnd(index === 0 ? widths[0] : 0))
      .join("  ");
  console.log(`\n${packageName}`);
  console.log(line(columns));
  for (const row of cells) console.log(line(row));

  const dir = join(repoRoot, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${packageName.replace(/^@/, "").replace(/\//g, "__")}.json`);
  const machine = {
    node: process.version,
    platform: process.platform,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "unknown",
    memory_bytes: totalmem(),
  };
  writeFileSync(
    file,
    `${JSON.stringify({ package: packageName, measured_at: new Date().toISOString(), machine, rows }, null, 2)}\n`,
  );
  console.log(`\nwritten: ${file}`);
  return file;
}

function formatCell(value) {
  if (typeof value !== "number") return String(value);
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value >= 100 ? value.toFixed(0) : value.toFixed(3);
}
