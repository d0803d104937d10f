/**
 * What session discovery needs from the start of a transcript: its session id, cwd, first timestamp and whether a
 * prompt was sent (the CLI writes the file only once one is). Only the first 200 records are looked at.
 */
import { parseJsonLines } from "@team-agent/idle-predicate";
import { isUserPrompt, str, userTexts } from "./records.js";

export const HEAD_RECORDS = 200;
/** Bytes read from the start of a file; enough for the first records even with a long pasted prompt. */
export const HEAD_BYTES = 256 * 1024;

export interface TranscriptHead {
  sessionId: string | null;
  cwd: string | null;
  /** ISO time of the first record that carries one. */
  timestamp: string | null;
  hasUserPrompt: boolean;
  /** The prompts' texts joined by newlines (for matching the agent's id). */
  userText: string;
}

/** Summarises the first records of a transcript text. A partial or broken line is skipped, never fatal. */
export function summarizeHead(text: string): TranscriptHead {
  const head: TranscriptHead = { sessionId: null, cwd: null, timestamp: null, hasUserPrompt: false, userText: "" };
  const texts: string[] = [];
  for (const record of parseJsonLines(text).records.slice(0, HEAD_RECORDS)) {
    head.sessionId ??= str(record, "sessionId") ?? null;
    head.cwd ??= str(record, "cwd") ?? null;
    const stamp = str(record, "timestamp");
    if (head.timestamp === null && stamp !== undefined && !Number.isNaN(Date.parse(stamp))) head.timestamp = stamp;
    if (isUserPrompt(record)) {
      head.hasUserPrompt = true;
      texts.push(...userTexts(record));
    }
  }
  head.userText = texts.join("\n");
  return head;
}
