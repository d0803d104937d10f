/**
 * Non-closing problems in a Codex transcript, for the lead's fault report:
 *   - API errors: the `error` of `task_complete` / `turn/completed` (HTTP 400/500 after retries, …), failed turns;
 *   - rate limits: 429-type errors, and `token_count.rate_limits` saying a limit was reached;
 *   - compaction: the `compacted` record / `ContextCompaction` item of 0.169, `context_compacted` of older
 *     releases, `thread/compacted` of the app-server (one per turn however many records say so);
 *   - MCP tool errors: `mcp_tool_call_end` whose result is an error.
 * Parsing is lenient: lines that are not JSON objects are skipped.
 */
import { parseJsonLines } from "@team-agent/idle-predicate";
import type { TranscriptFault } from "@team-agent/provider-registry";
import { eventPayload, isObject, isRateLimit, type Json, rpc, str, turnError } from "./records.js";

const DETAIL_MAX = 300;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > DETAIL_MAX ? `${flat.slice(0, DETAIL_MAX - 1)}…` : flat;
}

function errorFault(value: unknown): TranscriptFault | null {
  const error = turnError(value);
  if (error === null) return null;
  const status = error.httpStatus === null ? "" : ` (HTTP ${error.httpStatus})`;
  return {
    kind: isRateLimit(error) ? "rate_limited" : "api_error",
    signature: error.category,
    detail: clip(`${error.message}${status}`),
  };
}

/** A reached limit in `token_count.rate_limits`, or null. */
function rateLimitFault(rateLimits: unknown): TranscriptFault | null {
  if (!isObject(rateLimits)) return null;
  const reached = str(rateLimits.rate_limit_reached_type);
  if (reached !== null) return { kind: "rate_limited", signature: reached, detail: `rate limit reached (${reached})` };
  if (rateLimits.spend_control_reached === true || isObject(rateLimits.spend_control_reached)) {
    return { kind: "rate_limited", signature: "spend_control_reached", detail: "spend control limit reached" };
  }
  for (const window of ["primary", "secondary"] as const) {
    const entry = rateLimits[window];
    if (isObject(entry) && typeof entry.used_percent === "number" && entry.used_percent >= 100) {
      return {
        kind: "rate_limited",
        signature: `${window}_window_exhausted`,
        detail: `${window} rate-limit window at ${entry.used_percent}%`,
      };
    }
  }
  return null;
}

const COMPACTION: TranscriptFault = {
  kind: "compaction",
  signature: "context_compacted",
  detail: "the conversation was compacted; earlier context is now a summary",
};

function isCompaction(record: Json, payload: Json | null, message: { method: string; params: Json } | null): boolean {
  if (record.type === "compacted") return true;
  if (payload?.type === "context_compacted") return true;
  if (payload?.type === "item_completed" && isObject(payload.item) && payload.item.type === "ContextCompaction") {
    return true;
  }
  if (message?.method === "thread/compacted") return true;
  return (
    message?.method === "item/completed" &&
    isObject(message.params.item) &&
    message.params.item.type === "contextCompaction"
  );
}

function mcpToolFault(payload: Json): TranscriptFault | null {
  if (payload.type !== "mcp_tool_call_end" || !isObject(payload.result)) return null;
  const err = payload.result.Err ?? payload.result.err;
  const isError = err !== undefined || (isObject(payload.result.Ok) && payload.result.Ok.isError === true);
  if (!isError) return null;
  const invocation = isObject(payload.invocation) ? payload.invocation : {};
  const tool = [str(invocation.server), str(invocation.tool)].filter(Boolean).join(".") || "mcp tool";
  return {
    kind: "tool_error",
    signature: "mcp_tool_error",
    detail: clip(`${tool}: ${typeof err === "string" ? err : "returned an error"}`),
  };
}

function faultsOf(payload: Json | null, message: { method: string; params: Json } | null): TranscriptFault[] {
  if (payload) {
    if (payload.type === "task_complete" || payload.type === "error") {
      const fault = errorFault(payload.type === "error" ? payload : payload.error);
      return fault ? [fault] : [];
    }
    if (payload.type === "token_count") {
      const fault = rateLimitFault(payload.rate_limits);
      return fault ? [fault] : [];
    }
    const tool = mcpToolFault(payload);
    return tool ? [tool] : [];
  }
  if (!message) return [];
  if (message.method === "turn/completed" && isObject(message.params.turn)) {
    const turn = message.params.turn;
    const fault = errorFault(turn.error);
    if (fault) return [fault];
    if (turn.status === "failed") return [{ kind: "api_error", signature: "turn_failed", detail: "the turn failed" }];
    return [];
  }
  if (message.method === "error" && message.params.willRetry !== true) {
    const fault = errorFault(message.params.error);
    return fault ? [fault] : [];
  }
  return [];
}

function turnStarted(payload: Json | null, message: { method: string; params: Json } | null): string | null {
  if (payload?.type === "task_started") return str(payload.turn_id) ?? "?";
  if (message?.method === "turn/started" && isObject(message.params.turn)) return str(message.params.turn.id) ?? "?";
  return null;
}

/** Faults in file order; within one turn each (kind, signature) is reported once. */
export function codexFaults(text: string): TranscriptFault[] {
  const { records } = parseJsonLines(text);
  const out: TranscriptFault[] = [];
  let turn = "";
  let seen = new Set<string>();
  for (const record of records) {
    const payload = eventPayload(record);
    const message = payload ? null : rpc(record);
    const started = turnStarted(payload, message);
    if (started !== null && started !== turn) {
      turn = started;
      seen = new Set();
    }
    const found = isCompaction(record, payload, message) ? [COMPACTION] : faultsOf(payload, message);
    for (const fault of found) {
      const key = `${fault.kind}\u0000${fault.signature}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(fault);
    }
  }
  return out;
}
