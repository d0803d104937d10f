/**
 * Non-closing problems in a Claude Code transcript, for the lead and the abnormal track: API errors (with their
 * HTTP status and, for retry records, attempt / max / delay), rate limits, overload, failed tool calls and
 * context compaction. Lines that are not JSON objects are skipped.
 *
 * 2.1.332 writes a failed request as an assistant record with `isApiErrorMessage: true` (`model: "<synthetic>"`,
 * `apiErrorStatus`, `apiErrorType`, `error`); its retry notices (`system`/`api_error` with `retryAttempt`,
 * `maxRetries`, `retryInMs`) only reach the screen, but earlier releases wrote them, so both are read.
 */
import { parseJsonLines } from "@team-agent/idle-predicate";
import type { TranscriptFault } from "@team-agent/provider-registry";
import { contentItems, isRecord, messageOf, num, str, type TranscriptRecord, userTexts } from "./records.js";

const DETAIL_MAX = 300;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > DETAIL_MAX ? `${flat.slice(0, DETAIL_MAX - 1)}…` : flat;
}

/** HTTP status, error type and message of an API failure, wherever this record keeps them. */
function apiFailure(record: TranscriptRecord): { status?: number; type?: string; message?: string } {
  const error = record.error;
  if (isRecord(error)) {
    const inner = isRecord(error.error) ? error.error : undefined;
    return {
      status: num(error, "status"),
      type: (inner && str(inner, "type")) ?? str(error, "type"),
      message: (inner && str(inner, "message")) ?? str(error, "message"),
    };
  }
  return {
    status: num(record, "apiErrorStatus"),
    type: str(record, "apiErrorType") ?? (typeof error === "string" ? error : undefined),
    message: userTexts(record).join(" ") || undefined,
  };
}

function classify(failure: { status?: number; type?: string; message?: string }): {
  kind: TranscriptFault["kind"];
  signature: string;
} {
  const text = `${failure.type ?? ""} ${failure.message ?? ""}`;
  if (failure.status === 429 || /rate.?limit/i.test(text)) return { kind: "rate_limited", signature: "rate_limit" };
  if (failure.status === 529 || /overloaded/i.test(text)) return { kind: "api_error", signature: "overloaded" };
  return { kind: "api_error", signature: "api_error" };
}

function describe(failure: { status?: number; type?: string; message?: string }, retry?: string): string {
  const parts = [
    failure.status !== undefined ? `HTTP ${failure.status}` : undefined,
    failure.type,
    failure.message,
    retry,
  ].filter((p): p is string => p !== undefined && p !== "");
  return clip(parts.join(" · "));
}

function retryText(record: TranscriptRecord): string | undefined {
  const attempt = num(record, "retryAttempt");
  if (attempt === undefined) return undefined;
  const max = num(record, "maxRetries");
  const delay = num(record, "retryInMs");
  return `retry ${attempt}${max !== undefined ? `/${max}` : ""}${delay !== undefined ? ` in ${delay} ms` : ""}`;
}

function recordFaults(record: TranscriptRecord): TranscriptFault[] {
  if (record.type === "assistant" && record.isApiErrorMessage === true) {
    const failure = apiFailure(record);
    return [{ ...classify(failure), detail: describe(failure) }];
  }
  if (record.type === "system" && record.subtype === "api_error" && record.level === "error") {
    const failure = apiFailure(record);
    return [{ ...classify(failure), detail: describe(failure, retryText(record)) }];
  }
  if (record.type === "system" && record.subtype === "compact_boundary") {
    const meta = isRecord(record.compactMetadata) ? record.compactMetadata : {};
    const trigger = str(meta, "trigger");
    const tokens = num(meta, "preTokens");
    const detail = ["conversation compacted", trigger, tokens !== undefined ? `${tokens} tokens before` : undefined];
    return [{ kind: "compaction", signature: "compact_boundary", detail: detail.filter(Boolean).join(" · ") }];
  }
  if (record.type === "user" && messageOf(record)) {
    return contentItems(record)
      .filter((item) => item.type === "tool_result" && item.is_error === true)
      .map((item) => ({
        kind: "tool_error" as const,
        signature: "tool_result_is_error",
        detail: clip(typeof item.content === "string" ? item.content : JSON.stringify(item.content ?? "")),
      }));
  }
  return [];
}

export function transcriptFaults(text: string): TranscriptFault[] {
  return parseJsonLines(text).records.flatMap(recordFaults);
}
