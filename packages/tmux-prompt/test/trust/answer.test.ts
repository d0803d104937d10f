import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryEventSink } from "@team-agent/core-state";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyScreen } from "../../src/screen/classify.js";
import type { CaptureResult, TmuxOutcome } from "../../src/tmux/client.js";
import { answerTrustPrompt, type TrustClient } from "../../src/trust/answer.js";
import { TrustAnswerMemory } from "../../src/trust/memory.js";
import { scriptedTuiSignatures } from "../fixtures/tui/signatures.js";

let workspace: string;
beforeAll(() => {
  workspace = realpathSync(mkdtempSync(join(tmpdir(), "ta-trust-answer-")));
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** A synthetic screen in the scripted TUI's trust layout. */
function screen(path: string | undefined, highlighted: number): string {
  const options = ["Yes, I trust this folder", "No, exit"].map(
    (label, i) => ` ${i + 1 === highlighted ? "❯" : " "} ${i + 1}. ${label}`,
  );
  return [
    "",
    " Accessing workspace:",
    "",
    ...(path ? [` ${path}`, ""] : []),
    " Do you trust the files in this folder?",
    "",
    ...options,
    "",
    " Enter to confirm · Esc to cancel",
    "",
  ].join("\n");
}

/** A pane that moves its highlight on Up/Down (unless frozen) and records every send-keys call. */
function fakePane(initial: { path?: string; highlighted: number; failKeys?: boolean; frozen?: boolean }) {
  let highlighted = initial.highlighted;
  const sent: string[][] = [];
  const ok: TmuxOutcome = { ok: true, error: null, timedOut: false };
  const client: TrustClient = {
    async sendKeys(_target, keys) {
      sent.push([...keys]);
      if (initial.failKeys) return { ok: false, error: "can't find pane: %9", timedOut: false };
      for (const key of keys) {
        if (initial.frozen) continue;
        if (key === "Up") highlighted = Math.max(1, highlighted - 1);
        if (key === "Down") highlighted = Math.min(2, highlighted + 1);
      }
      return ok;
    },
    async capturePane(): Promise<CaptureResult> {
      return { ok: true, text: screen(initial.path, highlighted), error: null, timedOut: false };
    },
  };
  const classification = () => classifyScreen(screen(initial.path, highlighted), { signatures: scriptedTuiSignatures });
  return { client, sent, classification };
}

describe("answerTrustPrompt", () => {
  it("reads the screen the classifier produced and answers the own workspace once per screen", async () => {
    const pane = fakePane({ path: workspace, highlighted: 1 });
    const events = new MemoryEventSink();
    const memory = new TrustAnswerMemory();
    const ctx = { workspace, events, memory, signatures: scriptedTuiSignatures };
    const seen = pane.classification();
    expect(seen).toMatchObject({ kind: "trust_prompt", trustPath: workspace });

    expect(await answerTrustPrompt(pane.client, "%3", seen, ctx)).toMatchObject({
      status: "answered",
      keys: ["Enter"],
    });
    expect(await answerTrustPrompt(pane.client, "%3", seen, ctx)).toMatchObject({
      status: "skipped",
      reason: "already_answered",
    });
    expect(pane.sent).toEqual([["Enter"]]);
    const answered = events.named("leader_panes.trust_auto_answered");
    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatchObject({
      pane_id: "%3",
      workspace,
      capture_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("moves to the trusting option, waits until the screen shows it highlighted, then presses Enter", async () => {
    const pane = fakePane({ path: workspace, highlighted: 2 });
    const result = await answerTrustPrompt(pane.client, "%3", pane.classification(), {
      workspace,
      memory: new TrustAnswerMemory(),
      signatures: scriptedTuiSignatures,
    });
    expect(result).toMatchObject({ status: "answered", keys: ["Up", "Enter"] });
    expect(pane.sent).toEqual([["Up"], ["Enter"]]);
  });

  it("never presses Enter when the highlight did not move onto the trusting option", async () => {
    const pane = fakePane({ path: workspace, highlighted: 2, frozen: true });
    const events = new MemoryEventSink();
    const result = await answerTrustPrompt(pane.client, "%3", pane.classification(), {
      workspace,
      events,
      memory: new TrustAnswerMemory(),
      signatures: scriptedTuiSignatures,
      selectTimeoutMs: 300,
      pollIntervalMs: 20,
    });
    expect(result).toMatchObject({ status: "failed", reason: "trusting_option_not_selected" });
    expect(pane.sent).toEqual([["Up"]]);
    expect(events.named("leader_panes.trust_auto_answer_failed")).toHaveLength(1);
  });

  it("reports a send-keys failure and does not remember the screen as answered", async () => {
    const pane = fakePane({ path: workspace, highlighted: 1, failKeys: true });
    const events = new MemoryEventSink();
    const memory = new TrustAnswerMemory();
    const seen = pane.classification();
    const result = await answerTrustPrompt(pane.client, "%3", seen, { workspace, events, memory });
    expect(result).toMatchObject({ status: "failed", reason: "tmux_send_keys_failed", error: "can't find pane: %9" });
    expect(events.named("leader_panes.trust_auto_answer_failed")[0]).toMatchObject({ reason: "tmux_send_keys_failed" });
    expect(memory.has("%3", result.screenHash)).toBe(false);
  });

  it("refuses a foreign path or a prompt without a path, pressing nothing", async () => {
    for (const path of ["/somewhere/else", undefined]) {
      const pane = fakePane({ ...(path ? { path } : {}), highlighted: 1 });
      const events = new MemoryEventSink();
      const result = await answerTrustPrompt(pane.client, "%3", pane.classification(), {
        workspace,
        events,
        memory: new TrustAnswerMemory(),
      });
      expect(result).toMatchObject({
        status: "refused",
        reason: path ? "workspace_dir_mismatch" : "no_path_shown",
        action: "prompt_leader",
      });
      expect(pane.sent).toEqual([]);
      expect(events.named("leader_panes.trust_auto_answer_refused")[0]).toMatchObject({ action: "prompt_leader" });
    }
  });
});
