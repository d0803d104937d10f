/**
 * Finding and reading rollout files: `<sessions>/YYYY/MM/DD/rollout-<stamp>-<uuid>.jsonl`. Capture polls every
 * 50 ms, so the walk is bounded: directories are visited newest name first, dated directories that end well
 * before the spawn time are skipped, and at most `limit` files are collected.
 */
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseJsonLines } from "@team-agent/idle-predicate";

const ROLLOUT_NAME_RE = /^rollout-.*\.jsonl$/;
/** Dated directories use the machine's local date; a day of slack covers any time zone. */
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RolloutFile {
  path: string;
  mtimeMs: number;
}

async function entries(dir: string): Promise<{ name: string; isDir: boolean; isFile: boolean }[]> {
  try {
    const list = await readdir(dir, { withFileTypes: true });
    return list
      .map((e) => ({ name: e.name, isDir: e.isDirectory(), isFile: e.isFile() }))
      .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  } catch {
    return [];
  }
}

/**
 * The last instant a dated directory can hold files for: `2026` → end of 2026, `2026/11` → end of November,
 * `2026/11/25` → end of that day (plus a day of time-zone slack). Null when the path is not a date.
 */
export function datedDirEnd(parts: readonly string[]): number | null {
  if (parts.length === 0 || parts.length > 3 || !parts.every((p) => /^\d+$/.test(p))) return null;
  const [year, month, day] = parts.map(Number) as [number, number?, number?];
  let end: number;
  if (month === undefined) end = Date.UTC(year + 1, 0, 1);
  else if (day === undefined) end = Date.UTC(year, month, 1);
  else end = Date.UTC(year, month - 1, day + 1);
  return Number.isNaN(end) ? null : end + DAY_MS;
}

/**
 * Rollout files under `root`, newest modification first, modified at or after `notBeforeMs`, at most `limit`
 * of them looked at.
 */
export async function newestRollouts(root: string, notBeforeMs: number, limit = 1500): Promise<RolloutFile[]> {
  const found: RolloutFile[] = [];
  async function walk(dir: string, parts: string[]): Promise<void> {
    for (const entry of await entries(dir)) {
      if (found.length >= limit) return;
      const path = join(dir, entry.name);
      if (entry.isDir) {
        const end = datedDirEnd([...parts, entry.name]);
        // Newest name first: once one dated sibling is too old, the rest are older still.
        if (end !== null && end < notBeforeMs) return;
        await walk(path, [...parts, entry.name]);
      } else if (entry.isFile && ROLLOUT_NAME_RE.test(entry.name)) {
        try {
          const info = await stat(path);
          if (info.mtimeMs >= notBeforeMs) found.push({ path, mtimeMs: info.mtimeMs });
        } catch {
          /* removed while we looked */
        }
      }
    }
  }
  await walk(root, []);
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** Reads at most `maxBytes` from the start of a file; null when it cannot be read. */
async function readStart(path: string, maxBytes: number, stopAtFirstLine: boolean): Promise<Buffer | null> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < maxBytes) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (stopAtFirstLine && chunk.subarray(0, bytesRead).includes(0x0a)) break;
    }
    return Buffer.concat(chunks);
  } catch {
    return null;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * The first line parsed as a JSON object (the session meta, ~20 KiB in 0.169 because it embeds the base
 * instructions), or null when it is missing, incomplete or not an object.
 */
export async function readFirstRecord(path: string, maxBytes = 1024 * 1024): Promise<Record<string, unknown> | null> {
  const bytes = await readStart(path, maxBytes, true);
  if (bytes === null) return null;
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return null; // still being written, or longer than we are willing to read
  const { records } = parseJsonLines(bytes.subarray(0, newline).toString("utf8"));
  return records[0] ?? null;
}

/** The complete records among the first `maxBytes` of a file (a cut-off last line is dropped). */
export async function readHeadRecords(path: string, maxBytes = 512 * 1024): Promise<Record<string, unknown>[]> {
  const bytes = await readStart(path, maxBytes, false);
  if (bytes === null) return [];
  const lastNewline = bytes.lastIndexOf(0x0a);
  if (lastNewline < 0) return [];
  return parseJsonLines(bytes.subarray(0, lastNewline).toString("utf8")).records;
}
