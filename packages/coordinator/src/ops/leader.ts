/**
 * The lead's pane: binding it as the team's receiver, and delivering messages into it (results, reminders, worker
 * questions). A result notification passes the exactly-once gate of the leader-notification log before any paste.
 * When the lead cannot be reached the text goes to `.team/runtime/leader-inbox.log` and the message stays `failed`
 * with its reason, to be re-queued when a lead attaches.
 */
import { appendFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import { extractResultId, isoNow, type MessageRow, type TeamRow } from "@team-agent/core-state";
import { type DeliverResult, deliverMessage, renderMessage, type TmuxServer } from "@team-agent/tmux-prompt";
import { claimReasonForThisProcess } from "../runtime/process-identity.js";
import type { TeamRuntime } from "../runtime/runtime.js";

export interface LeaderReceiver {
  mode: "direct_tmux";
  status: "attached";
  pane_id: string;
  server: TmuxServer;
  provider: string | null;
  attached_at: string;
}

export interface BindLeaderInput {
  paneId: string;
  /** The tmux server the lead's pane lives on (the user's own server, usually). */
  server: TmuxServer;
  provider?: string | null;
  claimedVia?: string;
  /** The lead's identity as the caller resolved it (env overrides); default this machine and user. */
  machineFingerprint?: string;
  osUser?: string;
  leaderSessionUuid?: string;
}

export function readReceiver(runtime: TeamRuntime, team: TeamRow): LeaderReceiver | null {
  const receiver = runtime.store.leader.get(team.team_id)?.receiver;
  if (receiver && receiver["mode"] === "direct_tmux" && typeof receiver["pane_id"] === "string") {
    return receiver as unknown as LeaderReceiver;
  }
  return null;
}

export function bindLeader(runtime: TeamRuntime, team: TeamRow, input: BindLeaderInput): LeaderReceiver {
  const receiver: LeaderReceiver = {
    mode: "direct_tmux",
    status: "attached",
    pane_id: input.paneId,
    server: input.server,
    provider: input.provider ?? null,
    attached_at: isoNow(),
  };
  runtime.store.leader.bind(team.team_id, {
    paneId: input.paneId,
    provider: input.provider ?? "unknown",
    machineFingerprint: input.machineFingerprint ?? hostname(),
    osUser: input.osUser ?? userInfo().username,
    claimedVia: input.claimedVia ?? "attach",
    receiver: { ...receiver },
    ...(input.leaderSessionUuid ? { leaderSessionUuid: input.leaderSessionUuid } : {}),
  });
  runtime.events.emit("leader_receiver.attached", { team_id: team.team_id, pane_id: input.paneId });
  requeueUnreachedLeaderMessages(runtime, team);
  return receiver;
}

const UNREACHED_LEAD_REASONS = new Set(["leader_not_attached"]);

/** Messages that failed only because no lead was attached go back to `accepted` once one is. */
function requeueUnreachedLeaderMessages(runtime: TeamRuntime, team: TeamRow): void {
  const messages = runtime.store.messages;
  const requeued = messages
    .inbox(team.team_id, team.leader_id, 500)
    .filter((message) => message.recipient === team.leader_id && message.status === "failed")
    .filter((message) => UNREACHED_LEAD_REASONS.has(messages.attempts(message.message_id).at(-1)?.reason ?? ""))
    .map((message) => {
      messages.transition(message.message_id, "accepted", { reason: "leader_attached" });
      return message.message_id;
    });
  if (requeued.length > 0) {
    runtime.events.emit("leader_receiver.requeued", { team_id: team.team_id, message_ids: requeued });
  }
}

export const LEADER_INBOX_FILE = "leader-inbox.log";

function fallbackToInbox(runtime: TeamRuntime, team: TeamRow, message: MessageRow, reason: string, error: string) {
  const stamp = isoNow().replace("T", " ").slice(0, 19);
  const line = `[${stamp}] team=${team.team_id} fallback reason=${reason} error=${error}\n${renderMessage(message)}\n\n`;
  appendFileSync(join(runtime.layout.runtimeDir, LEADER_INBOX_FILE), line, { mode: 0o600 });
  runtime.events.emit("leader_receiver.delivery_failed", {
    team_id: team.team_id,
    message_id: message.message_id,
    reason,
    action: "attach the lead with `team-agent attach-leader`; the message is kept and re-sent then",
  });
}

export interface LeaderDelivery {
  ok: boolean;
  status: "submitted" | "deduped" | "fallback_inbox" | "claim_lost";
  reason?: string;
  delivery?: DeliverResult;
}

export async function deliverToLeader(
  runtime: TeamRuntime,
  team: TeamRow,
  message: MessageRow,
): Promise<LeaderDelivery> {
  const messages = runtime.store.messages;
  const binding = runtime.store.leader.get(team.team_id);
  const receiver = readReceiver(runtime, team);
  const resultId = extractResultId(message.content);
  if (receiver === null) {
    if (messages.claimForDelivery(message.message_id, claimReasonForThisProcess()) === null) {
      return { ok: false, status: "claim_lost" };
    }
    messages.transition(message.message_id, "failed", { reason: "leader_not_attached", error: "no lead pane bound" });
    fallbackToInbox(runtime, team, message, "leader_not_attached", "no lead pane bound");
    return { ok: false, status: "fallback_inbox", reason: "leader_not_attached" };
  }
  if (resultId !== null) {
    const claim = runtime.store.notifications.claim({
      resultId,
      teamId: team.team_id,
      ownerEpoch: binding?.owner_epoch ?? 0,
      leaderSessionUuid: binding?.leader_session_uuid ?? null,
      messageId: message.message_id,
      leaderPaneId: receiver.pane_id,
      text: message.content,
    });
    if (claim.outcome === "already_notified_by" && claim.notified_message_id !== message.message_id) {
      if (messages.claimForDelivery(message.message_id, claimReasonForThisProcess()) !== null) {
        messages.transition(message.message_id, "acknowledged", {
          reason: "dedupe_suppressed_by_leader_notification_log",
        });
      }
      runtime.events.emit("leader_notification.dedupe_skip", {
        team_id: team.team_id,
        result_id: resultId,
        message_id: message.message_id,
        notified_message_id: claim.notified_message_id,
      });
      return { ok: true, status: "deduped" };
    }
  }
  runtime.events.emit("leader_receiver.deliver_attempt", { team_id: team.team_id, message_id: message.message_id });
  const delivery = await deliverMessage({
    store: runtime.store,
    client: runtime.tmux(receiver.server),
    teamId: team.team_id,
    messageId: message.message_id,
    target: receiver.pane_id,
    events: runtime.events,
    workspace: runtime.workspace,
    claimReason: claimReasonForThisProcess(),
  });
  if (delivery.ok) {
    runtime.events.emit("leader_receiver.submitted", { team_id: team.team_id, message_id: message.message_id });
    return { ok: true, status: "submitted", delivery };
  }
  if (delivery.reason === "claim_lost") return { ok: false, status: "claim_lost", delivery };
  fallbackToInbox(runtime, team, message, delivery.reason ?? "delivery_failed", delivery.error ?? "unknown");
  return { ok: false, status: "fallback_inbox", reason: delivery.reason ?? "delivery_failed", delivery };
}
