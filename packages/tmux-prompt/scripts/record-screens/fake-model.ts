/**
 * A tiny local model endpoint for recording CLI screens offline. It speaks just enough of the OpenAI
 * Responses streaming API (Codex) and the Anthropic Messages streaming API (Claude Code).
 *
 * Behaviour is switched at run time with `POST /__mode` and a JSON body:
 *   { "mode": "text", "text": "..." }          short streamed answer (default); "inputTokens": N makes its usage
 *                                              report N input tokens (a nearly full context window)
 *   { "mode": "hold", "seconds": 20 }          stream a first delta, keep the stream open, then finish
 *   { "mode": "error", "status": 500 }         answer with an HTTP error
 *   { "mode": "tool", "command": "touch x" }   answer with a call of the CLI's shell tool (so it asks for
 *                                              approval); once the request carries the tool's result, a text answer.
 *                                              With "justification", Codex's call asks to run unsandboxed
 *                                              (`require_escalated`), which Codex's default policy must approve.
 *                                              With "name" + "input", that tool is called with that input instead
 *                                              (e.g. a question tool: request_user_input / AskUserQuestion).
 * Every request is logged as one JSON line to stderr so unknown calls are visible; with FAKE_MODEL_DUMP=<dir> each
 * request body is also written to that dir (to see which tools a CLI advertises).
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export type ModelMode =
  | { mode: "text"; text?: string; inputTokens?: number }
  | { mode: "hold"; seconds: number; text?: string }
  | { mode: "error"; status: number; message?: string }
  | { mode: "tool"; command: string; text?: string; justification?: string; name?: string; input?: unknown };

export interface FakeModel {
  port: number;
  setMode(mode: ModelMode): void;
  close(): Promise<void>;
}

const DEFAULT_TEXT = "Hello from the local test model. This is a short answer.";
const inputTokens = (mode: ModelMode): number => (mode.mode === "text" && mode.inputTokens) || 10;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
}

/** Splits the answer into a few deltas so both CLIs see real streaming. */
function chunks(text: string): string[] {
  const words = text.split(/(?<= )/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 3) out.push(words.slice(i, i + 3).join(""));
  return out;
}

/**
 * Opens a Responses API event stream: sends `response.created` and `response.in_progress`, numbers every event,
 * and `complete` sends `response.completed` with the output and token usage, then ends the response.
 */
