/** Reading a request body into turns, and the questions scripts and tests ask of them (pure, hand-built bodies). */
import { describe, expect, it } from "vitest";
import { lastPrompt, promptsContaining, readRequest, stepOf, toolResultsSincePrompt } from "../src/index.js";
import {
  claudeBody,
  claudePrompt,
  claudeToolRound,
  codexBody,
  codexFunction,
  codexMessage,
  codexNamespace,
  codexPreamble,
  codexToolRound,
  reminder,
} from "./helpers.js";

const NUDGE = "[team-agent] You have unread messages.";

/** A Codex conversation: a task that ran two commands and finished, then a nudge that ran one command so far. */
const codexConversation = readRequest(
  "responses",
  "/v1/responses",
  codexBody([
    ...codexPreamble(),
    codexMessage("user", "Build the thing."),
    ...codexToolRound("exec_command", "call_a", "built"),
    ...codexToolRound("exec_command", "call_b", "tested"),
    codexMessage("assistant", "Built and tested."),
    codexMessage("user", NUDGE),
    ...codexToolRound("exec_command", "call_c", "inbox: 1 message"),
  ]),
);

/** The same shape from Claude Code, with the reminders it adds to user turns. */
const claudeConversation = readRequest(
  "messages",
  "/v1/messages",
  claudeBody([
    claudePrompt("Build the thing."),
    ...claudeToolRound("Bash", "toolu_a", "built"),
    { role: "assistant", content: [{ type: "text", text: "Built." }] },
    { role: "user", content: [reminder("A file changed."), { type: "text", text: NUDGE }] },
    ...claudeToolRound("Bash", "toolu_b", "inbox: 1 message", [reminder("Todo list is empty.")]),
    ...claudeToolRound("Bash", "toolu_c", "read"),
  ]),
);

describe("readRequest", () => {
  it("reads Codex's items into turns and lists namespaced tools by their joined names", () => {
    const request = readRequest(
      "responses",
      "/v1/responses",
      codexBody(
        [
          codexMessage("user", "Report."),
          { type: "function_call", name: "report_result", namespace: "mcp__team", arguments: '{"a":1}', call_id: "c" },
          { type: "function_call_output", call_id: "c", output: [{ type: "input_text", text: "ok" }] },
        ],
        [codexFunction("exec_command"), codexNamespace("mcp__team", ["report_result", "ask"]), { type: "web_search" }],
      ),
    );
    expect(request).toMatchObject({ api: "responses", model: "test-model", stream: true });
    expect(request.tools).toEqual(["exec_command", "mcp__team__report_result", "mcp__team__ask"]);
    expect(request.turns).toEqual([
      { kind: "prompt", text: "Report." },
      { kind: "tool_call", name: "mcp__team__report_result", callId: "c", input: '{"a":1}' },
      { kind: "tool_result", callId: "c", output: "ok" },
    ]);
  });

  it("reads Claude Code's blocks into turns, leaving out reminders and its system messages", () => {
    expect(claudeConversation.system).toContain("You are a Claude agent.");
    expect(claudeConversation.tools).toEqual(["Bash", "Read"]);
    const withSystemMessage = readRequest(
      "messages",
      "/v1/messages",
      claudeBody([claudePrompt("hello"), { role: "system", content: "# Environment" }]),
    );
    expect(withSystemMessage.turns).toEqual([{ kind: "prompt", text: "hello" }]);
  });
});

describe("lastPrompt", () => {
  it("is the last thing typed, past tool rounds and CLI reminders", () => {
    expect(lastPrompt(codexConversation)).toBe(NUDGE);
    expect(lastPrompt(claudeConversation)).toBe(NUDGE);
  });

  it("is empty for a conversation without a prompt", () => {
    expect(lastPrompt(readRequest("messages", "/v1/messages", claudeBody([])))).toBe("");
  });
});

describe("toolResultsSincePrompt", () => {
  it("counts only the current turn's results, in order", () => {
    expect(toolResultsSincePrompt(codexConversation)).toEqual([
      { kind: "tool_result", callId: "call_c", output: "inbox: 1 message" },
    ]);
    expect(toolResultsSincePrompt(claudeConversation).map((r) => r.callId)).toEqual(["toolu_b", "toolu_c"]);
    expect(stepOf(claudeConversation)).toBe(2);
  });

  it("is empty right after a prompt", () => {
    const fresh = readRequest(
      "responses",
      "/v1/responses",
      codexBody([...codexPreamble(), codexMessage("user", "Go.")]),
    );
    expect(toolResultsSincePrompt(fresh)).toEqual([]);
    expect(stepOf(fresh)).toBe(0);
  });
});

describe("promptsContaining", () => {
  it("finds every prompt with the text, so a test can count deliveries", () => {
    const twice = readRequest(
      "responses",
      "/v1/responses",
      codexBody([codexMessage("user", NUDGE), codexMessage("assistant", NUDGE), codexMessage("user", `${NUDGE} (2)`)]),
    );
    expect(promptsContaining(twice, "[team-agent]")).toEqual([NUDGE, `${NUDGE} (2)`]);
    expect(promptsContaining(claudeConversation, "[team-agent]")).toEqual([NUDGE]);
    expect(promptsContaining(claudeConversation, "system-reminder")).toEqual([]);
  });
});
