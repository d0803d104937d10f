/** File access for session discovery: list a project dir's transcripts and read the start of one. */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { HEAD_BYTES } from "./head.js";

export interface TranscriptFile {
  path: string;
  /** The file name without `.jsonl`: the session id the CLI named it after. */
  stem: string;
  mtimeMs: number;
  size: number;
}

export function stemOf(path: string): string {
  return basename(path, ".jsonl");
}

/** The `*.jsonl` files directly in `dir`, newest first; a missing or unreadable dir is empty. */
export async function listTranscripts(dir: string): Promise<TranscriptFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files: TranscriptFile[] = [];
  for (const name of names) {
    if (!name.endsWith(".jsonl")) continue;
    const path = join(dir, name);
    try {
      const info = await stat(path);
      if (info.isFile()) files.push({ path, stem: stemOf(path), mtimeMs: info.mtimeMs, size: info.size });
    } catch {
      // Gone between readdir and stat: not a candidate.
    }
  }
  return files.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** The file's first bytes as text, cut after the last complete line; null when it cannot be read. */
function completeLines(buffer: Buffer, length: number, wholeFile: boolean): string {
  const text = buffer.subarray(0, length).toString("utf8");
  if (wholeFile) return text;
  const cut = text.lastIndexOf("\n");
  return cut < 0 ? "" : text.slice(0, cut + 1);
}

export async function readHeadText(path: string, maxBytes = HEAD_BYTES): Promise<string | null> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return completeLines(buffer, bytesRead, bytesRead < maxBytes);
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/** Synchronous twin for the resume check, which runs inside a synchronous plan builder. */
export function readHeadTextSync(path: string, maxBytes = HEAD_BYTES): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buffer = Buffer.alloc(maxBytes);
    const bytesRead = readSync(fd, buffer, 0, maxBytes, 0);
    return completeLines(buffer, bytesRead, bytesRead < maxBytes);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export async function fileStat(path: string): Promise<{ mtimeMs: number; size: number } | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? { mtimeMs: info.mtimeMs, size: info.size } : null;
  } catch {
    return null;
  }
}

export function fileExistsSync(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