function openResponsesStream(res: ServerResponse, model: string) {
  const base = {
    id: `resp_${randomUUID().replaceAll("-", "")}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    model,
  };
  startSse(res);
  let seq = 0;
  const emit = (type: string, data: Record<string, unknown>) =>
    sse(res, type, { type, sequence_number: seq++, ...data });
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

async function streamResponses(res: ServerResponse, mode: ModelMode, model: string): Promise<void> {
  const text = (mode.mode !== "error" && mode.text) || DEFAULT_TEXT;
  const itemId = `msg_${randomUUID().replaceAll("-", "")}`;
  const { emit, complete } = openResponsesStream(res, model);
  const item = { id: itemId, type: "message", role: "assistant", status: "in_progress", content: [] };
  emit("response.output_item.added", { output_index: 0, item });
  emit("response.content_part.added", {
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    part: { type: "output_text", text: "", annotations: [] },
  });
  const parts = chunks(text);
  if (mode.mode === "hold") await sleep(mode.seconds * 1000);
  for (const delta of parts) {
    emit("response.output_text.delta", { item_id: itemId, output_index: 0, content_index: 0, delta });
    await sleep(30);
  }
  emit("response.output_text.done", { item_id: itemId, output_index: 0, content_index: 0, text });
  const part = { type: "output_text", text, annotations: [] };
  emit("response.content_part.done", { item_id: itemId, output_index: 0, content_index: 0, part });
  const doneItem = { ...item, status: "completed", content: [part] };
  emit("response.output_item.done", { output_index: 0, item: doneItem });
  complete([doneItem], inputTokens(mode), parts.length);
}

async function streamMessages(res: ServerResponse, mode: ModelMode, model: string): Promise<void> {
  const text = (mode.mode !== "error" && mode.text) || DEFAULT_TEXT;
  const id = `msg_${randomUUID().replaceAll("-", "")}`;
  startSse(res);
  sse(res, "message_start", {
    type: "message_start",
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens(mode), output_tokens: 1 },
    },
  });
  sse(res, "content_block_start", {
    type: "content_block_start",
    index: 0,
    content_block: { type: "text", text: "" },
  });
  sse(res, "ping", { type: "ping" });
  const parts = chunks(text);
  if (mode.mode === "hold") await sleep(mode.seconds * 1000);
  for (const piece of parts) {
    sse(res, "content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: piece },
    });
    await sleep(30);
  }
  sse(res, "content_block_stop", { type: "content_block_stop", index: 0 });
  sse(res, "message_delta", {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: parts.length },
  });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}

type Body = Record<string, unknown>;
const toolNames = (body: Body): string[] =>
  Array.isArray(body.tools) ? body.tools.map((t: { name?: string }) => t.name ?? "").filter(Boolean) : [];

/**
 * The request answers our tool call: its last item is a tool result (Responses `function_call_output`; Messages: a
 * user turn holding a `tool_result` and, after it, no new prompt text — a denied call's result is followed by one).
 */
function hasToolResult(body: Body): boolean {
  if (Array.isArray(body.input)) return (body.input.at(-1) as { type?: string })?.type === "function_call_output";
  const last = Array.isArray(body.messages) ? (body.messages.at(-1) as { content?: unknown }) : undefined;
  const blocks = Array.isArray(last?.content) ? (last.content as { type?: string; text?: string }[]) : [];
  const resultAt = blocks.findLastIndex((b) => b.type === "tool_result");
  const promptAfter = blocks
    .slice(resultAt + 1)
    .some(
      (b) =>
        b.type === "text" && !b.text?.startsWith("<system-reminder>") && !b.text?.startsWith("[Request interrupted"),
    );
  return resultAt >= 0 && !promptAfter;
}

/**
 * Codex 0.169 advertises `exec_command` (unified exec, `{cmd}`) or, in older set-ups, `shell` (`{command: argv}`) /
 * `shell_command` (`{command}`); use whichever the request offers.
 */
function codexShellCall(body: Body, command: string, justification?: string): { name: string; args: string } {
  const names = toolNames(body);
  const escalate = justification ? { sandbox_permissions: "require_escalated", justification } : {};
  if (names.includes("exec_command")) {
    return { name: "exec_command", args: JSON.stringify({ cmd: command, ...escalate }) };
  }
  if (names.includes("shell_command")) return { name: "shell_command", args: JSON.stringify({ command }) };
  return { name: "shell", args: JSON.stringify({ command: ["bash", "-lc", command] }) };
}

async function streamResponsesToolCall(
  res: ServerResponse,
  mode: Extract<ModelMode, { mode: "tool" }>,
  body: Body,
  model: string,
): Promise<void> {
  const { name, args } = mode.name
    ? { name: mode.name, args: JSON.stringify(mode.input ?? {}) }
    : codexShellCall(body, mode.command, mode.justification);
  const itemId = `fc_${randomUUID().replaceAll("-", "")}`;
  const callId = `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const { emit, complete } = openResponsesStream(res, model);
  const item = { id: itemId, type: "function_call", status: "in_progress", call_id: callId, name, arguments: "" };
  emit("response.output_item.added", { output_index: 0, item });
  emit("response.function_call_arguments.delta", { item_id: itemId, output_index: 0, delta: args });
  emit("response.function_call_arguments.done", { item_id: itemId, output_index: 0, arguments: args });
  const doneItem = { ...item, status: "completed", arguments: args };
  emit("response.output_item.done", { output_index: 0, item: doneItem });
  complete([doneItem], 10, 5);
}

/** Claude Code's shell tool is `Bash` with input `{command, description?}`. */
async function streamMessagesToolCall(
  res: ServerResponse,
  mode: Extract<ModelMode, { mode: "tool" }>,
  body: Body,
  model: string,
): Promise<void> {
  const name = mode.name ?? (toolNames(body).includes("Bash") ? "Bash" : (toolNames(body)[0] ?? "Bash"));
  const input = JSON.stringify(mode.input ?? { command: mode.command, description: "Create a test file" });
  startSse(res);
  sse(res, "message_start", {
    type: "message_start",
    message: {
      id: `msg_${randomUUID().replaceAll("-", "")}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 1 },
    },
  });
  const toolId = `toolu_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
  sse(res, "content_block_start", {
    type: "content_block_start",
    index: 0,
    content_block: { type: "tool_use", id: toolId, name, input: {} },
  });
  sse(res, "content_block_delta", {
    type: "content_block_delta",
    index: 0,
    delta: { type: "input_json_delta", partial_json: input },
  });
  sse(res, "content_block_stop", { type: "content_block_stop", index: 0 });
  sse(res, "message_delta", {
    type: "message_delta",
    delta: { stop_reason: "tool_use", stop_sequence: null },
    usage: { output_tokens: 5 },
  });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}

/** Non-streaming Anthropic answer (Claude Code sometimes asks for one, e.g. for a title). */
function plainMessage(res: ServerResponse, model: string): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: `msg_${randomUUID().replaceAll("-", "")}`,
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: "Test title" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 2 },
    }),
  );
}

