/**
 * One model request, read the same way whichever API it came through: which tools the CLI offered, and the
 * conversation as a flat list of turns. Scripts decide from this view, never from the raw body.
 */

export type Api = "responses" | "messages";

export type Turn =
  | { kind: "prompt"; text: string }
  | { kind: "assistant"; text: string }
  | { kind: "tool_call"; name: string; callId: string; input: string }
  | { kind: "tool_result"; callId: string; output: string };

export interface ModelRequest {
  api: Api;
  path: string;
  model: string;
  stream: boolean;
  /** Names of the tools the CLI offered in this request. */
  tools: string[];
  /**
   * Tools the CLI announced but did not load (Claude Code 2.1 lists MCP tools in a system reminder and loads a
   * schema only after a `ToolSearch` call for it).
   */
  deferredTools: string[];
  /** The system prompt / instructions, flattened to text. */
  system: string;
  turns: Turn[];
  body: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

/** Text the CLIs add to a user turn on their own (reminders, interruption notes): not something a person typed. */
function isCliNote(text: string): boolean {
  const trimmed = text.trimStart();
  return trimmed.startsWith("<system-reminder>") || trimmed.startsWith("[Request interrupted");
}

function flatten(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isObject(part) && typeof part.text === "string" ? part.text : typeof part === "string" ? part : ""))
    .join("");
}

function toolNames(body: Json): string[] {
  if (!Array.isArray(body.tools)) return [];
  const names: string[] = [];
  for (const tool of body.tools) {
    if (!isObject(tool)) continue;
    if (Array.isArray(tool.tools)) {
      // Codex groups MCP tools under a namespace (`mcp__<server>`); list them by the joined name, which is also how
      // Claude Code names them (`mcp__<server>__<tool>`), so one script fits both CLIs.
      const prefix = typeof tool.name === "string" ? `${tool.name}__` : "";
      names.push(...toolNames({ tools: tool.tools }).map((name) => prefix + name));
    } else if (typeof tool.name === "string") names.push(tool.name);
    // Chat-style tools nest the function.
    else if (isObject(tool.function) && typeof tool.function.name === "string") names.push(tool.function.name);
  }
  return names;
}

/** How Codex must call a tool listed under a namespace: the group's name plus the tool's own; null when not grouped. */
export function namespaceOf(body: Json, joinedName: string): { namespace: string; name: string } | null {
  if (!Array.isArray(body.tools)) return null;
  for (const group of body.tools) {
    if (!isObject(group) || typeof group.name !== "string" || !Array.isArray(group.tools)) continue;
    const prefix = `${group.name}__`;
    const name = joinedName.slice(prefix.length);
    if (joinedName.startsWith(prefix) && toolNames({ tools: group.tools }).includes(name)) {
      return { namespace: group.name, name };
    }
  }
  return null;
}

/** Codex's input items: messages, function calls and their outputs (custom tool calls count as function calls). */
function responsesTurns(input: unknown): Turn[] {
  if (typeof input === "string") return [{ kind: "prompt", text: input }];
  if (!Array.isArray(input)) return [];
  const turns: Turn[] = [];
  for (const item of input) {
    if (!isObject(item)) continue;
    const type = item.type ?? "message";
    if (type === "message") {
      const text = flatten(item.content);
      if (item.role === "user" && !isCliNote(text)) turns.push({ kind: "prompt", text });
      else if (item.role === "assistant") turns.push({ kind: "assistant", text });
    } else if (type === "function_call" || type === "custom_tool_call") {
      const input = typeof item.arguments === "string" ? item.arguments : String(item.input ?? "");
      const name = (typeof item.namespace === "string" ? `${item.namespace}__` : "") + String(item.name ?? "");
      turns.push({ kind: "tool_call", name, callId: String(item.call_id ?? ""), input });
    } else if (type === "function_call_output" || type === "custom_tool_call_output") {
      // 0.169 sends an MCP tool's output as content parts ("Wall time: …", then the tool's text).
      const output = Array.isArray(item.output) ? flatten(item.output) : String(item.output ?? "");
      turns.push({ kind: "tool_result", callId: String(item.call_id ?? ""), output });
    }
  }
  return turns;
}

