/**
 * Follows `.team/logs/events.jsonl` the way `tail -F` would, for `team-agent watch`: each poll returns the complete
 * lines appended since the last one. The archive `events.jsonl.1` is never read; when the log rotates (the current
 * file shrank or was replaced, or the archive changed) the poll says so and reading restarts at the new file's start.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import type { EventRecord } from "@team-agent/core-state";

export interface FollowPoll {
  rotated: boolean;
  records: EventRecord[];
}

function signature(path: string): string | null {
  try {
    const stat = statSync(path);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return null;
  }
}

function parseRecord(line: string): EventRecord | null {
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed !== null && typeof parsed === "object" && typeof (parsed as EventRecord).event === "string") {
      return parsed as EventRecord;
    }
  } catch {
    // a garbage line is skipped
  }
  return null;
}

export class EventLogFollower {
  private offset = 0;
  /** Bytes after the last newline: an unfinished line (kept as bytes so a split character is not mangled). */
  private partial: Buffer = Buffer.alloc(0);
  /** Inode of the file `offset` belongs to; null before the first read or after a rotation. */
  private inode: number | null = null;
  private archive: string | null;
  private polled = false;

  constructor(readonly path: string) {
    this.archive = signature(`${path}.1`);
  }

  poll(): FollowPoll {
    const archive = signature(`${this.path}.1`);
    let rotated = this.polled && archive !== this.archive;
    this.archive = archive;
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      // Between the rename and the first write of the new file there is no current log.
      if (rotated) this.restart();
      this.polled = true;
      return { rotated, records: [] };
    }
    try {
      const stat = fstatSync(fd);
      const replaced = this.inode !== null && stat.ino !== this.inode;
      if (this.polled && (replaced || stat.size < this.offset)) rotated = true;
      if (rotated) this.restart();
      this.inode = stat.ino;
      const records = this.readFrom(fd, stat.size);
      this.polled = true;
      return { rotated, records };
    } finally {
      closeSync(fd);
    }
  }

  private restart(): void {
    this.offset = 0;
    this.partial = Buffer.alloc(0);
    this.inode = null;
  }

  private readFrom(fd: number, size: number): EventRecord[] {
    if (size <= this.offset) return [];
    const buffer = Buffer.alloc(size - this.offset);
    const read = readSync(fd, buffer, 0, buffer.length, this.offset);
    this.offset += read;
    const bytes = Buffer.concat([this.partial, buffer.subarray(0, read)]);
    const end = bytes.lastIndexOf(0x0a) + 1;
    this.partial = bytes.subarray(end);
    return bytes
      .subarray(0, end)
      .toString("utf8")
      .split("\n")
      .flatMap((line) => {
        const record = line.trim() === "" ? null : parseRecord(line);
        return record === null ? [] : [record];
      });
  }
}
