/**
 * Codex's turn-state reader (spec 03 §2.4): maps rollout and app-server records to neutral turn facts.
 *
 *   event_msg task_started                 → turn_open
 *   event_msg task_complete                → turn_complete (an `error` in it adds an `error` fact first)
 *   event_msg turn_aborted                 → interrupted (reason kept: "interrupted", …)
 *   event_msg error                        → error
 *   turn/started                           → turn_open
 *   turn/completed status completed        → turn_complete (+ error fact when it carries one)
 *                     interrupted / failed → interrupted / failed (signature turn_failed) / inProgress → turn_open
 *   …/requestApproval, applyPatchApproval,
 *   execCommandApproval                    → approval (signature approval_required)
 *   item/tool/requestUserInput,
 *   mcpServer/elicitation/request          → approval (the turn waits for a person's answer)
 *   error notification (willRetry false)   → error
 *
 * A failed API call ends the turn with `task_complete` + error: the worker is back at its prompt, so the turn is
 * closed (idle) and the failure travels as an `error` fact for the fault track. Recorded 0.169 rollouts show no
 * record while a command approval is pending: the turn just stays open.
 */
import type { TranscriptReader, TurnFact } from "@team-agent/idle-predicate";
import { errorSignature, eventPayload, isObject, type Json, rpc, str, turnError } from "./records.js";

function fact(kind: TurnFact["kind"], turnId: string | null, raw: Json, extra: Partial<TurnFact> = {}): TurnFact {
  return { kind, turn_id: turnId, ...extra, raw };
}

function errorFact(error: unknown, turnId: string | null, raw: Json): TurnFact | null {
  const parsed = turnError(error);
  if (parsed === null) return null;
  return fact("error", turnId, raw, { signature: errorSignature(parsed), reason: parsed.category });
}

function fromEvent(payload: Json, raw: Json, out: TurnFact[]): void {
  const turnId = str(payload.turn_id);
  switch (payload.type) {
    case "task_started":
      out.push(fact("turn_open", turnId, raw));
      return;
    case "task_complete": {
      const error = errorFact(payload.error, turnId, raw);
      if (error) out.push(error);
      out.push(fact("turn_complete", turnId, raw, error ? { reason: "completed_with_error" } : {}));
      return;
    }
    case "turn_aborted":
      out.push(fact("interrupted", turnId, raw, { reason: str(payload.reason) ?? "interrupted" }));
      return;
    case "error": {
      const error = errorFact(payload, turnId, raw);
      if (error) out.push(error);
      return;
    }
    default:
      return;
  }
}

const APPROVAL_METHOD_RE = /(?:^|\/)(?:requestApproval|applyPatchApproval|execCommandApproval)$/;
const HUMAN_INPUT_METHODS = new Set(["item/tool/requestUserInput", "mcpServer/elicitation/request"]);

function turnOf(params: Json): Json {
  return isObject(params.turn) ? params.turn : {};
}

function fromRpc(method: string, params: Json, raw: Json, out: TurnFact[]): void {
  if (method === "turn/started") {
    out.push(fact("turn_open", str(turnOf(params).id), raw));
    return;
  }
  if (method === "turn/completed") {
    const turn = turnOf(params);
    const turnId = str(turn.id);
    switch (turn.status) {
      case "completed": {
        const error = errorFact(turn.error, turnId, raw);
        if (error) out.push(error);
        out.push(fact("turn_complete", turnId, raw, error ? { reason: "completed_with_error" } : {}));
        return;
      }
      case "interrupted":
        out.push(fact("interrupted", turnId, raw, { reason: "interrupted" }));
        return;
      case "failed": {
        const category = turnError(turn.error)?.category;
        out.push(fact("failed", turnId, raw, { signature: "turn_failed", reason: category ?? "turn_failed" }));
        return;
      }
      case "inProgress":
        out.push(fact("turn_open", turnId, raw));
        return;
      default:
        return;
    }
  }
  const turnId = str(params.turnId) ?? str(params.turn_id);
  if (APPROVAL_METHOD_RE.test(method)) {
    out.push(fact("approval", turnId, raw, { signature: "approval_required", reason: method }));
    return;
  }
  if (HUMAN_INPUT_METHODS.has(method)) {
    out.push(fact("approval", turnId, raw, { signature: "user_input_required", reason: method }));
    return;
  }
  // A retried error is not a fault yet; the final one arrives with willRetry false.
  if (method === "error" && params.willRetry !== true) {
    const error = errorFact(params.error, turnId, raw);
    if (error) out.push(error);
  }
}

/** Facts in record order. Never throws: unknown or malformed records are skipped. */
export function extractCodexFacts(records: Record<string, unknown>[]): TurnFact[] {
  const out: TurnFact[] = [];
  for (const record of records) {
    if (!isObject(record)) continue;
    const payload = eventPayload(record);
    if (payload) {
      fromEvent(payload, record, out);
      continue;
    }
    const message = rpc(record);
    if (message) fromRpc(message.method, message.params, record, out);
  }
  return out;
}

export const codexTranscriptReader: TranscriptReader = { extractFacts: extractCodexFacts };
