/** The endpoint around the two APIs: which rule answers, side calls, unknown paths, and the request log. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { always, DEFAULT_REPLY, onPrompt } from "../src/index.js";
import {
  claudeBody,
  claudePrompt,
  codexBody,
  codexMessage,
  codexPreamble,
  only,
  post,
  readEvents,
  startEndpoint,
  useEndpoints,
} from "./helpers.js";

useEndpoints();

const finishedText = async (response: Response) =>
  String(only(await readEvents(response), "response.output_text.done").text);

describe("rules", () => {
  it("onPrompt leaves requests that offer no tools to the default reply", async () => {
    const model = await startEndpoint({ script: [onPrompt("Make x", [{ shell: "touch x" }])] });
    const sideRequest = codexBody([...codexPreamble(), codexMessage("user", "Make x.")], []);
    const text = await finishedText(await post(model, "/v1/responses", sideRequest));
    expect(DEFAULT_REPLY).toEqual({ text });
    expect(model.requests.at(-1)).toMatchObject({ rule: null, answer: "text" });
  });

  it("the first rule that takes a request answers it; setScript swaps the rules", async () => {
    const model = await startEndpoint({
      script: [onPrompt("first", [{ text: "one" }], "first rule"), always([{ text: "fallback" }])],
    });
    const ask = (prompt: string) =>
      post(model, "/v1/responses", codexBody([...codexPreamble(), codexMessage("user", prompt)]));
    expect(await finishedText(await ask("the first prompt"))).toBe("one");
    expect(await finishedText(await ask("another prompt"))).toBe("fallback");
    model.setScript([always([{ text: "swapped" }])]);
    expect(await finishedText(await ask("the first prompt"))).toBe("swapped");
    expect(model.requests.map((entry) => entry.rule)).toEqual(["first rule", "always", "always"]);
  });

  it("a call of a tool the CLI did not offer is answered as a SCRIPT ERROR text and logged as a script error", async () => {
    const model = await startEndpoint({
      script: [always([{ tool: "mcp__team_orchestrator__report_result", input: {} }])],
    });
    const text = await finishedText(await post(model, "/v1/responses", codexBody([codexMessage("user", "report")])));
    expect(text).toMatch(/^SCRIPT ERROR: no offered tool matches mcp__team_orchestrator__report_result/);
    expect(text).toContain("[exec_command]");
    expect(model.requests.at(-1)?.answer).toMatch(/^script error: /);
  });

  it("a step the rule does not have is answered with a text that says so", async () => {
    const model = await startEndpoint({ script: [always([{ shell: "ls" }], "one step")] });
    const body = codexBody([
      codexMessage("user", "list"),
      { type: "function_call", name: "exec_command", arguments: "{}", call_id: "c1" },
      { type: "function_call_output", call_id: "c1", output: "a b" },
    ]);
    expect(await finishedText(await post(model, "/v1/responses", body))).toContain('"one step" has no step 1');
  });
});

describe("other paths", () => {
  it("answers the side calls and logs them without a request", async () => {
    const model = await startEndpoint();
    const counted = await post(model, "/v1/messages/count_tokens", claudeBody([claudePrompt("hello")]));
    expect(await counted.json()).toEqual({ input_tokens: expect.any(Number) });
    const models = await fetch(`${model.url}/v1/models`);
    expect(await models.json()).toMatchObject({ object: "list", data: [] });

    expect(model.requests).toMatchObject([
      { api: null, method: "POST", path: "/v1/messages/count_tokens", rule: null, answer: "side call", request: null },
      { api: null, method: "GET", path: "/v1/models", rule: null, answer: "side call", request: null },
    ]);
  });

  it("answers an unknown path with 404 and logs it", async () => {
    const model = await startEndpoint();
    const response = await fetch(`${model.url}/api/hello`, { method: "HEAD" });
    expect(response.status).toBe(404);
    expect(model.requests).toMatchObject([{ method: "HEAD", path: "/api/hello", answer: "404", request: null }]);
  });
});

describe("request log", () => {
  let tempDir: string | undefined;
  afterEach(() => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    tempDir = undefined;
  });

  const codexPrompt = (text: string) => codexBody([...codexPreamble(), codexMessage("user", text)]);

  it("waitForRequest resolves with a request already logged", async () => {
    const model = await startEndpoint();
    await (await post(model, "/v1/responses", codexPrompt("early bird"))).text();
    const entry = await model.waitForRequest((e) => e.request?.turns.at(-1)?.kind === "prompt", 1000);
    expect(entry).toBe(model.requests[0]);
  });

  it("waitForRequest resolves when a matching request comes in later", async () => {
    const model = await startEndpoint();
    await (await post(model, "/v1/responses", codexPrompt("not this one"))).text();
    const waiting = model.waitForRequest(
      (e) => e.request?.turns.some((t) => t.kind === "prompt" && t.text === "this one") ?? false,
      5000,
    );
    await (await post(model, "/v1/responses", codexPrompt("this one"))).text();
    expect(await waiting).toBe(model.requests[1]);
  });

  it("waitForRequest rejects at its deadline, listing the requests it saw", async () => {
    const model = await startEndpoint({ script: [always([{ text: "hi" }], "greeter")] });
    await (await post(model, "/v1/responses", codexPrompt("hello"))).text();
    await (await fetch(`${model.url}/v1/models`)).text();
    const waiting = model.waitForRequest((e) => e.answer.startsWith("tool"), 100, "a tool call");
    await expect(waiting).rejects.toThrow(/timed out after 100 ms waiting for a tool call/);
    await expect(waiting).rejects.toThrow(/\/v1\/responses greeter text\n {2}\/v1\/models - side call/);
  });

  it("appends one JSON line per request to the log file", async () => {
    tempDir = mkdtempSync(join(tmpdir(), "scripted-model-"));
    const logFile = join(tempDir, "requests.jsonl");
    const model = await startEndpoint({ logFile, script: [onPrompt("go", [{ shell: "ls" }], "go rule")] });
    await (await post(model, "/v1/responses", codexPrompt("go now"))).text();
    await (await post(model, "/v1/messages", claudeBody([claudePrompt("go on")]))).text();
    await (await fetch(`${model.url}/v1/models`)).text();

    const lines = readFileSync(logFile, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toMatchObject([
      { api: "responses", path: "/v1/responses", rule: "go rule", answer: "tool exec_command", prompt: "go now" },
      { api: "messages", path: "/v1/messages", rule: "go rule", answer: "tool Bash", prompt: "go on" },
      { api: null, path: "/v1/models", answer: "side call" },
    ]);
    expect(entries.every((entry) => !("request" in entry) && !("body" in entry))).toBe(true);
  });
});
