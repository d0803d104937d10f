/**
 * Claude-shaped transcript records → turn facts (spec 03 §2.4). The fake writes this shape so the shared idle
 * predicate (`readTurnState`) can judge a fake worker exactly like a real one.
 */
import type { TranscriptReader, TurnFact } from "@team-agent/idle-predicate";
import { INTERRUPT_TEXT } from "./records.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

function contentItems(record: Json): Json[] {
  const message = record["message"];
  if (!isObject(message) || !Array.isArray(message["content"])) return [];
  return message["content"].filter(isObject);
}

function assistantFacts(record: Json): TurnFact[] {
  const message = record["message"];
  if (!isObject(message)) return [];
  const turnId = text(record["requestId"]) ?? text(record["uuid"]);
  const facts: TurnFact[] = [];
  // A failed API call ends the turn with a synthetic answer; keep the failure visible as a (non-closing) fault.
  if (record["isApiErrorMessage"] === true)
    facts.push({ kind: "error", turn_id: turnId, signature: "api_error", raw: record });
  const stop = message["stop_reason"];
  if (stop === "end_turn" || stop === "stop_sequence")
    facts.push({ kind: "turn_complete", turn_id: turnId, raw: record });
  else if (stop === "tool_use") facts.push({ kind: "turn_open", turn_id: turnId, reason: "tool_use", raw: record });
  else if ((stop === undefined || stop === null) && Array.isArray(message["content"])) {
    facts.push({ kind: "turn_open", turn_id: turnId, reason: "assistant_in_flight", raw: record });
  }
  return facts;
}

function userFacts(record: Json): TurnFact[] {
  const facts: TurnFact[] = [];
  for (const item of contentItems(record)) {
    if (item["type"] === "text" && item["text"] === INTERRUPT_TEXT) {
      facts.push({ kind: "interrupted", turn_id: text(record["uuid"]), reason: "interrupted", raw: record });
    } else if (item["type"] === "tool_result" && item["is_error"] === true) {
      const turnId = text(record["parentUuid"]) ?? text(record["uuid"]);
      facts.push({ kind: "error", turn_id: turnId, signature: "tool_result_is_error", raw: record });
    }
  }
  return facts;
}

function systemFacts(record: Json): TurnFact[] {
  if (record["subtype"] !== "api_error" || record["level"] !== "error") return [];
  const turnId = text(record["sessionId"]) ?? text(record["parentUuid"]) ?? text(record["uuid"]);
  return [{ kind: "error", turn_id: turnId, signature: "api_error", raw: record }];
}

/** Facts in file order; records of other types (metadata, snapshots, summaries) yield nothing. */
export function extractClaudeShapedFacts(records: Record<string, unknown>[]): TurnFact[] {
  const facts: TurnFact[] = [];
  for (const record of records) {
    if (!isObject(record)) continue;
    if (record["type"] === "assistant") facts.push(...assistantFacts(record));
    else if (record["type"] === "user") facts.push(...userFacts(record));
    else if (record["type"] === "system") facts.push(...systemFacts(record));
  }
  return facts;
}

export const fakeTranscriptReader: TranscriptReader = { extractFacts: extractClaudeShapedFacts };
