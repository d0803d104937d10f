/**
 * Delivers one stored message to a pane, walking the D4 state machine on the store: claim (accepted →
 * target_resolved), pasted, visible, submitted, or failed with the reason. A trust prompt in the way goes to the
 * trust policy, and the delivery is retried once when the policy answered it.
 */
import type { EventSink, MessageStatus, MessagesRepo, TeamsRepo } from "@team-agent/core-state";
import { nullEventSink, TeamAgentError } from "@team-agent/core-state";
import type { TmuxClient } from "../tmux/client.js";
import { answerTrustPrompt, type TrustAnswerOutcome, waitForTrustDismissed } from "../trust/answer.js";
import type { TrustAnswerMemory } from "../trust/memory.js";
import type { Signatures } from "./evidence.js";
import { type InjectClient, type InjectResult, type InjectTiming, injectText } from "./inject.js";
import { renderMessage } from "./render.js";
import { DEFAULT_PASTE_STRATEGY, type PasteStrategy } from "./types.js";

export type DeliverClient = InjectClient & Pick<TmuxClient, "paneWidth">;

export interface DeliverParams {
  store: { messages: MessagesRepo; teams?: TeamsRepo };
  client: DeliverClient;
  teamId: string;
  messageId: string;
  /** The recipient's pane: a pane id (`%12`) or an exact `=session:=window` target. */
  target: string;
  strategy?: PasteStrategy;
  signatures?: Signatures;
  events?: EventSink;
  /** The team's workspace for the trust policy; default the team row's `workspace`. */
  workspace?: string;
  trustMemory?: TrustAnswerMemory;
  attempts?: number;
  timing?: Partial<InjectTiming>;
  /** Recorded with the claim (e.g. the deliverer's process identity, so a dead deliverer's claims can be reclaimed). */
  claimReason?: string;
}

export interface DeliverResult {
  ok: boolean;
  messageId: string;
  /** The message's status after this call (null when it does not exist). */
  status: MessageStatus | null;
  reason?: string;
  error?: string;
  /** Every injection run, in order (two when a trust prompt was answered in between). */
  injections: InjectResult[];
  trust?: TrustAnswerOutcome;
}

/** States that mean someone already got the message into the pane. */
const ALREADY_DELIVERED: ReadonlySet<MessageStatus> = new Set(["visible", "submitted", "acknowledged"]);

export async function deliverMessage(params: DeliverParams): Promise<DeliverResult> {
  const { store, client, teamId, messageId, target } = params;
  const events = params.events ?? nullEventSink;
  const strategy = params.strategy ?? DEFAULT_PASTE_STRATEGY;
  const signatures = params.signatures ?? [];
  const messages = store.messages;

  const row = messages.get(messageId);
  if (row === null || row.team_id !== teamId) {
    return { ok: false, messageId, status: row?.status ?? null, reason: "message_missing", injections: [] };
  }
  const claimed = messages.claimForDelivery(messageId, params.claimReason);
  if (claimed === null) {
    const status = messages.get(messageId)?.status ?? null;
    events.emit("send.delivery_claim_skipped", { message_id: messageId, team_id: teamId, status });
    return {
      ok: status !== null && ALREADY_DELIVERED.has(status),
      messageId,
      status,
      reason: "claim_lost",
      injections: [],
    };
  }

  const text = renderMessage(claimed);
  events.emit("send.deliver_attempt", {
    message_id: messageId,
    team_id: teamId,
    target,
    recipient: claimed.recipient,
    bytes: Buffer.byteLength(text, "utf8"),
    visible_token: messageId,
    delivery_attempt: claimed.delivery_attempts,
  });

  /**
   * One D4 step. Another process may have moved the row meanwhile (a stale-claim reclaim, an acknowledgement): the
   * pane's truth still stands, so the refused step is reported as an event instead of aborting the delivery.
   */
  const mark = (to: MessageStatus, options: { reason: string; error?: string }): MessageStatus | null => {
    try {
      return messages.transition(messageId, to, options).status;
    } catch (error) {
      if (!(error instanceof TeamAgentError)) throw error;
      const status = messages.get(messageId)?.status ?? null;
      events.emit("send.state_transition_refused", { message_id: messageId, to, status, error: error.message });
      return status;
    }
  };

  const inject = (bufferName: string) =>
    injectText(client, target, text, {
      bufferName,
      strategy,
      signatures,
      ...(params.attempts !== undefined ? { attempts: params.attempts } : {}),
      ...(params.timing !== undefined ? { timing: params.timing } : {}),
      onPasted: (attempt) => {
        mark("pasted", { reason: `paste_buffer_ok_attempt_${attempt}` });
      },
      onVisible: (verification) => {
        if (messages.get(messageId)?.status === "pasted") mark("visible", { reason: verification });
      },
    });

  const injections: InjectResult[] = [];
  let result = await inject(`team-agent-send-${messageId}`);
  injections.push(result);
  let trust: TrustAnswerOutcome | undefined;

  if (!result.ok && result.reason === "trust_prompt" && result.classification) {
    const workspace = params.workspace ?? store.teams?.get(teamId)?.workspace;
    const paneId = (await client.paneProcess(target).catch(() => null))?.paneId ?? target;
    const paneWidth = (await client.paneWidth(target).catch(() => null)) ?? undefined;
    trust = workspace
      ? await answerTrustPrompt(client, paneId, result.classification, {
          workspace,
          signatures,
          events,
          ...(paneWidth !== undefined ? { paneWidth } : {}),
          ...(params.trustMemory ? { memory: params.trustMemory } : {}),
        })
      : undefined;
    if (trust?.answered && (await waitForTrustDismissed(client, paneId, { signatures }))) {
      result = await inject(`team-agent-send-${messageId}-trust-retry`);
      injections.push(result);
    }
  }

  if (result.ok) {
    const status = mark("submitted", { reason: result.submitVerification ?? result.verification });
    events.emit("send.submitted", {
      message_id: messageId,
      team_id: teamId,
      target,
      verification: result.verification,
      submit_verification: result.submitVerification ?? null,
      submit_verified: result.submitVerified,
      submit_presses: result.submitPresses,
      attempts: result.attempts.length,
      trust_answered: trust?.answered ?? false,
    });
    return { ok: true, messageId, status, injections, ...(trust ? { trust } : {}) };
  }

  const reason = result.reason ?? result.stage;
  const error = failureText(result, trust);
  const status = mark("failed", { reason, error });
  events.emit("send.failed", {
    message_id: messageId,
    team_id: teamId,
    target,
    stage: result.stage,
    reason,
    verification: result.verification,
    detected: result.detected ?? null,
    error,
    // The pane's screen text stays in the returned result, out of the event log: it may show anything (D8).
    attempts: result.attempts,
    trust_status: trust?.status ?? null,
    trust_reason: trust && "reason" in trust ? trust.reason : null,
  });
  return { ok: false, messageId, status, reason, error, injections, ...(trust ? { trust } : {}) };
}

function failureText(result: InjectResult, trust: TrustAnswerOutcome | undefined): string {
  if (trust?.status === "refused") {
    return `the pane shows a workspace-trust prompt that was not answered (${trust.reason}); the leader must decide`;
  }
  if (trust?.status === "failed")
    return `answering the workspace-trust prompt failed (${trust.reason}): ${trust.error}`;
  if (result.error) return result.error;
  return `${result.stage}: ${result.verification}`;
}
