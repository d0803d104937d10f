import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { type Clock, isoNow, systemClock } from "./time.js";

/** D2: one JSON object per line, `ts` and `event` first, then the fields in sorted order. */
export interface EventRecord {
  ts: string;
  event: string;
  [field: string]: unknown;
}

/** What stores and daemons write events through; tests pass an in-memory sink. */
export interface EventSink {
  emit(event: string, fields?: Record<string, unknown>): void;
}

export const DEFAULT_ROTATE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_ARCHIVES = 5;

const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

export interface EventLogOptions {
  rotateBytes?: number;
  archives?: number;
  clock?: Clock;
}

/**
 * Append-only event log with size-bounded rotation (`events.jsonl` → `.1` … `.N`). Each line goes out in one
 * `write(2)` on an O_APPEND descriptor, so concurrent writers never interleave inside a line.
 */
export class EventLog implements EventSink {
  readonly path: string;
  private readonly rotateBytes: number;
  private readonly archives: number;
  private readonly clock: Clock;

  constructor(path: string, options: EventLogOptions = {}) {
    this.path = path;
    this.rotateBytes = options.rotateBytes ?? DEFAULT_ROTATE_BYTES;
    this.archives = options.archives ?? DEFAULT_ARCHIVES;
    this.clock = options.clock ?? systemClock;
  }

  emit(event: string, fields: Record<string, unknown> = {}): void {
    this.append(formatEventLine(event, fields, isoNow(this.clock)));
  }

  private append(line: string): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    if (fileSize(this.path) >= this.rotateBytes) this.rotate();
    const fd = openSync(this.path, "a", 0o600);
    try {
      writeSync(fd, Buffer.from(line, "utf8"));
    } finally {
      closeSync(fd);
    }
  }

  /** Shifts `.N-1 → .N … current → .1`. Errors are swallowed: losing a rotation must never lose the event. */
  private rotate(): void {
    try {
      rmSync(`${this.path}.${this.archives}`, { force: true });
      for (let index = this.archives - 1; index >= 1; index -= 1) {
        try {
          renameSync(`${this.path}.${index}`, `${this.path}.${index + 1}`);
        } catch {
          // that archive does not exist yet
        }
      }
      renameSync(this.path, `${this.path}.1`);
    } catch {
      // another process rotated first
    }
  }

  /** The last `count` events of the current segment (archives are never read); garbage lines come back as `{raw}`. */
  tail(count: number): Array<EventRecord | { raw: string }> {
    if (count <= 0) return [];
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return [];
    }
    try {
      const size = fstatSync(fd).size;
      const chunkSize = 64 * 1024;
      let position = size;
      let text = "";
      while (position > 0 && countNewlines(text) <= count) {
        const length = Math.min(chunkSize, position);
        position -= length;
        const buffer = Buffer.alloc(length);
        readSync(fd, buffer, 0, length, position);
        text = buffer.toString("utf8") + text;
      }
      const lines = text.split("\n").filter((line) => line.trim() !== "");
      if (position > 0) lines.shift(); // the first line may be cut in half
      return lines.slice(-count).map(parseEventLine);
    } finally {
      closeSync(fd);
    }
  }

  /** Sizes of the current segment and archives, for `watch`'s rotation detection and for tests. */
  segments(): Array<{ path: string; bytes: number }> {
    const paths = [this.path, ...Array.from({ length: this.archives }, (_, i) => `${this.path}.${i + 1}`)];
    const found: Array<{ path: string; bytes: number }> = [];
    for (const path of paths) {
      try {
        found.push({ path, bytes: statSync(path).size });
      } catch {
        // missing segment
      }
    }
    return found;
  }
}

/** Collects events in memory; for tests and for callers that have no workspace yet. */
export class MemoryEventSink implements EventSink {
  readonly events: EventRecord[] = [];
  emit(event: string, fields: Record<string, unknown> = {}): void {
    this.events.push({ ts: isoNow(), event, ...fields });
  }
  named(event: string): EventRecord[] {
    return this.events.filter((record) => record.event === event);
  }
}

export const nullEventSink: EventSink = { emit: () => {} };

export function formatEventLine(event: string, fields: Record<string, unknown>, ts: string): string {
  if (!EVENT_NAME.test(event)) throw new TypeError(`event name must be dotted snake_case: ${JSON.stringify(event)}`);
  const record: Record<string, unknown> = { ts, event };
  for (const key of Object.keys(fields).sort()) {
    if (key === "ts" || key === "event") continue;
    const value = fields[key];
    record[key] = value === undefined ? null : value;
  }
  return `${JSON.stringify(record)}\n`;
}

function parseEventLine(line: string): EventRecord | { raw: string } {
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) && "event" in parsed) {
      return parsed as EventRecord;
    }
  } catch {
    // fall through
  }
  return { raw: line };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) count += 1;
  return count;
}
