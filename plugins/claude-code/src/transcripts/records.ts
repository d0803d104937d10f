/**
 * Safe reads of Claude Code transcript records. Records come from JSON the CLI wrote (and may change between
 * releases), so every field is checked for its type before use and a missing one reads as undefined.
 */
export type TranscriptRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is TranscriptRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(record: TranscriptRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function num(record: TranscriptRecord, key: string): number | undefined {
  const value = record[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The `message` object of a `user`/`assistant` record. */
export function messageOf(record: TranscriptRecord): TranscriptRecord | undefined {
  const message = record.message;
  return isRecord(message) ? message : undefined;
}

/** The object items of `message.content` when it is an array; empty otherwise. */
export function contentItems(record: TranscriptRecord): TranscriptRecord[] {
  const content = messageOf(record)?.content;
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

/**
 * The texts a person (or the runtime) typed: a string `message.content`, or the `text` / string `content` of its
 * items. Tool results are not user text.
 */
export function userTexts(record: TranscriptRecord): string[] {
  const content = messageOf(record)?.content;
  if (typeof content === "string") return content === "" ? [] : [content];
  const texts: string[] = [];
  for (const item of contentItems(record)) {
    if (item.type === "tool_result") continue;
    const text = str(item, "text") ?? str(item, "content");
    if (text !== undefined) texts.push(text);
  }
  return texts;
}

/** A prompt sent into the session (not a tool result, not one of the CLI's own meta notes). */
export function isUserPrompt(record: TranscriptRecord): boolean {
  return record.type === "user" && record.isMeta !== true && userTexts(record).length > 0;
}
