/** The pre-paste gate's mode handling, with a scripted client (tmux cannot be made to refuse leaving a mode). */
import { describe, expect, it } from "vitest";
import { type GateClient, prePasteGate } from "../../src/delivery/gate.js";
import type { TmuxOutcome } from "../../src/tmux/client.js";
import { scriptedTuiSignatures as signatures } from "../fixtures/tui/signatures.js";

const ok: TmuxOutcome = { ok: true, error: null, timedOut: false };
const options = { signatures, historyLines: 30, modeClearTimeoutMs: 200, pollIntervalMs: 20 };

function client(script: {
  mode: string | null;
  clears?: boolean;
  cancelFails?: boolean;
  dead?: boolean;
  gone?: boolean;
}) {
  let mode = script.mode;
  const calls: string[] = [];
  const fake: GateClient = {
    async paneProcess(target) {
      calls.push("paneProcess");
      return script.gone ? null : { paneId: target, panePid: 1, currentCommand: "node", dead: script.dead ?? false };
    },
    async paneMode() {
      calls.push("paneMode");
      return mode;
    },
    async cancelMode() {
      calls.push("cancelMode");
      if (script.cancelFails) return { ok: false, error: "not in a mode", timedOut: false };
      if (script.clears) mode = null;
      return ok;
    },
    async sendKeys(_target, keys) {
      calls.push(`sendKeys:${keys.join(" ")}`);
      if (script.clears) mode = null;
      return ok;
    },
    async capturePane() {
      calls.push("capturePane");
      return { ok: true, text: " scripted-tui\n›\n scripted-tui · ready", error: null, timedOut: false };
    },
  };
  return { fake, calls };
}

describe("prePasteGate", () => {
  it("cancels copy-mode and goes on once the mode has cleared", async () => {
    const { fake, calls } = client({ mode: "copy-mode", clears: true });
    expect(await prePasteGate(fake, "%1", options)).toMatchObject({ ok: true, recoveredFromMode: "copy-mode" });
    expect(calls).toContain("cancelMode");
  });

  it("leaves a choose mode with q", async () => {
    const { fake, calls } = client({ mode: "tree-mode", clears: true });
    expect(await prePasteGate(fake, "%1", options)).toMatchObject({ ok: true, recoveredFromMode: "tree-mode" });
    expect(calls).toContain("sendKeys:q");
  });

  it("refuses when the mode stays, or cannot be cancelled, without capturing", async () => {
    const stays = client({ mode: "copy-mode" });
    expect(await prePasteGate(stays.fake, "%1", options)).toMatchObject({
      ok: false,
      reason: "recipient_pane_in_non_input_mode",
      verification: "pane_mode_still_active_after_cancel",
      detected: "tmux_copy-mode",
    });
    expect(stays.calls).not.toContain("capturePane");
    const fails = client({ mode: "copy-mode", cancelFails: true });
    expect(await prePasteGate(fails.fake, "%1", options)).toMatchObject({
      ok: false,
      verification: "pane_mode_cancel_failed",
      error: "not in a mode",
    });
  });

  it("refuses a missing pane and a dead one", async () => {
    expect(await prePasteGate(client({ mode: null, gone: true }).fake, "%1", options)).toMatchObject({
      ok: false,
      reason: "tmux_target_missing",
    });
    expect(await prePasteGate(client({ mode: null, dead: true }).fake, "%1", options)).toMatchObject({
      ok: false,
      reason: "pane_dead",
    });
  });
});
