/** Non-closing problems in a fake transcript (API errors, failed tool calls), for the abnormal track. */

import { parseJsonLines } from "@team-agent/idle-predicate";
import type { TranscriptFault } from "@team-agent/provider-registry";
import { extractClaudeShapedFacts } from "./reader.js";

function describe(raw: Record<string, unknown> | undefined): string {
  if (!raw) return "";
  const error = raw["error"];
  if (error !== null && typeof error === "object") {
    const { status, message } = error as Record<string, unknown>;
    return [status, message].filter((part) => part !== undefined && part !== null).join(" ");
  }
  const message = raw["message"];
  if (message !== null && typeof message === "object") {
    const content = (message as Record<string, unknown>)["content"];
    if (Array.isArray(content)) {
      for (const item of content) {
        if (item === null || typeof item !== "object") continue;
        const value = (item as Record<string, unknown>)["text"] ?? (item as Record<string, unknown>)["content"];
        if (typeof value === "string") return value;
      }
    }
  }
  return "";
}

export function readFaults(text: string): TranscriptFault[] {
  const { records } = parseJsonLines(text);
  const faults: TranscriptFault[] = [];
  for (const fact of extractClaudeShapedFacts(records)) {
    if (fact.kind !== "error") continue;
    const detail = describe(fact.raw);
    const signature = fact.signature ?? "error";
    const kind =
      signature === "tool_result_is_error"
        ? "tool_error"
        : /\b429\b|rate.?limit/i.test(detail)
          ? "rate_limited"
          : signature === "api_error"
            ? "api_error"
            : "other";
    faults.push({ kind, signature, detail });
  }
  return faults;
}