/** Claude Code's messages: text blocks, tool_use blocks and tool_result blocks, in order. */
function messagesTurns(messages: unknown): Turn[] {
  if (!Array.isArray(messages)) return [];
  const turns: Turn[] = [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    const blocks = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    if (!Array.isArray(blocks)) continue;
    // Text beside a tool result is the CLI's own note about it ("Tool loaded."), not something typed.
    const answersTool = blocks.some((block) => isObject(block) && block.type === "tool_result");
    for (const block of blocks) {
      if (!isObject(block)) continue;
      if (block.type === "text" && typeof block.text === "string") {
        if (message.role === "assistant") turns.push({ kind: "assistant", text: block.text });
        // Claude Code 2.1 also sends `role: "system"` messages (its environment notes) after the prompt.
        else if (message.role === "user" && !answersTool && !isCliNote(block.text)) {
          turns.push({ kind: "prompt", text: block.text });
        }
      } else if (block.type === "tool_use") {
        const input = JSON.stringify(block.input ?? {});
        turns.push({ kind: "tool_call", name: String(block.name ?? ""), callId: String(block.id ?? ""), input });
      } else if (block.type === "tool_result") {
        turns.push({ kind: "tool_result", callId: String(block.tool_use_id ?? ""), output: flatten(block.content) });
      }
    }
  }
  return turns;
}

/** The header line of Claude Code's reminder that lists deferred tools, one name per line after it. */
const DEFERRED_HEADER = /deferred tools are now available via ToolSearch[^\n]*\n/;

function deferredToolNames(messages: unknown): string[] {
  const names = new Set<string>();
  if (!Array.isArray(messages)) return [];
  for (const message of messages) {
    if (!isObject(message) || !Array.isArray(message.content)) continue;
    for (const block of message.content) {
      const text = isObject(block) && typeof block.text === "string" ? block.text : "";
      const header = DEFERRED_HEADER.exec(text);
      if (!header) continue;
      const rest = text.slice(header.index + header[0].length);
      for (const line of rest.split("\n")) {
        const name = line.trim();
        if (!/^[A-Za-z0-9_-]+$/.test(name)) break;
        names.add(name);
      }
    }
  }
  return [...names];
}

export function readRequest(api: Api, path: string, body: Json): ModelRequest {
  const system = api === "responses" ? flatten(body.instructions) : flatten(body.system);
  return {
    api,
    path,
    model: typeof body.model === "string" ? body.model : "test-model",
    stream: body.stream === true,
    tools: toolNames(body),
    deferredTools: api === "messages" ? deferredToolNames(body.messages) : [],
    system,
    turns: api === "responses" ? responsesTurns(body.input) : messagesTurns(body.messages),
    body,
  };
}

/** The last thing a person (or a program typing for one) submitted: the prompt the current turn answers. */
export function lastPrompt(request: ModelRequest): string {
  for (let i = request.turns.length - 1; i >= 0; i--) {
    const turn = request.turns[i];
    if (turn?.kind === "prompt") return turn.text;
  }
  return "";
}

/** The tool Claude Code offers for loading deferred tools; its round trips are not script steps. */
export const TOOL_SEARCH = "ToolSearch";

/**
 * Tool results since the last prompt: how many tool steps of the current turn are already done. Results of
 * `ToolSearch` calls do not count: the endpoint makes those itself to load a deferred tool a step asked for.
 */
export function toolResultsSincePrompt(request: ModelRequest): Extract<Turn, { kind: "tool_result" }>[] {
  const results: Extract<Turn, { kind: "tool_result" }>[] = [];
  const searchCalls = new Set<string>();
  for (let i = request.turns.length - 1; i >= 0; i--) {
    const turn = request.turns[i];
    if (!turn || turn.kind === "prompt") break;
    if (turn.kind === "tool_call" && turn.name === TOOL_SEARCH) searchCalls.add(turn.callId);
  }
  for (let i = request.turns.length - 1; i >= 0; i--) {
    const turn = request.turns[i];
    if (!turn || turn.kind === "prompt") break;
    if (turn.kind === "tool_result" && !searchCalls.has(turn.callId)) results.unshift(turn);
  }
  return results;
}

/** Whether this conversation already asked `ToolSearch` to load `name` (its schema is then known to the CLI). */
export function toolLoaded(request: ModelRequest, name: string): boolean {
  return request.turns.some(
    (turn) => turn.kind === "tool_call" && turn.name === TOOL_SEARCH && turn.input.includes(name),
  );
}

/** Every prompt of the conversation that contains `needle` (to count how often a message reached a CLI). */
export function promptsContaining(request: ModelRequest, needle: string): string[] {
  return request.turns.flatMap((turn) => (turn.kind === "prompt" && turn.text.includes(needle) ? [turn.text] : []));
}
