/**
 * The fake agent's behaviour without a terminal: keys and pastes go in, frames, transcript records and MCP calls
 * come out. The MCP tests start the fixture team server for real (stdio).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateResultEnvelope } from "@team-agent/core-state";
import { readTurnState } from "@team-agent/idle-predicate";
import { renderMessage } from "@team-agent/tmux-prompt";
import { describe, expect, it } from "vitest";
import { FakeAgent } from "../../src/cli/agent.js";
import type { InputEvent } from "../../src/cli/keys.js";
import { type FakeScript, ScriptRunner } from "../../src/cli/script.js";
import { readMcpConfig, TeamMcp } from "../../src/cli/team-mcp.js";
import { TranscriptWriter } from "../../src/cli/transcript-writer.js";
import { mcpConfigJson } from "../../src/launch.js";
import { readFaults } from "../../src/transcript/faults.js";
import { fakeTranscriptReader } from "../../src/transcript/reader.js";
import { alive, onCleanup, readCalls, teamServerLaunch, tempDir, waitFor } from "../helpers/env.js";

interface Harness {
  agent: FakeAgent;
  transcriptPath: string;
  callLog: string;
  exits: number[];
  screen(): string;
  records(): { type: string; message?: { stop_reason?: string; content?: unknown } }[];
  send(...events: InputEvent[]): void;
  submit(text: string): void;
}

function harness(options: { script?: FakeScript; mcp?: boolean; trust?: boolean; collapse?: number } = {}): Harness {
  const workspace = tempDir();
  const callLog = join(tempDir(), "calls.jsonl");
  const transcriptPath = join(workspace, "transcript.jsonl");
  const exits: number[] = [];
  const mcp = options.mcp
    ? new TeamMcp(readMcpConfig(mcpConfigJson(teamServerLaunch(callLog, "dev"))), workspace)
    : null;
  if (mcp) onCleanup(() => mcp.close());
  const agent = new FakeAgent(
    {
      agentId: "dev",
      reportAgentId: "dev",
      workspace,
      trustPrompt: options.trust ?? false,
      pasteCollapseLines: options.collapse ?? 8,
    },
    {
      terminal: { write: () => undefined, size: () => ({ columns: 100, rows: 40 }) },
      script: new ScriptRunner(options.script ?? {}),
      transcript: new TranscriptWriter(transcriptPath, {
        sessionId: "s",
        cwd: workspace,
        version: "test",
        now: () => new Date(),
      }),
      mcp,
      onExit: (code) => exits.push(code),
    },
  );
  agent.start();
  const h: Harness = {
    agent,
    transcriptPath,
    callLog,
    exits,
    screen: () => agent.frame().join("\n"),
    records: () =>
      readFileSync(transcriptPath, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    send: (...events) => {
      for (const event of events) agent.handle(event);
    },
    submit: (text) => h.send({ type: "paste", text }, { type: "key", name: "enter" }),
  };
  return h;
}

const message = (id: string, task?: string) =>
  renderMessage({ message_id: id, sender: "leader", task_id: task ?? null, content: "Please check the build." });
const shape = (records: Harness["records"] extends () => infer R ? R : never) =>
  records.map((r) => {
    const content = Array.isArray(r.message?.content) ? (r.message.content as { type: string; name?: string }[]) : [];
    const tool = content.find((item) => item.type === "tool_use")?.name;
    return [r.type, r.message?.stop_reason ?? content[0]?.type ?? "text", ...(tool ? [tool] : [])].join(":");
  });

describe("FakeAgent", () => {
  it("without an MCP config: works, prints the result envelope as JSON, and closes the turn", async () => {
    const h = harness({ script: { default: { work_ms: 10 } } });
    h.submit(message("msg_0123456789ab", "t1"));
    expect(h.agent.busy).toBe(true);
    await h.agent.idle();
    expect(h.agent.busy).toBe(false);
    expect(shape(h.records())).toEqual([
      "user:text",
      "assistant:tool_use:fake_work",
      "user:tool_result",
      "assistant:tool_use:mcp__team_orchestrator__report_result",
      "user:tool_result",
      "assistant:end_turn",
    ]);
    expect(h.screen()).toContain("No MCP config: not sent. The result envelope follows as JSON.");
    // The JSON is wrapped over indented rows of the frame; put it back together.
    const lines = h.agent.frame();
    const start = lines.findIndex((line) => line.startsWith('  {"schema_version"'));
    const printed = lines
      .slice(start, lines.indexOf("", start))
      .map((line) => line.slice(2))
      .join("");
    expect(validateResultEnvelope(JSON.parse(printed))).toMatchObject({
      task_id: "t1",
      agent_id: "dev",
      status: "success",
    });
    expect(readTurnState(fakeTranscriptReader, readFileSync(h.transcriptPath, "utf8"))).toMatchObject({
      state: "idle",
    });
  });

  it("with the team server: send_message, request_human, then one report_result, in that order", async () => {
    const h = harness({
      mcp: true,
      script: {
        rules: [
          {
            work_ms: 10,
            send_message: { to: "leader", content: "progress from {{agent}} on {{task}}" },
            request_human: { question: "Ship it?" },
            report: { status: "partial", summary: "half of {{token}}" },
          },
        ],
      },
    });
    h.submit(message("msg_0123456789ab", "t4"));
    await h.agent.idle();
    const calls = readCalls(h.callLog).filter((c) => c.tool);
    expect(calls.map((c) => c.tool)).toEqual(["send_message", "request_human", "report_result"]);
    expect(calls[0]!.arguments).toEqual({ to: "leader", content: "progress from dev on t4" });
    expect(validateResultEnvelope({ schema_version: "result_envelope_v1", ...calls[2]!.arguments })).toMatchObject({
      task_id: "t4",
      status: "partial",
      summary: "half of msg_0123456789ab",
    });
    expect(h.screen()).toContain("ok: {");
    // Shutting down stops the server process.
    const pid = readCalls(h.callLog).find((c) => c.event === "started")!.pid;
    await h.agent.shutdown(0);
    expect(h.exits).toEqual([0]);
    await waitFor(() => !alive(pid), "the team server to stop");
  });

  it("a tool error from the server is recorded as an erroring tool_result and shown; the turn still ends", async () => {
    const h = harness({
      mcp: true,
      script: { rules: [{ work_ms: 0, send_message: { to: [], content: "x" }, report: false }] },
    });
    h.submit(message("msg_0123456789ab"));
    await h.agent.idle();
    const records = h.records();
    const result = records.find((r) => JSON.stringify(r.message?.content ?? "").includes('"is_error":true'));
    expect(result).toBeDefined();
    expect(h.screen()).toContain("error:");
    expect(readFaults(readFileSync(h.transcriptPath, "utf8")).map((f) => f.kind)).toEqual(["tool_error"]);
    expect(shape(records).at(-1)).toBe("assistant:end_turn");
  });

  it("messages submitted while busy are queued and handled in order", async () => {
    const h = harness({ script: { default: { work_ms: 30 } } });
    h.submit(message("msg_aaaaaaaaaaaa", "t1"));
    h.submit(message("msg_bbbbbbbbbbbb", "t2"));
    expect(h.screen()).toContain("queued: Team Agent message from leader for t2:");
    await waitFor(
      () => h.records().filter((r) => r.message?.stop_reason === "end_turn").length === 2,
      "two closed turns",
    );
    await h.agent.idle();
    const users = h.records().filter((r) => r.type === "user" && typeof r.message?.content === "string");
    expect(users.map((r) => String(r.message?.content).match(/for (t\d)/)?.[1])).toEqual(["t1", "t2"]);
  });

  it("Esc during work interrupts: interrupt record, no report, idle_interrupted", async () => {
    const h = harness({ script: { default: { work_ms: 10_000 } } });
    h.submit(message("msg_0123456789ab"));
    h.send({ type: "key", name: "escape" });
    await h.agent.idle();
    expect(shape(h.records())).toEqual(["user:text", "assistant:tool_use:fake_work", "user:text"]);
    expect(h.screen()).toContain("Interrupted");
    expect(readTurnState(fakeTranscriptReader, readFileSync(h.transcriptPath, "utf8")).state).toBe("idle_interrupted");
  });

  it("fail: the turn ends with an API error and no report", async () => {
    const h = harness({ script: { default: { work_ms: 0, fail: { status: 529, message: "Overloaded" } } } });
    h.submit(message("msg_0123456789ab"));
    await h.agent.idle();
    const text = readFileSync(h.transcriptPath, "utf8");
    expect(text).not.toContain("report_result");
    expect(h.screen()).toContain("API Error: 529 Overloaded");
    expect(readTurnState(fakeTranscriptReader, text).state).toBe("idle");
    expect(readFaults(text).map((f) => f.kind)).toEqual(["api_error", "api_error"]);
  });

  it("exit: dies mid-turn with the exit code, leaving the turn open (abnormal once the process is gone)", async () => {
    const h = harness({ script: { default: { work_ms: 0, exit: 7 } } });
    h.submit(message("msg_0123456789ab"));
    await h.agent.idle();
    expect(h.exits).toEqual([7]);
    expect(
      readTurnState(fakeTranscriptReader, readFileSync(h.transcriptPath, "utf8"), { process: { alive: false } }),
    ).toMatchObject({
      state: "abnormal",
      reason: "crashed_mid_turn",
    });
  });

  it("approval: No interrupts the turn; Yes (by digit) lets it finish", async () => {
    const h = harness({ script: { default: { work_ms: 0, ask_approval: true } } });
    h.submit(message("msg_aaaaaaaaaaaa"));
    expect(h.screen()).toContain("Do you want to proceed?");
    h.send({ type: "key", name: "down" }, { type: "key", name: "enter" });
    await h.agent.idle();
    expect(h.records().at(-1)?.message?.content).toEqual([{ type: "text", text: "[Request interrupted by user]" }]);

    h.submit(message("msg_bbbbbbbbbbbb"));
    h.send({ type: "key", name: "char", text: "1" });
    await h.agent.idle();
    expect(h.records().at(-1)?.message?.stop_reason).toBe("end_turn");
  });

  it("trust prompt: Enter on the default exits with 1; Down then Enter opens the input box", () => {
    const declined = harness({ trust: true });
    expect(declined.screen()).toContain("Accessing workspace:");
    declined.send({ type: "key", name: "enter" });
    return waitFor(() => declined.exits.length > 0, "exit").then(() => {
      expect(declined.exits).toEqual([1]);
      const trusted = harness({ trust: true });
      trusted.send({ type: "key", name: "down" }, { type: "key", name: "enter" });
      expect(trusted.screen()).toContain("? for shortcuts");
      expect(trusted.exits).toEqual([]);
    });
  });

  it("input box editing: long pastes collapse, Backspace removes a paste whole, Ctrl-C clears, /exit quits", async () => {
    const h = harness({ collapse: 3 });
    h.send({ type: "paste", text: "a\rb\rc\rd" });
    expect(h.screen()).toContain("❯ [Pasted text #1 +3 lines]");
    h.send({ type: "key", name: "backspace" });
    expect(h.screen()).not.toContain("Pasted text");
    h.send(
      { type: "key", name: "char", text: "h" },
      { type: "key", name: "char", text: "i" },
      { type: "key", name: "backspace" },
    );
    expect(h.screen()).toMatch(/^❯ h$/m);
    h.send({ type: "key", name: "ctrl-c" });
    expect(h.screen()).toMatch(/^❯ ?$/m);
    expect(h.exits).toEqual([]);
    for (const ch of "/exit") h.send({ type: "key", name: "char", text: ch });
    h.send({ type: "key", name: "enter" });
    await waitFor(() => h.exits.length > 0, "exit");
    expect(h.exits).toEqual([0]);
  });
});
