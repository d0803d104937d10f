/** The Responses side, as Codex sees it: streamed text, function calls (plain and namespaced), steps, errors. */
import { describe, expect, it } from "vitest";
import { always, onPrompt } from "../src/index.js";
import {
  codexBody,
  codexFunction,
  codexMessage,
  codexNamespace,
  codexPreamble,
  codexToolRound,
  eventNames,
  only,
  post,
  readEvents,
  startEndpoint,
  useEndpoints,
} from "./helpers.js";

useEndpoints();

const promptBody = (text: string, tools = [codexFunction("exec_command")]) =>
  codexBody([...codexPreamble(), codexMessage("user", text)], tools);

/** The function_call item of a finished tool-call stream. */
async function functionCall(response: Response) {
  const events = await readEvents(response);
  const done = only(events, "response.output_item.done").item as Record<string, unknown>;
  const completed = only(events, "response.completed").response as { output: unknown[] };
  expect(completed.output).toEqual([done]);
  return { events, item: done, args: JSON.parse(String(done.arguments)) as unknown };
}

describe("Responses API", () => {
  it("streams a text answer in Codex's event order, and response.completed carries the text and usage", async () => {
    const text = "The answer has more than three words in it.";
    const model = await startEndpoint({ script: [always([{ text, inputTokens: 250_000 }])] });
    const response = await post(model, "/v1/responses", promptBody("Say something."));
    expect(response.status).toBe(200);
    const events = await readEvents(response);

    const deltas = events.filter((e) => e.event === "response.output_text.delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((e) => e.data.delta).join("")).toBe(text);
    const names = eventNames(events).filter((name) => name !== "response.output_text.delta");
    expect(names).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(eventNames(events).indexOf("response.output_text.delta")).toBe(4);
    expect(events.map((e) => e.data.type)).toEqual(eventNames(events));
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));

    const completed = only(events, "response.completed").response as Record<string, unknown>;
    expect(completed).toMatchObject({
      status: "completed",
      model: "test-model",
      output: [{ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text }] }],
      usage: { input_tokens: 250_000, output_tokens: deltas.length, total_tokens: 250_000 + deltas.length },
    });
    expect(completed.id).toBe((only(events, "response.created").response as Record<string, unknown>).id);
  });

  it("holds the text back for holdMs", async () => {
    const model = await startEndpoint({ script: [always([{ text: "Late.", holdMs: 300 }])] });
    const startedAt = Date.now();
    const events = await readEvents(await post(model, "/v1/responses", promptBody("Wait.")));
    // Less a little: timers and the clock do not tick in step.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(280);
    expect(eventNames(events).at(-1)).toBe("response.completed");
  });

  it("calls the offered tool a RegExp picks, with the input as its arguments JSON", async () => {
    const model = await startEndpoint({
      script: [onPrompt("report it", [{ tool: /report_result$/, input: { summary: "all done", ok: true } }])],
    });
    const tools = [codexFunction("exec_command"), codexFunction("mcp__team_orchestrator__report_result")];
    const response = await post(model, "/v1/responses", promptBody("Please report it.", tools));
    const { events, item, args } = await functionCall(response);

    expect(item).toMatchObject({
      type: "function_call",
      status: "completed",
      name: "mcp__team_orchestrator__report_result",
    });
    expect(item).not.toHaveProperty("namespace");
    expect(String(item.call_id)).toMatch(/^call_/);
    expect(args).toEqual({ summary: "all done", ok: true });
    expect(only(events, "response.function_call_arguments.done").arguments).toBe(item.arguments);
    expect(model.requests.at(-1)).toMatchObject({ rule: "prompt report it", step: 0, answer: `tool ${item.name}` });
  });

  it("calls a tool Codex offers inside a namespace group by the group and the tool's own name", async () => {
    // Codex 0.169 offers each MCP server's tools as {type: "namespace", name: "mcp__<server>", tools}.
    const model = await startEndpoint({
      script: [onPrompt("report it", [{ tool: "mcp__team_orchestrator__report_result", input: { summary: "x" } }])],
    });
    const tools = [codexFunction("exec_command"), codexNamespace("mcp__team_orchestrator", ["report_result"])];
    const response = await post(model, "/v1/responses", promptBody("Please report it.", tools));
    const { item, args } = await functionCall(response);

    expect(item).toMatchObject({ name: "report_result", namespace: "mcp__team_orchestrator" });
    expect(args).toEqual({ summary: "x" });
    expect(model.requests.at(-1)?.request?.tools).toEqual(["exec_command", "mcp__team_orchestrator__report_result"]);
  });

  it.each([
    { offered: ["exec_command", "shell_command", "shell"], name: "exec_command", args: { cmd: "touch x" } },
    { offered: ["shell_command", "shell"], name: "shell_command", args: { command: "touch x" } },
    { offered: ["shell"], name: "shell", args: { command: ["bash", "-lc", "touch x"] } },
  ])("a shell reply calls $name when offered $offered", async ({ offered, name, args }) => {
    const model = await startEndpoint({ script: [always([{ shell: "touch x" }])] });
    const response = await post(model, "/v1/responses", promptBody("Make x.", offered.map(codexFunction)));
    const call = await functionCall(response);
    expect(call.item.name).toBe(name);
    expect(call.args).toEqual(args);
  });

  it("a shell reply with a justification asks Codex to run the command outside its sandbox", async () => {
    const model = await startEndpoint({ script: [always([{ shell: "touch x", justification: "Create x?" }])] });
    const { args } = await functionCall(await post(model, "/v1/responses", promptBody("Make x.")));
    expect(args).toEqual({ cmd: "touch x", sandbox_permissions: "require_escalated", justification: "Create x?" });
  });

  it("answers the request that carries the tool's output with step 1", async () => {
    const model = await startEndpoint({
      script: [onPrompt("Make x", [{ shell: "touch x" }, { text: "Made x." }, { text: "never reached" }])],
    });
    const body = codexBody([
      ...codexPreamble(),
      codexMessage("user", "Make x."),
      ...codexToolRound("exec_command", "call_1", "Process exited with code 0"),
    ]);
    const events = await readEvents(await post(model, "/v1/responses", body));

    expect(only(events, "response.output_text.done").text).toBe("Made x.");
    expect(model.requests.at(-1)).toMatchObject({ rule: "prompt Make x", step: 1, answer: "text" });
    expect(model.requests.at(-1)?.request?.turns.at(-1)).toEqual({
      kind: "tool_result",
      callId: "call_1",
      output: "Process exited with code 0",
    });
  });

  it("answers an error reply with that HTTP status in OpenAI's error shape", async () => {
    const model = await startEndpoint({ script: [always([{ error: 429, message: "Slow down for testing" }])] });
    const response = await post(model, "/v1/responses", promptBody("Hello."));
    expect(response.status).toBe(429);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({
      error: { message: "Slow down for testing", type: "server_error", code: null, param: null, status: 429 },
    });
    expect(model.requests.at(-1)).toMatchObject({ api: "responses", answer: "error 429" });
  });
});
