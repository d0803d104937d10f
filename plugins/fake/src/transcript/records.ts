/**
 * The Claude-shaped JSONL records the fake agent writes (spec 03 §2.4): the same `type`, `uuid`/`parentUuid`
 * chain, `sessionId`, `cwd`, `timestamp`, `requestId` and `message` fields the readers depend on. Pure builders;
 * the CLI's transcript writer appends them.
 */
import { randomBytes, randomUUID } from "node:crypto";

export type TranscriptRecord = Record<string, unknown> & { type: string; uuid: string };

export const INTERRUPT_TEXT = "[Request interrupted by user]";
export const FAKE_MODEL = "fake-agent";

export interface RecordContext {
  sessionId: string;
  cwd: string;
  version: string;
  /** uuid of the previous record in this session, or null for the first. */
  parentUuid: string | null;
  now: () => Date;
}

const hex = (bytes: number): string => randomBytes(bytes).toString("hex");

function base(ctx: RecordContext, type: string): TranscriptRecord {
  return {
    type,
    uuid: randomUUID(),
    parentUuid: ctx.parentUuid,
    sessionId: ctx.sessionId,
    cwd: ctx.cwd,
    timestamp: ctx.now().toISOString(),
    version: ctx.version,
    isSidechain: false,
    userType: "external",
  };
}

/** A submitted prompt, as typed or pasted. */
export function userText(ctx: RecordContext, text: string): TranscriptRecord {
  return { ...base(ctx, "user"), message: { role: "user", content: text } };
}

/** Esc during a turn: the record the readers classify as `interrupted`. */
export function userInterrupt(ctx: RecordContext): TranscriptRecord {
  return { ...base(ctx, "user"), message: { role: "user", content: [{ type: "text", text: INTERRUPT_TEXT }] } };
}

export function toolResult(ctx: RecordContext, toolUseId: string, content: string, isError: boolean): TranscriptRecord {
  return {
    ...base(ctx, "user"),
    message: { role: "user", content: [{ type: "tool_result", tool_use_id: toolUseId, content, is_error: isError }] },
  };
}

function assistant(
  ctx: RecordContext,
  content: Record<string, unknown>[],
  stopReason: string,
  extra: Record<string, unknown> = {},
): TranscriptRecord {
  return {
    ...base(ctx, "assistant"),
    requestId: `req_fake_${hex(12)}`,
    message: {
      id: `msg_fake_${hex(12)}`,
      type: "message",
      role: "assistant",
      model: FAKE_MODEL,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    },
    ...extra,
  };
}

/** The assistant calls a tool: the turn is open (`stop_reason: "tool_use"`). Returns the record and the call id. */
export function assistantToolUse(
  ctx: RecordContext,
  name: string,
  input: Record<string, unknown>,
): { record: TranscriptRecord; toolUseId: string } {
  const toolUseId = `toolu_fake_${hex(12)}`;
  return { record: assistant(ctx, [{ type: "tool_use", id: toolUseId, name, input }], "tool_use"), toolUseId };
}

/** The closing answer (`stop_reason: "end_turn"`). */
export function assistantEndTurn(ctx: RecordContext, text: string): TranscriptRecord {
  return assistant(ctx, [{ type: "text", text }], "end_turn");
}

/** An API failure that ends the turn, as Claude Code records it: an error event, then a synthetic answer. */
export function apiErrorRecords(ctx: RecordContext, status: number, message: string): TranscriptRecord[] {
  const event: TranscriptRecord = {
    ...base(ctx, "system"),
    subtype: "api_error",
    level: "error",
    error: { status, message },
    retryAttempt: 1,
    maxRetries: 1,
    retryInMs: 0,
  };
  const answer = assistant(
    { ...ctx, parentUuid: event.uuid },
    [{ type: "text", text: `API Error: ${status} ${message}` }],
    "stop_sequence",
    {
      isApiErrorMessage: true,
    },
  );
  return [event, answer];
}
