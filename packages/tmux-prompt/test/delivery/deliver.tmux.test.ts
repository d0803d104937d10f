/**
 * deliverMessage against a real tmux server and the scripted TUI: what arrives (exactly, and how many times), the
 * D4 states recorded in a real SQLite store, refusals, trust prompts, and paste-buffer hygiene.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MemoryEventSink, RuntimeStore } from "@team-agent/core-state";
import { describe, expect, it } from "vitest";
import { type DeliverResult, deliverMessage } from "../../src/delivery/deliver.js";
import { renderMessage } from "../../src/delivery/render.js";
import { DEFAULT_PASTE_STRATEGY, type PasteStrategy } from "../../src/delivery/types.js";
import { TrustAnswerMemory } from "../../src/trust/memory.js";
import { submittedTexts, tuiEvents } from "../fixtures/tui/launch.js";
import { scriptedTuiSignatures } from "../fixtures/tui/signatures.js";
import { useTestTmux } from "../helpers/tmux-server.js";
import { type Agent, eventually, openStore, ourBuffers, startAgent, tempDir } from "./harness.js";

const TEAM = "alpha";
const tmux = useTestTmux({ width: 100, height: 30 });
const strategy: PasteStrategy = { ...DEFAULT_PASTE_STRATEGY, delayBeforeSubmitMs: 100 };

async function send(
  agent: Agent,
  content: string,
  extra: Partial<Parameters<typeof deliverMessage>[0]> & { store?: RuntimeStore; events?: MemoryEventSink } = {},
): Promise<{ result: DeliverResult; store: RuntimeStore; events: MemoryEventSink; rendered: string }> {
  const opened = extra.store && extra.events ? { store: extra.store, events: extra.events } : await openStore();
  const message = opened.store.messages.create(TEAM, { sender: "leader", recipient: "dev", content, taskId: "t1" });
  const result = await deliverMessage({
    store: opened.store,
    client: tmux().client,
    teamId: TEAM,
    messageId: message.message_id,
    target: agent.pane,
    strategy,
    signatures: scriptedTuiSignatures,
    events: opened.events,
    workspace: agent.dir,
    trustMemory: new TrustAnswerMemory(),
    ...extra,
  });
  return { result, ...opened, rendered: renderMessage(message) };
}

/** The D4 path a message took, from its attempt rows. */
function path(store: RuntimeStore, messageId: string): string[] {
  return store.messages.attempts(messageId).map((row) => row.to_status);
}

function lines(count: number, width = 60): string {
  return Array.from({ length: count }, (_, i) => `line ${String(i + 1).padStart(3, "0")} ${"x".repeat(width)}`).join(
    "\n",
  );
}

