/**
 * What `team-agent watch` shows: results, deliveries to the lead, failed sends, lead rebinds and lead API errors,
 * one line each. Every other event is left out (the log is for people who tail it; watch is for the lead).
 */
import type { EventRecord } from "@team-agent/core-state";
import { cut, oneLine } from "./text.js";

export const WATCHED_EVENTS = [
  "send.failed",
  "leader_receiver.submitted",
  "leader_receiver.delivery_failed",
  "leader_receiver.rebind_required",
  "leader_receiver.attached",
  "leader.api_error",
] as const;

function field(record: EventRecord, ...names: string[]): string {
  for (const name of names) {
    const value = record[name];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number") return String(value);
  }
  return "-";
}

/** The team an event belongs to, by any of the keys events use for it; null when it names none. */
export function eventTeam(record: EventRecord): string | null {
  for (const key of ["team_id", "owner_team_id", "team"]) {
    const value = record[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return null;
}

/**
 * The line for a watched event, or null for any other. `recipientOf` looks a message id up in the store (events
 * carry the message id, not always its recipient).
 */
export function renderWatchEvent(
  record: EventRecord,
  recipientOf: (messageId: string) => string | null,
): string | null {
  const messageId = field(record, "message_id");
  const recipient = () => (messageId === "-" ? null : recipientOf(messageId));
  let line: string;
  switch (record.event) {
    case "send.failed":
      line = `send.failed: ${recipient() ?? field(record, "recipient", "target")} reason=${field(record, "reason")}`;
      break;
    case "leader_receiver.submitted":
      line = `leader_receiver.submitted: ${messageId} -> ${recipient() ?? "leader"}`;
      break;
    case "leader_receiver.delivery_failed":
      line = `leader_receiver.delivery_failed: ${messageId} reason=${field(record, "reason")}`;
      break;
    case "leader_receiver.rebind_required":
      line = `leader_receiver.rebind_required: pane=${field(record, "pane_id", "pane")} reason=${field(record, "reason")}`;
      break;
    case "leader_receiver.attached":
      line = `leader_receiver.attached: pane=${field(record, "pane_id", "pane")}`;
      break;
    case "leader.api_error":
      line = `leader.api_error: ${field(record, "error_class", "class")} provider=${field(record, "provider")} snippet=${cut(field(record, "matched_pattern_snippet", "snippet"), 120)}`;
      break;
    default:
      return null;
  }
  return oneLine(line);
}

export function renderResultLine(result: { agent_id: string; envelope: { summary?: unknown } }): string {
  const summary = typeof result.envelope.summary === "string" ? result.envelope.summary : "";
  return `result_received: ${result.agent_id} -> ${cut(oneLine(summary), 80)}`;
}