function errorBody(path: string, status: number, message: string): string {
  if (path.startsWith("/v1/messages")) {
    const type = status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : "api_error";
    return JSON.stringify({ type: "error", error: { type, message } });
  }
  return JSON.stringify({ error: { message, type: "server_error", code: null, param: null } });
}

export function startFakeModel(
  port = 0,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<FakeModel> {
  let mode: ModelMode = { mode: "text" };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      /* not JSON: logged below as-is */
    }
    log(
      JSON.stringify({
        at: new Date().toISOString(),
        method: req.method,
        path: url.pathname,
        mode: mode.mode,
        stream: parsed.stream,
      }),
    );
    const dumpDir = process.env.FAKE_MODEL_DUMP;
    if (dumpDir && body) writeFileSync(`${dumpDir}/${Date.now()}-${url.pathname.replaceAll("/", "_")}.json`, body);
    if (url.pathname === "/__mode" && req.method === "POST") {
      mode = parsed as unknown as ModelMode;
      res.writeHead(204).end();
      return;
    }
    const model = typeof parsed.model === "string" ? parsed.model : "test-model";
    const isResponses = url.pathname.endsWith("/responses") && req.method === "POST";
    const isMessages = url.pathname === "/v1/messages" && req.method === "POST";
    if (url.pathname === "/v1/messages/count_tokens") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ input_tokens: 10 }));
      return;
    }
    if ((isResponses || isMessages) && mode.mode === "error") {
      res.writeHead(mode.status, { "content-type": "application/json" });
      res.end(errorBody(url.pathname, mode.status, mode.message ?? `Injected test error (HTTP ${mode.status})`));
      return;
    }
    if (isResponses) {
      if (mode.mode === "tool" && !hasToolResult(parsed)) return streamResponsesToolCall(res, mode, parsed, model);
      return streamResponses(res, mode, model);
    }
    if (isMessages) {
      if (parsed.stream === true && mode.mode === "tool" && !hasToolResult(parsed)) {
        return streamMessagesToolCall(res, mode, parsed, model);
      }
      if (parsed.stream === true) return streamMessages(res, mode, model);
      return plainMessage(res, model);
    }
    if (url.pathname.endsWith("/models")) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [] }));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({
        port: actual,
        setMode: (m) => {
          mode = m;
        },
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

// Run directly: `tsx fake-model.ts [port]` prints the port and serves until killed.
if (import.meta.url === `file://${process.argv[1]}`) {
  const model = await startFakeModel(Number(process.argv[2] ?? 0));
  process.stdout.write(`${model.port}\n`);
}
