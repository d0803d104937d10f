import { TeamRuntimeError } from "../errors.js";
import { isOneOf } from "../spec/constants.js";

/**
 * D4: every message walks one state machine, kept here as data so the store, the deliverer and the tests read the
 * same table.
 *
 *   from             → allowed to
 *   accepted         → target_resolved, failed, acknowledged
 *   target_resolved  → pasted, accepted (requeue for retry), failed, acknowledged
 *   pasted           → visible, submitted, failed, acknowledged
 *   visible          → submitted, failed, acknowledged
 *   submitted        → acknowledged, failed
 *   failed           → accepted (explicit retry)
 *   acknowledged     → (terminal)
 *
 * `acknowledged` is sticky: the worker may report its result before the deliverer has recorded its own progress,
 * so a late delivery-class mark (target_resolved, pasted, visible, submitted) on an acknowledged message is a
 * no-op, not an error. Everything else outside the table is refused.
 *
 * One recovery path sits outside the table: `MessagesRepo.reclaimStale` moves `target_resolved` and `pasted`
 * rows whose deliverer went silent back to `accepted`. A dead deliverer may already have pasted the text, so the
 * redelivery can duplicate it; that is preferred to a message stuck forever.
 */
export const MESSAGE_STATUSES = [
  "accepted",
  "target_resolved",
  "pasted",
  "visible",
  "submitted",
  "acknowledged",
  "failed",
] as const;

export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const MESSAGE_TRANSITIONS: Readonly<Record<MessageStatus, readonly MessageStatus[]>> = {
  accepted: ["target_resolved", "failed", "acknowledged"],
  target_resolved: ["pasted", "accepted", "failed", "acknowledged"],
  pasted: ["visible", "submitted", "failed", "acknowledged"],
  visible: ["submitted", "failed", "acknowledged"],
  submitted: ["acknowledged", "failed"],
  failed: ["accepted"],
  acknowledged: [],
};

/** Progress marks the deliverer makes; on an acknowledged message they are silently ignored. */
export const DELIVERY_CLASS_STATUSES: readonly MessageStatus[] = ["target_resolved", "pasted", "visible", "submitted"];

/** States a worker's acknowledgement may move to `acknowledged` (everything not terminal and not failed). */
export const ACKNOWLEDGEABLE_STATUSES: readonly MessageStatus[] = MESSAGE_STATUSES.filter((status) =>
  MESSAGE_TRANSITIONS[status].includes("acknowledged"),
);

/** States `reclaimStale` returns to `accepted` when their deliverer stopped updating them. */
export const STALE_RECLAIMABLE_STATUSES: readonly MessageStatus[] = ["target_resolved", "pasted"];

export function isMessageStatus(value: unknown): value is MessageStatus {
  return isOneOf(MESSAGE_STATUSES, value);
}

export type TransitionDecision = "apply" | "sticky_noop";

/** Decides a transition from the table; throws `illegal_message_transition` for anything it does not allow. */
export function decideTransition(messageId: string, from: MessageStatus, to: MessageStatus): TransitionDecision {
  if (MESSAGE_TRANSITIONS[from].includes(to)) return "apply";
  if (from === "acknowledged" && DELIVERY_CLASS_STATUSES.includes(to)) return "sticky_noop";
  const allowed = MESSAGE_TRANSITIONS[from];
  throw new TeamRuntimeError(
    "illegal_message_transition",
    `message ${messageId} cannot move from ${from} to ${to}`,
    allowed.length === 0
      ? `Message ${messageId} is ${from}, which is final; send a new message instead.`
      : `From ${from} a message may only move to ${allowed.join(", ")}; check the caller's view of message ${messageId} (\`team-agent status\`).`,
    { details: { message_id: messageId, from, to } },
  );
}
