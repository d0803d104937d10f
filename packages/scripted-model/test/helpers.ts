/**
 * Shared pieces for the endpoint tests: a started server closed after each test, plain fetch calls, an SSE reader,
 * and request bodies shaped like the ones Codex 0.169 and Claude Code 2.1.332 send (trimmed to the fields the
 * endpoint reads plus a few it must ignore).
 */
import { afterEach } from "vitest";
import { type ScriptedModel, type ScriptedModelOptions, startScriptedModel } from "../src/index.js";

type Json = Record<string, unknown>;

const running: ScriptedModel[] = [];

/** Starts an endpoint that the current test's `afterEach` closes. Call `useEndpoints()` once per test file. */
export async function startEndpoint(options: ScriptedModelOptions = {}): Promise<ScriptedModel> {
  const model = await startScriptedModel(options);
  running.push(model);
  return model;
}

export function useEndpoints(): void {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((model) => model.close()));
  });
}

export function post(model: ScriptedModel, path: string, body: unknown): Promise<Response> {
  return fetch(`${model.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export interface SseEvent {
  event: string;
  data: Json;
}

/** Reads a whole event stream (the endpoint ends it after the last event) into its events, in order. */
export async function readEvents(response: Response): Promise<SseEvent[]> {
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    throw new Error(`not an event stream: HTTP ${response.status} ${response.headers.get("content-type")}`);
  }
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((chunk) => chunk.trim() !== "")
    .map((chunk) => {
      const lines = chunk.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice("event: ".length) ?? "";
      const data = lines
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice("data: ".length))
        .join("\n");
      return { event, data: JSON.parse(data) as Json };
    });
}

export const eventNames = (events: SseEvent[]) => events.map((e) => e.event);

/** The data of the only event called `name`. */
export function only(events: SseEvent[], name: string): Json {
  const found = events.filter((e) => e.event === name);
  if (found.length !== 1) throw new Error(`expected one ${name} event, got ${found.length}: ${eventNames(events)}`);
  return found[0]!.data;
}

// --- Codex (OpenAI Responses) -------------------------------------------------------------------------------------

export const codexMessage = (role: "user" | "developer" | "assistant", text: string): Json => ({
  type: "message",
  role,
  content: [{ type: role === "assistant" ? "output_text" : "input_text", text }],
});

export const codexFunction = (name: string): Json => ({
  type: "function",
  name,
  description: `The ${name} tool.`,
  strict: false,
  parameters: { type: "object", properties: {}, additionalProperties: false },
});

/** How Codex 0.169 offers an MCP server's tools: one namespace group named `mcp__<server>`. */
export const codexNamespace = (name: string, tools: string[]): Json => ({
  type: "namespace",
  name,
  description: `Tools in the ${name} namespace.`,
  tools: tools.map(codexFunction),
});

/** The opening of every Codex conversation: its developer instructions and the environment context. */
export const codexPreamble = (): Json[] => [
  codexMessage("developer", "You are a coding agent running in the Codex CLI."),
  codexMessage("user", "<environment_context>\n  <cwd>/tmp/ws</cwd>\n  <shell>bash</shell>\n</environment_context>"),
];

export function codexBody(input: Json[], tools: Json[] = [codexFunction("exec_command")]): Json {
  return {
    model: "test-model",
    stream: true,
    input,
    tools,
    tool_choice: "auto",
    parallel_tool_calls: false,
    reasoning: null,
    store: false,
    include: [],
    prompt_cache_key: "01a2141e-02c3-7cf0-aa61-5396e2996eb5",
  };
}

/** The items Codex appends after running a call: the call as the model made it, then its output. */
export const codexToolRound = (name: string, callId: string, output: string): Json[] => [
  { type: "function_call", status: "completed", id: `fc_${callId}`, name, arguments: "{}", call_id: callId },
  { type: "function_call_output", id: `fco_${callId}`, call_id: callId, output },
];

// --- Claude Code (Anthropic Messages) -----------------------------------------------------------------------------

export const reminder = (text: string) => ({ type: "text", text: `<system-reminder>\n${text}\n</system-reminder>` });

/** A user turn as Claude Code sends the first one: its context reminders, then what was typed. */
export const claudePrompt = (text: string): Json => ({
  role: "user",
  content: [
    reminder("As you answer the user's questions, you can use the following context: ..."),
    { type: "text", text },
  ],
});

export const claudeTool = (name: string): Json => ({
  name,
  description: `The ${name} tool.`,
  input_schema: { type: "object", properties: {} },
});

export function claudeBody(messages: Json[], options: { tools?: string[]; stream?: boolean } = {}): Json {
  return {
    model: "claude-opus-5-5",
    max_tokens: 32000,
    stream: options.stream ?? true,
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332" },
      { type: "text", text: "You are a Claude agent.", cache_control: { type: "ephemeral" } },
    ],
    messages,
    tools: (options.tools ?? ["Bash", "Read"]).map(claudeTool),
    metadata: { user_id: "test" },
  };
}

/** The assistant's tool_use and the user turn carrying its result (plus what else Claude Code puts beside it). */
export const claudeToolRound = (name: string, id: string, output: string, beside: Json[] = []): Json[] => [
  { role: "assistant", content: [{ type: "tool_use", id, name, input: {} }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: output }, ...beside] },
];