describe("delivering a message into the scripted TUI", () => {
  const cases: [string, string][] = [
    ["one line", "Implement the parser and report back."],
    ["4 KiB", `${"Four kilobytes of text, ".repeat(170)}end.`],
    ["64 KiB", lines(1000, 50)],
    ["text starting with -", "-n --help -- these are not flags, only text"],
    ["CJK and emoji", "请实现解析器并报告结果 🚀✅ 日本語のテキストも 한국어 텍스트"],
    [
      "shell and quote characters",
      "run $(touch pwned) and `touch pwned` with 'single' \"double\" \\back\\slash; $HOME",
    ],
  ];

  it.each(cases)("%s arrives exactly once, literally", async (_name, content) => {
    const agent = await startAgent(tmux());
    const { result, store, events, rendered } = await send(agent, content);

    expect(result, JSON.stringify(result.injections.at(-1)?.attempts)).toMatchObject({ ok: true, status: "submitted" });
    await eventually(() => submittedTexts(agent.files).length > 0, 10_000, "the TUI to log the message");
    expect(submittedTexts(agent.files)).toEqual([rendered]);
    expect(path(store, result.messageId)).toEqual(["accepted", "target_resolved", "pasted", "visible", "submitted"]);
    const run = result.injections[0];
    expect(store.messages.attempts(result.messageId).map((row) => row.reason)).toEqual([
      "created",
      "claimed",
      "paste_buffer_ok_attempt_1",
      run?.verification,
      run?.submitVerification,
    ]);
    expect(events.named("send.deliver_attempt")).toHaveLength(1);
    expect(events.named("send.submitted")).toHaveLength(1);
    expect(events.named("send.failed")).toHaveLength(0);
    expect(await ourBuffers(tmux())).toEqual([]);
    expect(existsSync(join(agent.dir, "pwned"))).toBe(false);
    expect(existsSync("pwned")).toBe(false);
  });

  it("delivers a 64-line message exactly once, shown raw or as a placeholder", async () => {
    for (const display of [{ placeholderMinLines: 0, placeholderMinChars: 0 }, {}]) {
      const agent = await startAgent(tmux(), display, display.placeholderMinLines === 0 ? "raw" : "collapsed");
      const { result, rendered } = await send(agent, lines(64));
      expect(result.ok).toBe(true);
      const attempts = result.injections.flatMap((run) => run.attempts);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]?.verification).toBe(
        display.placeholderMinLines === 0 ? "capture_contains_token" : "capture_contains_new_pasted_content_prompt",
      );
      await eventually(() => submittedTexts(agent.files).length > 0);
      expect(submittedTexts(agent.files)).toEqual([rendered]);
      expect(tuiEvents(agent.files).filter((e) => e.event === "paste")).toHaveLength(1);
    }
  });

  it("presses the submit key again when the CLI swallows an Enter right after a paste", async () => {
    const agent = await startAgent(tmux(), { swallowEnterMs: 800 });
    const { result, rendered } = await send(agent, "A short task that must be submitted once.", {
      strategy: { ...strategy, delayBeforeSubmitMs: 0 },
    });
    expect(result.ok).toBe(true);
    expect(result.injections[0]?.submitPresses).toBeGreaterThanOrEqual(2);
    expect(tuiEvents(agent.files).filter((e) => e.event === "swallowed_enter").length).toBeGreaterThanOrEqual(1);
    await eventually(() => submittedTexts(agent.files).length > 0);
    expect(submittedTexts(agent.files)).toEqual([rendered]);
  });

  it("delivers into a busy CLI (busy does not block) and keeps messages apart and in order", async () => {
    const agent = await startAgent(tmux(), { busyMs: 3_000 });
    const opened = await openStore();
    const first = await send(agent, "First task: read the spec.", opened);
    await tmux().waitForText(agent.pane, "esc to interrupt");
    const second = await send(agent, "Second task: write the tests.", opened);
    expect([first.result.ok, second.result.ok]).toEqual([true, true]);
    await eventually(() => submittedTexts(agent.files).length >= 2);
    expect(submittedTexts(agent.files)).toEqual([first.rendered, second.rendered]);
    expect(opened.events.named("send.submitted")).toHaveLength(2);
  });

  it("recovers a pane left in copy-mode, then delivers", async () => {
    const agent = await startAgent(tmux());
    await tmux().client.run(["copy-mode", "-t", agent.pane]);
    expect(await tmux().client.paneMode(agent.pane)).toBe("copy-mode");
    const { result, rendered } = await send(agent, "Delivered after leaving copy-mode.");
    expect(result.ok).toBe(true);
    expect(result.injections[0]?.attempts[0]?.recoveredFromMode).toBe("copy-mode");
    await eventually(() => submittedTexts(agent.files).length > 0);
    expect(submittedTexts(agent.files)).toEqual([rendered]);
  });

  it("refuses a pane whose CLI has exited (shell prompt) and marks the message failed", async () => {
    const agent = await startAgent(tmux());
    await tmux().client.sendKeys(agent.pane, ["/quit"], { literal: true });
    await tmux().client.sendKeys(agent.pane, ["Enter"]);
    await tmux().waitForText(agent.pane, /^\$ ?$/m);
    const { result, store, events } = await send(agent, "Nobody is listening.");
    expect(result).toMatchObject({ ok: false, status: "failed", reason: "cli_exited" });
    expect(store.messages.get(result.messageId)).toMatchObject({ status: "failed" });
    expect(path(store, result.messageId)).toEqual(["accepted", "target_resolved", "failed"]);
    expect(events.named("send.failed")[0]).toMatchObject({ reason: "cli_exited", stage: "pre-paste-gate" });
    expect(tuiEvents(agent.files).some((e) => e.event === "paste")).toBe(false);
    expect(await ourBuffers(tmux())).toEqual([]);
  });

  it("refuses a pane that was killed", async () => {
    const agent = await startAgent(tmux());
    await tmux().client.run(["kill-pane", "-t", agent.pane]);
    const { result, store } = await send(agent, "The pane is gone.");
    expect(result).toMatchObject({ ok: false, status: "failed", reason: "tmux_target_missing" });
    expect(store.messages.get(result.messageId)?.error).toBeTruthy();
  });

  it("answers its own workspace's trust prompt exactly once (moving off the exit option), then delivers", async () => {
    const workspace = tempDir("ta-ws-");
    const agent = await startAgent(tmux(), { trust: { path: workspace, highlighted: 2, accept: 1 } });
    const { result, rendered, events } = await send(agent, "Delivered after the trust prompt.", { workspace });

    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.trust).toMatchObject({ status: "answered", keys: ["Up", "Enter"] });
    expect(result.injections.map((run) => run.stage)).toEqual(["pre-paste-gate", "submitted"]);
    expect(events.named("leader_panes.trust_auto_answered")).toHaveLength(1);
    expect(tuiEvents(agent.files).filter((e) => e.event === "trust_answer")).toEqual([
      { event: "trust_answer", option: 1, accepted: true },
    ]);
    await eventually(() => submittedTexts(agent.files).length > 0);
    expect(submittedTexts(agent.files)).toEqual([rendered]);
    expect(await ourBuffers(tmux())).toEqual([]);
  });

  it("answers a trust prompt whose own-workspace path is cut at the pane's right edge", async () => {
    const workspace = join(
      tempDir("ta-ws-"),
      "a-long-directory-name-so-the-path-runs-past-the-right-edge",
      "and-then-some-more-of-it",
    );
    mkdirSync(workspace, { recursive: true });
    expect(workspace.length).toBeGreaterThan(100);
    expect(await tmux().client.paneWidth(tmux().paneId)).toBe(100);
    const agent = await startAgent(tmux(), { trust: { path: workspace, highlighted: 1, accept: 1 } });
    const { result, rendered, events } = await send(agent, "Delivered after a cut-off trust path.", { workspace });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(events.named("leader_panes.trust_auto_answered")[0]).toMatchObject({
      rule: "right_edge_cut",
      keys: ["Enter"],
    });
    await eventually(() => submittedTexts(agent.files).length > 0);
    expect(submittedTexts(agent.files)).toEqual([rendered]);
  });

  it("refuses a trust prompt for a foreign folder, pastes nothing and fails the message", async () => {
    const workspace = tempDir("ta-ws-");
    const foreign = tempDir("ta-foreign-");
    const agent = await startAgent(tmux(), { trust: { path: foreign, highlighted: 1, accept: 1 } });
    const { result, store, events } = await send(agent, "Must not be pasted.", { workspace });

    expect(result).toMatchObject({ ok: false, status: "failed", reason: "trust_prompt" });
    expect(result.trust).toMatchObject({
      status: "refused",
      reason: "workspace_dir_mismatch",
      action: "prompt_leader",
    });
    expect(events.named("leader_panes.trust_auto_answer_refused")[0]).toMatchObject({
      reason: "workspace_dir_mismatch",
      action: "prompt_leader",
    });
    expect(path(store, result.messageId)).toEqual(["accepted", "target_resolved", "failed"]);
    const seen = tuiEvents(agent.files).map((e) => e.event);
    expect(seen).toEqual(["started"]); // no key, no paste reached the program
    expect(submittedTexts(agent.files)).toEqual([]);
    expect(await ourBuffers(tmux())).toEqual([]);
  });

  it("a lost claim delivers nothing", async () => {
    const agent = await startAgent(tmux());
    const opened = await openStore();
    const message = opened.store.messages.create(TEAM, { sender: "leader", recipient: "dev", content: "once" });
    expect(opened.store.messages.claimForDelivery(message.message_id)).not.toBeNull();
    const result = await deliverMessage({
      store: opened.store,
      client: tmux().client,
      teamId: TEAM,
      messageId: message.message_id,
      target: agent.pane,
      signatures: scriptedTuiSignatures,
      events: opened.events,
    });
    expect(result).toMatchObject({ ok: false, reason: "claim_lost", status: "target_resolved", injections: [] });
    expect(opened.events.named("send.delivery_claim_skipped")).toHaveLength(1);
    expect(tuiEvents(agent.files).some((e) => e.event === "paste")).toBe(false);
  });
});
