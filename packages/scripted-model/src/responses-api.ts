/** The OpenAI Responses streaming API, as much of it as Codex reads: text answers and function calls. */
import type { ServerResponse } from "node:http";
import { DELTA_PAUSE_MS, newId, sleep, sse, startSse, textDeltas } from "./sse.js";

function openStream(res: ServerResponse, model: string) {
  const base = { id: newId("resp_"), object: "response", created_at: Math.floor(Date.now() / 1000), model };
  startSse(res);
  let sequence = 0;
  const emit = (type: string, data: Record<string, unknown>) =>
    sse(res, type, { type, sequence_number: sequence++, ...data });
  emit("response.created", { response: { ...base, status: "in_progress", output: [] } });
  emit("response.in_progress", { response: { ...base, status: "in_progress", output: [] } });
  const complete = (output: unknown[], inputTokens: number, outputTokens: number) => {
    emit("response.completed", {
      response: {
        ...base,
        status: "completed",
        output,
        usage: {
          input_tokens: inputTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: outputTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: inputTokens + outputTokens,
        },
      },
    });
    res.end();
  };
  return { emit, complete };
}

export async function streamResponsesText(
  res: ServerResponse,
  model: string,
  text: string,
  options: { inputTokens: number; holdMs: number },
): Promise<void> {
  const itemId = newId("msg_");
  const { emit, complete } = openStream(res, model);
  const item = { id: itemId, type: "message", role: "assistant", status: "in_progress", content: [] };
  const at = { item_id: itemId, output_index: 0, content_index: 0 };
  emit("response.output_item.added", { output_index: 0, item });
  emit("response.content_part.added", { ...at, part: { type: "output_text", text: "", annotations: [] } });
  if (options.holdMs > 0) await sleep(options.holdMs);
  const deltas = textDeltas(text);
  for (const delta of deltas) {
    emit("response.output_text.delta", { ...at, delta });
    await sleep(DELTA_PAUSE_MS);
  }
  emit("response.output_text.done", { ...at, text });
  const part = { type: "output_text", text, annotations: [] };
  emit("response.content_part.done", { ...at, part });
  const doneItem = { ...item, status: "completed", content: [part] };
  emit("response.output_item.done", { output_index: 0, item: doneItem });
  complete([doneItem], options.inputTokens, deltas.length);
}

/** A function call; `namespace` is set for a tool Codex offered inside a namespace group (its MCP tools). */
export function streamResponsesToolCall(
  res: ServerResponse,
  model: string,
  target: { name: string; namespace?: string },
  args: string,
): void {
  const itemId = newId("fc_");
  const { emit, complete } = openStream(res, model);
  const item = { id: itemId, type: "function_call", status: "in_progress", call_id: newId("call_", 24), ...target };
  emit("response.output_item.added", { output_index: 0, item: { ...item, arguments: "" } });
  emit("response.function_call_arguments.delta", { item_id: itemId, output_index: 0, delta: args });
  emit("response.function_call_arguments.done", { item_id: itemId, output_index: 0, arguments: args });
  const doneItem = { ...item, status: "completed", arguments: args };
  emit("response.output_item.done", { output_index: 0, item: doneItem });
  complete([doneItem], 10, 5);
}

export function responsesError(status: number, message: string): string {
  return JSON.stringify({ error: { message, type: "server_error", code: null, param: null, status } });
}
