/**
 * The fake agent in a real tmux pane, started from the plugin's own launch plan, reporting to a real MCP server
 * over stdio: trust prompt → input → delivered message → busy → idle, with the screen classifier, the transcript
 * reader and the team server each checked against what the fake did.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateResultEnvelope } from "@team-agent/core-state";
import { readTurnState } from "@team-agent/idle-predicate";
import type { SessionCaptureContext } from "@team-agent/provider-registry";
import { decideTrustAnswer, injectText, renderMessage } from "@team-agent/tmux-prompt";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index.js";
import { alive, readCalls, teamServerLaunch, tempDir, waitFor, workerSpec } from "../helpers/env.js";
import { startTestTmux, type TestTmux } from "../helpers/tmux.js";

const reader = plugin.transcripts!.reader;

interface Started {
  tmux: TestTmux;
  pane: string;
  workspace: string;
  callLog: string;
  sessionId: string;
  capture(): ReturnType<NonNullable<typeof plugin.transcripts>["capture"]>;
}

/** Launches the fake from `buildLaunch` the way the coordinator would (argv + plan env, cwd = workspace). */
async function launch(profileSettings: Record<string, string> = {}, script?: object): Promise<Started> {
  const workspace = tempDir("ta-fake-ws-");
  const callLog = join(tempDir("ta-fake-log-"), "calls.jsonl");
  const tmux = startTestTmux();
  const settings = { ...profileSettings };
  if (script) {
    settings["SCRIPT"] = join(workspace, "script.json");
    writeFileSync(settings["SCRIPT"], JSON.stringify(script));
  }
  const plan = plugin.buildLaunch(
    workerSpec(workspace, { profileSettings: settings }),
    teamServerLaunch(callLog, "dev"),
  );
  const spawnedAt = new Date().toISOString();
  const pane = await tmux.start(plan.argv, { cwd: workspace, env: plan.env });
  const sessionId = plan.predeterminedSessionId!;
  const capture = () => {
    const context: SessionCaptureContext = {
      agentId: "dev",
      spawnCwd: workspace,
      spawnedAt,
      predeterminedSessionId: sessionId,
      excludeSessionIds: [],
      authMode: "subscription",
      roots: {},
      now: new Date().toISOString(),
    };
    return plugin.transcripts!.capture(context);
  };
  return { tmux, pane, workspace, callLog, sessionId, capture };
}

/** What the idle predicate makes of the transcript right now, for a live pane process. */
function turnState(path: string) {
  return readTurnState(reader, readFileSync(path, "utf8"), { process: { alive: true } });
}

async function paste(tmux: TestTmux, pane: string, text: string): Promise<void> {
  const buffer = `ta-fake-test-${Math.random().toString(16).slice(2)}`;
  expect((await tmux.client.loadBuffer(buffer, text)).ok).toBe(true);
  expect((await tmux.client.pasteBuffer(pane, buffer, { bracketed: true })).ok).toBe(true);
  await tmux.client.deleteBuffer(buffer);
}

