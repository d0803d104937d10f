/**
 * The pre-paste gate (spec 3.4): is the pane there, out of any tmux mode, and showing something that takes a
 * paste? A pane in copy-mode is brought back (the mode is cancelled and re-checked); a blocking screen (trust
 * prompt, menu, dead CLI, …) is a refusal, and nothing is pasted.
 */
import { classifyScreen } from "../screen/classify.js";
import { BLOCKING_KINDS, type ScreenClassification } from "../screen/types.js";
import type { TmuxClient, TmuxOutcome } from "../tmux/client.js";
import type { Signatures } from "./evidence.js";
import { pollUntil } from "./poll.js";

export type GateClient = Pick<TmuxClient, "paneProcess" | "paneMode" | "cancelMode" | "sendKeys" | "capturePane">;

export interface GateOptions {
  signatures: Signatures;
  paneWidth?: number;
  /** Lines of history in the gate's capture. */
  historyLines: number;
  modeClearTimeoutMs: number;
  pollIntervalMs: number;
}

export type GateResult =
  | { ok: true; classification: ScreenClassification; recoveredFromMode?: string; warning?: string }
  | {
      ok: false;
      /** `tmux_target_missing`, `pane_dead`, `recipient_pane_in_non_input_mode`, `pane_capture_failed`, or the blocking kind. */
      reason: string;
      verification: string;
      detected?: string;
      paneMode?: string;
      classification?: ScreenClassification;
      error?: string;
    };

// Choose-style modes leave on `q`; copy and view mode (and anything unknown) on `-X cancel`.
const QUIT_WITH_Q = new Set(["tree-mode", "buffer-mode", "client-mode", "options-mode", "customize-mode"]);

async function leaveMode(client: GateClient, target: string, mode: string): Promise<TmuxOutcome> {
  return QUIT_WITH_Q.has(mode) ? client.sendKeys(target, ["q"]) : client.cancelMode(target);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function prePasteGate(client: GateClient, target: string, options: GateOptions): Promise<GateResult> {
  let recoveredFromMode: string | undefined;
  let warning: string | undefined;
  try {
    const process = await client.paneProcess(target);
    if (process === null) {
      return { ok: false, reason: "tmux_target_missing", verification: "pane_not_found", detected: "pane_missing" };
    }
    if (process.dead) {
      return { ok: false, reason: "pane_dead", verification: "pane_process_exited", detected: "pane_dead" };
    }
    const mode = await client.paneMode(target);
    if (mode !== null) {
      if (mode !== "copy-mode" && mode !== "view-mode" && !QUIT_WITH_Q.has(mode)) {
        warning = "pane_mode_unknown_cancel_attempted";
      }
      const cancelled = await leaveMode(client, target, mode);
      const refusal = {
        ok: false as const,
        reason: "recipient_pane_in_non_input_mode",
        detected: `tmux_${mode}`,
        paneMode: mode,
      };
      if (!cancelled.ok) {
        return { ...refusal, verification: "pane_mode_cancel_failed", error: cancelled.error ?? "" };
      }
      const cleared = await pollUntil(async () => ((await client.paneMode(target)) === null ? true : undefined), {
        timeoutMs: options.modeClearTimeoutMs,
        intervalMs: options.pollIntervalMs,
      });
      if (!cleared) return { ...refusal, verification: "pane_mode_still_active_after_cancel" };
      recoveredFromMode = mode;
    }
  } catch (error) {
    return {
      ok: false,
      reason: "pane_mode_check_failed",
      verification: "pane_mode_check_failed",
      error: errorText(error),
    };
  }

  const capture = await client.capturePane(target, { start: -options.historyLines });
  if (!capture.ok) {
    return {
      ok: false,
      reason: "pane_capture_failed",
      verification: "pre_paste_capture_failed",
      error: capture.error ?? "",
    };
  }
  const classification = classifyScreen(capture.text, {
    signatures: options.signatures,
    ...(options.paneWidth !== undefined ? { paneWidth: options.paneWidth } : {}),
  });
  if (BLOCKING_KINDS.has(classification.kind)) {
    return {
      ok: false,
      reason: classification.kind,
      verification: `screen_${classification.kind}`,
      detected: classification.kind,
      classification,
    };
  }
  return {
    ok: true,
    classification,
    ...(recoveredFromMode !== undefined ? { recoveredFromMode } : {}),
    ...(warning !== undefined ? { warning } : {}),
  };
}
