/**
 * Applies the trust policy to a live pane: decide from the screen, move the highlight if needed, confirm the move
 * on screen, then press Enter. Every outcome is reported as a `leader_panes.trust_auto_answer*` event.
 */
import { type EventSink, nullEventSink } from "@team-agent/core-state";
import { pollUntil } from "../delivery/poll.js";
import { classifyScreen } from "../screen/classify.js";
import type { ScreenClassification, ScreenSignatures } from "../screen/types.js";
import type { TmuxClient } from "../tmux/client.js";
import { processTrustMemory, type TrustAnswerMemory } from "./memory.js";
import { isTrustingLabel } from "./options.js";
import type { RealpathFn } from "./paths.js";
import { decideTrustAnswer, type TrustRefusalReason } from "./policy.js";

export type TrustClient = Pick<TmuxClient, "sendKeys" | "capturePane">;

export interface TrustContext {
  /** The directory this team owns. */
  workspace: string;
  paneWidth?: number;
  /** Re-reading the screen after moving the highlight needs the provider's vocabulary. */
  signatures?: ScreenSignatures | readonly ScreenSignatures[];
  events?: EventSink;
  memory?: TrustAnswerMemory;
  /** How long the moved highlight may take to show; default 3 s. */
  selectTimeoutMs?: number;
  pollIntervalMs?: number;
  realpath?: RealpathFn;
  home?: string;
}

export type TrustAnswerOutcome =
  | { status: "answered"; answered: true; keys: string[]; screenHash: string; shownPath: string }
  | { status: "skipped"; answered: false; reason: "already_answered"; screenHash: string }
  | {
      status: "refused";
      answered: false;
      reason: TrustRefusalReason;
      action: "prompt_leader";
      screenHash: string;
      shownPath?: string;
    }
  | {
      status: "failed";
      answered: false;
      reason: "tmux_send_keys_failed" | "trusting_option_not_selected";
      error: string;
      screenHash: string;
    };

/** Whether the pane now shows the trust prompt with a trusting option highlighted. */
function trustingHighlighted(classification: ScreenClassification): boolean {
  if (classification.kind !== "trust_prompt") return false;
  return (classification.options ?? []).some((option) => option.highlighted && isTrustingLabel(option.label));
}

export async function answerTrustPrompt(
  client: TrustClient,
  paneId: string,
  classification: ScreenClassification,
  ctx: TrustContext,
): Promise<TrustAnswerOutcome> {
  const events = ctx.events ?? nullEventSink;
  const memory = ctx.memory ?? processTrustMemory;
  const decision = decideTrustAnswer({
    classification,
    workspace: ctx.workspace,
    paneId,
    memory,
    ...(ctx.paneWidth !== undefined ? { paneWidth: ctx.paneWidth } : {}),
    ...(ctx.realpath ? { realpath: ctx.realpath } : {}),
    ...(ctx.home !== undefined ? { home: ctx.home } : {}),
  });

  if (decision.action === "skip") {
    return { status: "skipped", answered: false, reason: decision.reason, screenHash: decision.screenHash };
  }
  if (decision.action === "refuse") {
    events.emit("leader_panes.trust_auto_answer_refused", {
      pane_id: paneId,
      workspace: ctx.workspace,
      reason: decision.reason,
      action: "prompt_leader",
      shown_path: decision.shownPath ?? null,
      capture_hash: decision.screenHash,
    });
    return {
      status: "refused",
      answered: false,
      reason: decision.reason,
      action: "prompt_leader",
      screenHash: decision.screenHash,
      ...(decision.shownPath !== undefined ? { shownPath: decision.shownPath } : {}),
    };
  }

  const fail = (
    reason: "tmux_send_keys_failed" | "trusting_option_not_selected",
    error: string,
  ): TrustAnswerOutcome => {
    events.emit("leader_panes.trust_auto_answer_failed", {
      pane_id: paneId,
      workspace: ctx.workspace,
      reason,
      error,
      capture_hash: decision.screenHash,
    });
    return { status: "failed", answered: false, reason, error, screenHash: decision.screenHash };
  };

  if (decision.moves.length > 0) {
    const moved = await client.sendKeys(paneId, decision.moves);
    if (!moved.ok) return fail("tmux_send_keys_failed", moved.error ?? "tmux send-keys failed");
    // Enter on the wrong option may exit the CLI (Claude Code's default), so the move must show first.
    const selected = await pollUntil(
      async () => {
        const capture = await client.capturePane(paneId, {});
        if (!capture.ok) return undefined;
        const now = classifyScreen(capture.text, {
          ...(ctx.signatures !== undefined ? { signatures: ctx.signatures } : {}),
          ...(ctx.paneWidth !== undefined ? { paneWidth: ctx.paneWidth } : {}),
        });
        return trustingHighlighted(now) ? true : undefined;
      },
      { timeoutMs: ctx.selectTimeoutMs ?? 3_000, intervalMs: ctx.pollIntervalMs ?? 100 },
    );
    if (!selected) {
      return fail(
        "trusting_option_not_selected",
        `after ${decision.moves.join(" ")} no trusting option is highlighted`,
      );
    }
  }
  const entered = await client.sendKeys(paneId, ["Enter"]);
  if (!entered.ok) return fail("tmux_send_keys_failed", entered.error ?? "tmux send-keys failed");

  memory.add(paneId, decision.screenHash);
  events.emit("leader_panes.trust_auto_answered", {
    pane_id: paneId,
    workspace: ctx.workspace,
    capture_hash: decision.screenHash,
    keys: decision.keys,
    shown_path: decision.shownPath,
    rule: decision.rule,
  });
  return {
    status: "answered",
    answered: true,
    keys: decision.keys,
    screenHash: decision.screenHash,
    shownPath: decision.shownPath,
  };
}

/** Polls until the pane no longer shows a trust prompt (a failed capture counts as gone); true when dismissed. */
export async function waitForTrustDismissed(
  client: Pick<TmuxClient, "capturePane">,
  paneId: string,
  options: { signatures?: ScreenSignatures | readonly ScreenSignatures[]; timeoutMs?: number; pollIntervalMs?: number },
): Promise<boolean> {
  const dismissed = await pollUntil(
    async () => {
      const capture = await client.capturePane(paneId, {});
      if (!capture.ok) return true;
      const now = classifyScreen(
        capture.text,
        options.signatures !== undefined ? { signatures: options.signatures } : {},
      );
      return now.kind === "trust_prompt" ? undefined : true;
    },
    { timeoutMs: options.timeoutMs ?? 5_000, intervalMs: options.pollIntervalMs ?? 100 },
  );
  return dismissed === true;
}
