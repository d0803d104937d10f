/**
 * Appends the fake's Claude-shaped records to `<projects root>/<encoded cwd>/<session>.jsonl`, one write per line.
 * The file is created with the first record (as Claude Code creates its transcript with the first prompt); a
 * resumed session continues the uuid chain of the existing file.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { RecordContext, TranscriptRecord } from "../transcript/records.js";

export class TranscriptWriter {
  private parentUuid: string | null = null;
  private readonly ctx: Omit<RecordContext, "parentUuid">;

  constructor(
    readonly path: string,
    ctx: Omit<RecordContext, "parentUuid">,
  ) {
    this.ctx = ctx;
    if (existsSync(path)) this.parentUuid = lastUuid(readFileSync(path, "utf8"));
  }

  /** Builds records with the current chain position and appends them; returns what was written. */
  append(build: (ctx: RecordContext) => TranscriptRecord | TranscriptRecord[]): TranscriptRecord[] {
    const built = build({ ...this.ctx, parentUuid: this.parentUuid });
    const records = Array.isArray(built) ? built : [built];
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    for (const record of records) {
      appendFileSync(this.path, `${JSON.stringify(record)}\n`, { mode: 0o600 });
      this.parentUuid = record.uuid;
    }
    return records;
  }
}

function lastUuid(text: string): string | null {
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const record = JSON.parse(lines[i] ?? "") as { uuid?: unknown };
      if (typeof record.uuid === "string") return record.uuid;
    } catch {
      // a torn last line: keep looking upwards
    }
  }
  return null;
}
