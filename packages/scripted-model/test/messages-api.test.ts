/** The Messages side, as Claude Code sees it: streamed and plain text, tool_use blocks, steps, errors. */
import { describe, expect, it } from "vitest";
import { always, onPrompt } from "../src/index.js";
import {
  claudeBody,
  claudePrompt,
  claudeToolRound,
  eventNames,
  only,
  post,
  readEvents,
  reminder,
  startEndpoint,
  useEndpoints,
} from "./helpers.js";

useEndpoints();

/** The tool_use block a finished stream builds, with its input put together from the JSON deltas. */
async function toolUse(response: Response) {
  const events = await readEvents(response);
  const block = only(events, "content_block_start").content_block as Record<string, unknown>;
  const json = events
    .filter((e) => e.event === "content_block_delta")
    .map((e) => (e.data.delta as { type: string; partial_json: string }).partial_json)
    .join("");
  return { events, block, input: JSON.parse(json) as unknown };
}

describe("Messages API", () => {
  it("streams a text answer in Anthropic's event order, with the script's input tokens", async () => {
    const text = "Hello from the scripted model, in a few deltas.";
    const model = await startEndpoint({ script: [always([{ text, inputTokens: 180_000 }])] });
    const response = await post(model, "/v1/messages", claudeBody([claudePrompt("hello")]));
    expect(response.status).toBe(200);
    const events = await readEvents(response);

    const deltas = events.filter((e) => e.event === "content_block_delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((e) => (e.data.delta as { type: string; text: string }).text).join("")).toBe(text);
    expect(deltas.every((e) => (e.data.delta as { type: string }).type === "text_delta")).toBe(true);
    expect(eventNames(events).filter((name) => name !== "content_block_delta")).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(only(events, "message_start").message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-opus-5-5",
      content: [],
      usage: { input_tokens: 180_000 },
    });
    expect(only(events, "content_block_start").content_block).toEqual({ type: "text", text: "" });
    expect(only(events, "message_delta")).toMatchObject({
      delta: { stop_reason: "end_turn" },
      usage: { output_tokens: deltas.length },
    });
  });

  it("answers a request without stream: true with one JSON message", async () => {
    const model = await startEndpoint({ script: [always([{ text: "A short title" }])] });
    const body = claudeBody([{ role: "user", content: "Write a title for this session." }], { stream: false });
    const response = await post(model, "/v1/messages", body);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toMatchObject({
      type: "message",
      role: "assistant",
      content: [{ type: "text", text: "A short title" }],
      stop_reason: "end_turn",
    });
    expect(model.requests.at(-1)).toMatchObject({ api: "messages", answer: "text" });
    expect(model.requests.at(-1)?.request?.stream).toBe(false);
  });

  it("calls the offered tool a RegExp picks, streaming its input as JSON", async () => {
    const model = await startEndpoint({
      script: [onPrompt("report it", [{ tool: /report_result$/, input: { summary: "all done" } }])],
    });
    const tools = ["Bash", "mcp__team_orchestrator__report_result", "Read"];
    const { events, block, input } = await toolUse(
      await post(model, "/v1/messages", claudeBody([claudePrompt("Please report it.")], { tools })),
    );
    expect(block).toMatchObject({ type: "tool_use", name: "mcp__team_orchestrator__report_result", input: {} });
    expect(String(block.id)).toMatch(/^toolu_/);
    expect(input).toEqual({ summary: "all done" });
    expect(only(events, "message_delta")).toMatchObject({ delta: { stop_reason: "tool_use" } });
  });

  it("a shell reply calls Claude Code's Bash tool", async () => {
    const model = await startEndpoint({ script: [always([{ shell: "ls -a" }])] });
    const { block, input } = await toolUse(await post(model, "/v1/messages", claudeBody([claudePrompt("list")])));
    expect(block.name).toBe("Bash");
    expect(input).toMatchObject({ command: "ls -a" });
  });

  it("answers the user turn that carries the tool_result with step 1, a reminder beside it being no new prompt", async () => {
    const model = await startEndpoint({ script: [onPrompt("list", [{ shell: "ls -a" }, { text: "Listed." }])] });
    const messages = [
      claudePrompt("list the files"),
      ...claudeToolRound("Bash", "toolu_1", ".\n..", [reminder("The user opened a file.")]),
    ];
    const events = await readEvents(await post(model, "/v1/messages", claudeBody(messages)));
    const text = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => (e.data.delta as { text: string }).text)
      .join("");
    expect(text).toBe("Listed.");
    expect(model.requests.at(-1)).toMatchObject({ rule: "prompt list", step: 1 });
  });

  it("finds the prompt before the system message Claude Code 2.1 sends after it", async () => {
    const model = await startEndpoint({ script: [onPrompt("list", [{ shell: "ls -a" }, { text: "Listed." }])] });
    const messages = [
      claudePrompt("list the files"),
      { role: "system", content: "# Environment\nYou have been invoked in the following environment: ..." },
    ];
    const { block } = await toolUse(await post(model, "/v1/messages", claudeBody(messages)));
    expect(block.name).toBe("Bash");
    expect(model.requests.at(-1)).toMatchObject({ rule: "prompt list", step: 0 });
  });

  it("answers an error reply with that HTTP status in Anthropic's error shape", async () => {
    const model = await startEndpoint({ script: [always([{ error: 429, message: "Rate limit for testing" }])] });
    const response = await post(model, "/v1/messages", claudeBody([claudePrompt("hello")]));
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: "Rate limit for testing" },
    });
    expect(model.requests.at(-1)).toMatchObject({ api: "messages", answer: "error 429" });
  });
});