describe("fake agent in tmux", () => {
  it("answers trust, takes a delivered message, works, reports once over MCP and returns to idle", async () => {
    const started = await launch({ TRUST_PROMPT: "true" }, { rules: [{ match: { task: "t1" }, work_ms: 1500 }] });
    const { tmux, pane, workspace, callLog } = started;

    // Trust prompt: the classifier finds it, with our workspace and the exiting default highlighted.
    const trust = await tmux.waitForKind(pane, "trust_prompt");
    expect(trust.trustPath).toBe(workspace);
    expect(trust.options?.map((o) => [o.label, o.highlighted])).toEqual([
      ["No, exit", true],
      ["Yes, I trust this folder", false],
    ]);
    const decision = decideTrustAnswer({ classification: trust, workspace, paneId: pane });
    expect(decision.action).toBe("answer");
    expect(decision.action === "answer" && decision.keys).toEqual(["Down", "Enter"]);
    expect((await tmux.client.sendKeys(pane, ["Down", "Enter"])).ok).toBe(true);

    // Input box, and the team server started at launch (as a real CLI starts its MCP servers).
    await tmux.waitForKind(pane, "input_ready");
    const serverPid = await waitFor(
      () => readCalls(callLog).find((c) => c.event === "started")?.pid,
      "the MCP server to start",
    );
    expect(await started.capture()).toBeNull(); // no transcript before the first message

    const text = renderMessage({
      message_id: "msg_a1b2c3d4e5f6",
      sender: "leader",
      task_id: "t1",
      content: "Run the unit tests.",
    });
    await paste(tmux, pane, text);
    await tmux.waitForKind(pane, "input_ready", (screen) => screen.includes("[team-agent-token:msg_a1b2c3d4e5f6]"));
    expect((await tmux.client.sendKeys(pane, ["Enter"])).ok).toBe(true);

    // Working: busy on screen, open turn in the transcript.
    await tmux.waitForKind(pane, "busy");
    const captured = await waitFor(() => started.capture(), "the transcript to be capturable");
    expect(captured).toMatchObject({
      session_id: started.sessionId,
      captured_via: "predetermined_session_id",
      attribution_confidence: "high",
      spawn_cwd: workspace,
    });
    expect(turnState(captured.rollout_path)).toMatchObject({ state: "working", reason: "open_turn" });

    // Done: idle screen, closed turn, exactly one valid report.
    await tmux.waitForKind(pane, "input_ready", (screen) => screen.includes("Done: handled message msg_a1b2c3d4e5f6"));
    expect(turnState(captured.rollout_path)).toMatchObject({ state: "idle", reason: "turn_complete" });
    const reports = readCalls(callLog).filter((c) => c.tool === "report_result");
    expect(reports).toHaveLength(1);
    const args = reports[0]!.arguments!;
    const envelope = validateResultEnvelope({ schema_version: "result_envelope_v1", ...args });
    expect(envelope).toMatchObject({ task_id: "t1", agent_id: "dev", status: "success" });
    expect(envelope.summary).toContain("msg_a1b2c3d4e5f6");
    expect(reports[0]!.env_agent).toBe("dev");

    // The transcript tells the story in Claude Code's shape: user → tool_use … → end_turn.
    const records = readFileSync(captured.rollout_path, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; message: { stop_reason?: string; content: unknown } });
    expect(records[0]).toMatchObject({ type: "user", message: { content: text } });
    expect(records[1]).toMatchObject({ type: "assistant", message: { stop_reason: "tool_use" } });
    expect(records.at(-1)).toMatchObject({ type: "assistant", message: { stop_reason: "end_turn" } });
    const reportCall = records.find((r) =>
      JSON.stringify(r.message.content).includes("mcp__team_orchestrator__report_result"),
    );
    expect(reportCall?.message.stop_reason).toBe("tool_use");

    // Killing the pane stops the fake, and the fake stops its MCP server.
    await tmux.client.run(["kill-server"]);
    await waitFor(() => !alive(serverPid), "the MCP server process to exit");
  });

  it("a long paste shows as a placeholder until Enter; delivery through injectText works end to end", async () => {
    const { tmux, pane, callLog } = await launch();
    await tmux.waitForKind(pane, "input_ready");

    const long = renderMessage({
      message_id: "msg_0f0e0d0c0b0a",
      sender: "leader",
      content: Array.from({ length: 20 }, (_, i) => `Step ${i + 1}: check item ${i + 1} of the list.`).join("\n"),
    });
    await paste(tmux, pane, long);
    const pasted = await tmux.waitForKind(pane, "pasted_unsubmitted");
    expect(pasted.placeholder).toBe("[Pasted text #1 +23 lines]");
    await tmux.client.sendKeys(pane, ["Enter"]);
    await tmux.waitForKind(pane, "input_ready", (screen) => screen.includes("Done: handled message msg_0f0e0d0c0b0a"));

    // The runtime's own delivery code, with the plugin's signatures and paste strategy.
    const short = renderMessage({
      message_id: "msg_1234567890ab",
      sender: "leader",
      task_id: "t2",
      content: "Next one.",
    });
    const delivered = await injectText(tmux.client, pane, short, {
      bufferName: "team-agent-test",
      strategy: plugin.screen.paste,
      signatures: plugin.screen.signatures,
    });
    expect(delivered).toMatchObject({ ok: true, visible: true, submitted: true });
    await waitFor(() => readCalls(callLog).filter((c) => c.tool === "report_result").length === 2, "two reports");
    const tasks = readCalls(callLog)
      .filter((c) => c.tool === "report_result")
      .map((c) => c.arguments?.["task_id"]);
    expect(tasks).toEqual(["manual", "t2"]);
  });

  it("Esc during work interrupts the turn: no report, transcript reads idle_interrupted", async () => {
    const started = await launch({}, { default: { work_ms: 20_000 } });
    const { tmux, pane, callLog } = started;
    await tmux.waitForKind(pane, "input_ready");
    await paste(tmux, pane, renderMessage({ message_id: "msg_aaaaaaaaaaaa", sender: "leader", content: "Long job." }));
    await tmux.client.sendKeys(pane, ["Enter"]);
    await tmux.waitForKind(pane, "busy");
    await tmux.client.sendKeys(pane, ["Escape"]);
    await tmux.waitForKind(pane, "input_ready", (screen) => screen.includes("Interrupted"));
    const captured = await waitFor(() => started.capture(), "the transcript");
    expect(turnState(captured.rollout_path)).toMatchObject({ state: "idle_interrupted", annotations: ["interrupted"] });
    expect(readCalls(callLog).filter((c) => c.tool !== undefined)).toEqual([]);
  });

  it("a scripted approval blocks as a numbered menu; Yes continues to the report", async () => {
    const { tmux, pane, callLog } = await launch({}, { rules: [{ ask_approval: true, work_ms: 100 }] });
    await tmux.waitForKind(pane, "input_ready");
    await paste(
      tmux,
      pane,
      renderMessage({ message_id: "msg_bbbbbbbbbbbb", sender: "leader", content: "Needs approval." }),
    );
    await tmux.client.sendKeys(pane, ["Enter"]);
    const menu = await tmux.waitForKind(pane, "numbered_menu");
    expect(menu.options?.[0]).toMatchObject({ number: 1, label: "Yes", highlighted: true });
    expect(
      plugin.prompts.find((p) => p.kind === "numbered_menu")?.match.some((re) => re.test(menu.window.join("\n"))),
    ).toBe(true);
    await tmux.client.sendKeys(pane, ["Enter"]);
    await waitFor(() => readCalls(callLog).some((c) => c.tool === "report_result"), "the report after approval");
  });

  it("Enter on the trust prompt's default exits the CLI without trusting", async () => {
    const { tmux, pane } = await launch({ TRUST_PROMPT: "true" });
    await tmux.waitForKind(pane, "trust_prompt");
    await tmux.client.sendKeys(pane, ["Enter"]);
    await waitFor(async () => !(await tmux.client.paneExists(pane)), "the pane to close");
  });
});
