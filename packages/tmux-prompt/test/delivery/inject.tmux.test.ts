/**
 * injectText against a real tmux server: raw texts, bounded retries that never double a paste, bounded submit
 * presses, gate refusals that paste nothing, and buffers that are always deleted.
 */
import { describe, expect, it } from "vitest";
import { injectText } from "../../src/delivery/inject.js";
import { DEFAULT_PASTE_STRATEGY, type PasteStrategy } from "../../src/delivery/types.js";
import type { TmuxClient } from "../../src/tmux/client.js";
import { submittedTexts, tuiEvents } from "../fixtures/tui/launch.js";
import { scriptedTuiSignatures } from "../fixtures/tui/signatures.js";
import { useTestTmux } from "../helpers/tmux-server.js";
import { eventually, ourBuffers, startAgent } from "./harness.js";

const tmux = useTestTmux({ width: 100, height: 30 });
const strategy: PasteStrategy = { ...DEFAULT_PASTE_STRATEGY, delayBeforeSubmitMs: 100 };
const signatures = scriptedTuiSignatures;

/** The real client, with every call's method name recorded. */
function spied(client: TmuxClient): { client: TmuxClient; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client: proxy, calls };
}

describe("injectText", () => {
  it("pastes text that starts with '-' literally (never read as flags)", async () => {
    const agent = await startAgent(tmux());
    const text = "--version -n -e 'these dashes are message text'";
    const result = await injectText(tmux().client, agent.pane, text, {
      bufferName: "team-agent-send-dash",
      strategy,
      signatures,
    });
    expect(result).toMatchObject({ ok: true, verification: "capture_contains_message_fragment", submitVerified: true });
    await eventually(() => submittedTexts(agent.files).length > 0);
    expect(submittedTexts(agent.files)).toEqual([text]);
  });

  it("turns an embedded bracketed-paste terminator into visible text, so it cannot become key presses", async () => {
    const agent = await startAgent(tmux());
    const text = "before\u001b[201~\rtouch pwned-by-escape\u001b[200~ after";
    const result = await injectText(tmux().client, agent.pane, text, {
      bufferName: "team-agent-send-escape",
      strategy,
      signatures,
    });
    expect(result.ok).toBe(true);
    await eventually(() => submittedTexts(agent.files).length > 0);
    // One submitted message, ESC shown as ␛; the CR stays a line break inside the paste.
    expect(submittedTexts(agent.files)).toEqual(["before\u241b[201~\ntouch pwned-by-escape\u241b[200~ after"]);
  });

  it("sends only the submit key for an empty text, touching no buffer", async () => {
    const agent = await startAgent(tmux());
    const { client, calls } = spied(tmux().client);
    const result = await injectText(client, agent.pane, "", {
      bufferName: "team-agent-send-empty",
      strategy,
      signatures,
    });
    expect(result).toMatchObject({
      ok: true,
      verification: "empty_text_send_keys",
      submitVerification: "Enter_sent_direct",
    });
    expect(calls).toEqual(["sendKeys"]);
  });

  it("submits with the strategy's key (M-Enter for a CLI where Enter adds a line)", async () => {
    const agent = await startAgent(tmux(), { submitKey: "meta-enter" });
    const text = "Submitted with Meta-Enter, as this CLI wants.";
    const result = await injectText(tmux().client, agent.pane, text, {
      bufferName: "team-agent-send-meta",
      strategy: { ...strategy, submitKey: "M-Enter" },
      signatures,
    });
    expect(result.ok).toBe(true);
    await eventually(() => submittedTexts(agent.files).length > 0);
    expect(submittedTexts(agent.files)).toEqual([text]);
  });

  it("stops after maxSubmitPresses when the placeholder never clears", async () => {
    // Enter only adds a line in this CLI, so the placeholder stays.
    const agent = await startAgent(tmux(), { submitKey: "meta-enter" });
    const text = `${"A long paste that collapses into a placeholder. ".repeat(30)}[team-agent-token:msg_0123456789ab]`;
    const result = await injectText(tmux().client, agent.pane, text, {
      bufferName: "team-agent-send-stuck",
      strategy,
      signatures,
      timing: { settleTimeoutMs: 1_000 },
    });
    expect(result).toMatchObject({
      ok: false,
      stage: "submit-verification",
      verification: "capture_contains_new_pasted_content_prompt",
      submitVerification: "pasted_content_prompt_still_present_after_retries",
      submitPresses: strategy.maxSubmitPresses,
    });
    expect(submittedTexts(agent.files)).toEqual([]);
    expect(tuiEvents(agent.files).filter((e) => e.event === "paste")).toHaveLength(1);
  });

  it("retries an invisible paste a bounded number of times, each with its own buffer, all deleted", async () => {
    // A pane that swallows input and shows nothing: the paste can never be seen.
    const pane = await tmux().newWindow("blind", ["sh", "-c", "stty -echo; exec cat >/dev/null"]);
    const { client, calls } = spied(tmux().client);
    const loaded: string[] = [];
    const spyLoad = new Proxy(client, {
      get(target, property, receiver) {
        if (property === "loadBuffer") {
          return (name: string, text: string) => {
            loaded.push(name);
            return target.loadBuffer(name, text);
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
    const result = await injectText(spyLoad, pane, "A message nobody can see [team-agent-token:msg_00000000beef]", {
      bufferName: "team-agent-send-msg_00000000beef",
      strategy,
      signatures,
      attempts: 3,
      timing: { visibleTimeoutMs: 800 },
    });
    expect(result).toMatchObject({ ok: false, stage: "visible-check", visible: false, submitted: false });
    expect(result.attempts.map((a) => a.outcome)).toEqual(["invisible", "invisible", "invisible"]);
    expect(loaded).toEqual([1, 2, 3].map((n) => `team-agent-send-msg_00000000beef-${n}`));
    expect(result.attempts.every((a) => a.bufferDeleted === true)).toBe(true);
    expect(calls.filter((c) => c === "sendKeys")).toEqual([]);
    expect(await ourBuffers(tmux())).toEqual([]);
  });

  it("reports the tmux stage that failed when no attempt could load its buffer", async () => {
    const agent = await startAgent(tmux());
    const { client, calls } = spied(tmux().client);
    const failingLoad = new Proxy(client, {
      get(target, property, receiver) {
        if (property === "loadBuffer") return async () => ({ ok: false, error: "no space left", timedOut: false });
        return Reflect.get(target, property, receiver);
      },
    });
    const result = await injectText(failingLoad, agent.pane, "Never loaded [team-agent-token:msg_00000000cafe]", {
      bufferName: "team-agent-send-msg_00000000cafe",
      strategy,
      signatures,
      attempts: 2,
    });
    expect(result).toMatchObject({ ok: false, stage: "load-buffer", reason: "load_buffer_failed", visible: false });
    expect(result.attempts.map((a) => a.stage)).toEqual(["load-buffer", "load-buffer"]);
    expect(calls).not.toContain("pasteBuffer");
    expect(calls).not.toContain("sendKeys");
  });

  it("does not paste again when an earlier paste shows up late", async () => {
    // Slower than one visibility window (1 s), faster than two. Half a window of margin on each side: under a
    // loaded CI (2 cores, every package testing at once) a single capture has taken more than 300 ms.
    const agent = await startAgent(tmux(), { pasteDisplayDelayMs: 1_500 });
    const text = "A slow CLI draws this paste late. [team-agent-token:msg_00000000cafe]";
    const result = await injectText(tmux().client, agent.pane, text, {
      bufferName: "team-agent-send-late",
      strategy,
      signatures,
      timing: { visibleTimeoutMs: 1_000 },
    });
    expect(result.ok, JSON.stringify(result.attempts)).toBe(true);
    expect(result.attempts[0]?.outcome).toBe("invisible");
    expect(result.attempts.at(-1)).toMatchObject({ outcome: "submitted", reusedEarlierPaste: true });
    expect(tuiEvents(agent.files).filter((e) => e.event === "paste")).toHaveLength(1);
    await eventually(() => submittedTexts(agent.files).length > 0);
    expect(submittedTexts(agent.files)).toEqual([text]);
  });

  it("refuses a blocking screen before touching any buffer", async () => {
    // A numbered menu with key hints, drawn by a plain shell script.
    const menu =
      "printf '  Pick one\\n\\n  1. Alpha\\n  2. Beta\\n\\n  Enter to confirm · Esc to cancel\\n'; exec cat >/dev/null";
    const pane = await tmux().newWindow("menu", ["sh", "-c", `stty -echo; ${menu}`]);
    await tmux().waitForText(pane, "Enter to confirm");
    const { client, calls } = spied(tmux().client);
    const result = await injectText(client, pane, "Must not be pasted [team-agent-token:msg_00000000dead]", {
      bufferName: "team-agent-send-menu",
      strategy,
      signatures,
    });
    expect(result).toMatchObject({
      ok: false,
      stage: "pre-paste-gate",
      reason: "numbered_menu",
      detected: "numbered_menu",
    });
    expect(result.paneCaptureTail?.some((line) => line.includes("1. Alpha"))).toBe(true);
    expect(calls.some((c) => c === "loadBuffer" || c === "pasteBuffer" || c === "sendKeys")).toBe(false);
  });
});
