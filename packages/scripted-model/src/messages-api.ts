/** The Anthropic Messages API, as much of it as Claude Code reads: streamed text and tool_use, and plain answers. */
import type { ServerResponse } from "node:http";
import { DELTA_PAUSE_MS, newId, sleep, sse, startSse, textDeltas } from "./sse.js";

function messageStart(res: ServerResponse, model: string, inputTokens: number): void {
  startSse(res);
  sse(res, "message_start", {
    type: "message_start",
    message: {
      id: newId("msg_"),
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
}

function messageEnd(res: ServerResponse, stopReason: string, outputTokens: number): void {
  sse(res, "message_delta", {
    type: "message_delta",
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}

export async function streamMessagesText(
  res: ServerResponse,
  model: string,
  text: string,
  options: { inputTokens: number; holdMs: number },
): Promise<void> {
  messageStart(res, model, options.inputTokens);
  sse(res, "content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
  sse(res, "ping", { type: "ping" });
  if (options.holdMs > 0) await sleep(options.holdMs);
  const deltas = textDeltas(text);
  for (const piece of deltas) {
    sse(res, "content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: piece },
    });
    await sleep(DELTA_PAUSE_MS);
  }
  sse(res, "content_block_stop", { type: "content_block_stop", index: 0 });
  messageEnd(res, "end_turn", deltas.length);
}

export function streamMessagesToolCall(res: ServerResponse, model: string, name: string, args: string): void {
  messageStart(res, model, 10);
  sse(res, "content_block_start", {
    type: "content_block_start",
    index: 0,
    content_block: { type: "tool_use", id: newId("toolu_", 24), name, input: {} },
  });
  sse(res, "content_block_delta", {
    type: "content_block_delta",
    index: 0,
    delta: { type: "input_json_delta", partial_json: args },
  });
  sse(res, "content_block_stop", { type: "content_block_stop", index: 0 });
  messageEnd(res, "tool_use", 5);
}

/** A non-streamed answer (Claude Code asks for some, e.g. a session title). */
export function plainMessage(res: ServerResponse, model: string, text: string): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: newId("msg_"),
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 2 },
    }),
  );
}

export function messagesError(status: number, message: string): string {
  const type = status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : "api_error";
  return JSON.stringify({ type: "error", error: { type, message } });
}
