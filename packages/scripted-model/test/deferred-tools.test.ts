/**
 * Claude Code 2.1 offers MCP tools deferred: named in a reminder, loaded by a `ToolSearch` call. A step that calls
 * such a tool first loads it (as a real model must), and that round trip is not a step of the script.
 */
import { describe, expect, it } from "vitest";
import { lastPrompt, onPrompt, readRequest, replyFor, resolveCall, stepOf } from "../src/index.js";
import { claudeBody, claudePrompt, reminder } from "./helpers.js";

const REPORT = "mcp__team_orchestrator__report_result";
const announce = reminder(
  `The following deferred tools are now available via ToolSearch. Their schemas are NOT loaded.\nWebFetch\n${REPORT}\n`,
);
const task = { role: "user", content: [announce, { type: "text", text: "TASK-7: report back" }] };
const searched = [
  {
    role: "assistant",
    content: [{ type: "tool_use", id: "toolu_s", name: "ToolSearch", input: { query: `select:${REPORT}` } }],
  },
  {
    role: "user",
    content: [
      { type: "tool_result", tool_use_id: "toolu_s", content: [{ type: "tool_reference", tool_name: REPORT }] },
      { type: "text", text: "Tool loaded." },
    ],
  },
];
const reported = [
  { role: "assistant", content: [{ type: "tool_use", id: "toolu_r", name: REPORT, input: { status: "success" } }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_r", content: '{"ok":true}' }] },
];
const script = [onPrompt("TASK-7", [{ tool: /report_result$/, input: { status: "success" } }, { text: "Done." }])];
const request = (messages: Record<string, unknown>[], tools: string[]) =>
  readRequest("messages", "/v1/messages", claudeBody(messages, { tools }));

describe("deferred tools", () => {
  it("lists the tools the reminder announces", () => {
    expect(request([task], ["Bash", "ToolSearch"]).deferredTools).toEqual(["WebFetch", REPORT]);
  });

  it("loads the tool with ToolSearch first, then calls it; the load is not a step", () => {
    const first = request([task], ["Bash", "ToolSearch"]);
    expect(resolveCall({ tool: /report_result$/, input: {} }, first)).toEqual({
      ok: true,
      name: "ToolSearch",
      args: JSON.stringify({ query: `select:${REPORT}` }),
    });

    const loaded = request([task, ...searched], ["Bash", "ToolSearch", REPORT]);
    expect(lastPrompt(loaded)).toBe("TASK-7: report back"); // "Tool loaded." is the CLI's note, not a prompt
    expect(stepOf(loaded)).toBe(0);
    expect(replyFor(script, loaded).reply).toEqual({ tool: /report_result$/, input: { status: "success" } });
    expect(resolveCall({ tool: /report_result$/, input: { status: "success" } }, loaded)).toMatchObject({
      name: REPORT,
    });

    const after = request([task, ...searched, ...reported], ["Bash", "ToolSearch", REPORT]);
    expect(stepOf(after)).toBe(1);
    expect(replyFor(script, after).reply).toEqual({ text: "Done." });
  });

  it("calls a loaded tool directly even when the CLI leaves it out of the tool list", () => {
    const loaded = request([task, ...searched], ["Bash", "ToolSearch"]);
    expect(resolveCall({ tool: /report_result$/, input: {} }, loaded)).toMatchObject({ ok: true, name: REPORT });
  });

  it("is a script error when neither offered nor announced", () => {
    const bare = request([claudePrompt("TASK-7")], ["Bash", "ToolSearch"]);
    const call = resolveCall({ tool: /report_result$/, input: {} }, bare);
    expect(call.ok).toBe(false);
  });
});
