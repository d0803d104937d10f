/**
 * Claude Code transcript records → turn facts (spec 03 §2.4). The verdict (last lifecycle fact, process guard)
 * is the idle predicate's job; this only says what each record means.
 *
 *   assistant, stop_reason end_turn | stop_sequence        → turn_complete (turn = requestId, else uuid)
 *   assistant, stop_reason tool_use                        → turn_open
 *   assistant, no stop_reason, content array               → turn_open (assistant_in_flight)
 *   assistant, any other stop_reason (max_tokens, …)       → nothing
 *   user, text item "[Request interrupted by user]"        → interrupted (turn = uuid); 2.1.332 writes
 *         "[Request interrupted by user for tool use]" when the interrupt hits a running tool: same fact
 *   user, tool_result with is_error: true                  → error tool_result_is_error (turn = parentUuid, else uuid)
 *   system, subtype api_error, level error                 → error api_error (turn = sessionId, parentUuid, uuid)
 *   assistant with isApiErrorMessage: true                 → its stop_reason fact, then error api_error_message
 *   everything else (metadata, attachments, summaries)     → nothing
 */
import type { TranscriptReader, TurnFact } from "@team-agent/idle-predicate";
import { contentItems, messageOf, str, type TranscriptRecord } from "./records.js";

/** The exact texts Claude Code writes as a user record when a person interrupts a turn. */
export const INTERRUPT_MARKERS: ReadonlyMap<string, string> = new Map([
  ["[Request interrupted by user]", "user_interrupt"],
  ["[Request interrupted by user for tool use]", "user_interrupt_during_tool_use"],
]);

const CLOSING_STOP_REASONS = new Set(["end_turn", "stop_sequence"]);

function assistantFacts(record: TranscriptRecord): TurnFact[] {
  const message = messageOf(record);
  if (!message) return [];
  const turnId = str(record, "requestId") ?? str(record, "uuid") ?? null;
  const stop = message.stop_reason;
  const facts: TurnFact[] = [];
  if (typeof stop === "string" && CLOSING_STOP_REASONS.has(stop)) {
    facts.push({ kind: "turn_complete", turn_id: turnId, reason: stop });
  } else if (stop === "tool_use") {
    facts.push({ kind: "turn_open", turn_id: turnId, reason: "tool_use" });
  } else if ((stop === undefined || stop === null) && Array.isArray(message.content)) {
    facts.push({ kind: "turn_open", turn_id: turnId, reason: "assistant_in_flight" });
  }
  if (record.isApiErrorMessage === true) {
    facts.push({ kind: "error", turn_id: turnId, signature: "api_error_message", raw: record });
  }
  return facts;
}

function userFacts(record: TranscriptRecord): TurnFact[] {
  const facts: TurnFact[] = [];
  const items = contentItems(record);
  const content = messageOf(record)?.content;
  const texts = typeof content === "string" ? [content] : items.filter((i) => i.type === "text").map((i) => i.text);
  for (const text of texts) {
    const reason = typeof text === "string" ? INTERRUPT_MARKERS.get(text) : undefined;
    if (reason !== undefined) {
      facts.push({ kind: "interrupted", turn_id: str(record, "uuid") ?? null, reason });
      break;
    }
  }
  if (items.some((item) => item.type === "tool_result" && item.is_error === true)) {
    facts.push({
      kind: "error",
      turn_id: str(record, "parentUuid") ?? str(record, "uuid") ?? null,
      signature: "tool_result_is_error",
      raw: record,
    });
  }
  return facts;
}

function systemFacts(record: TranscriptRecord): TurnFact[] {
  if (record.subtype !== "api_error" || record.level !== "error") return [];
  const turnId = str(record, "sessionId") ?? str(record, "parentUuid") ?? str(record, "uuid") ?? null;
  return [{ kind: "error", turn_id: turnId, signature: "api_error", raw: record }];
}

export function extractFacts(records: Record<string, unknown>[]): TurnFact[] {
  const facts: TurnFact[] = [];
  for (const record of records) {
    if (record.type === "assistant") facts.push(...assistantFacts(record));
    else if (record.type === "user") facts.push(...userFacts(record));
    else if (record.type === "system") facts.push(...systemFacts(record));
  }
  return facts;
}

export const claudeTranscriptReader: TranscriptReader = { extractFacts };
