/**
 * Sending (D4): a message is stored first, then delivered. While the team's daemon holds its lease, the daemon is
 * the only process that pastes into worker panes (so two senders never interleave in one input box): `send` wakes
 * it and waits for the message to be submitted. Without a live daemon the caller delivers itself.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isoNow, type MessageRow, type MessageStatus, type TeamRow, TeamRuntimeError } from "@team-agent/core-state";
import { armOnDelivery } from "@team-agent/idle-predicate";
import type { ProviderPlugin } from "@team-agent/provider-registry";
import { classifyScreen, type DeliverResult, deliverMessage, tokenLine } from "@team-agent/tmux-prompt";
import { claimReasonForThisProcess } from "../runtime/process-identity.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import { deliverToLeader, type LeaderDelivery } from "./leader.js";

export const IDLE_MONITOR_KEY = "idle_takeover_monitor";

export interface SendInput {
  from: string;
  to: string;
  content: string;
  taskId?: string | null;
  requiresAck?: boolean;
}

export interface SendOptions {
  /** How long to wait for the daemon to submit the message; 0 returns once it is stored. */
  waitMs?: number;
}

export interface SendResult {
  ok: boolean;
  message_id: string;
  to: string;
  status: MessageStatus;
  submitted: boolean;
  delivered_by: "daemon" | "caller" | "pending";
  reason?: string;
  error?: string | null;
}

const SUBMITTED_STATES: ReadonlySet<MessageStatus> = new Set(["submitted", "acknowledged"]);
const SETTLED_STATES: ReadonlySet<MessageStatus> = new Set(["submitted", "acknowledged", "failed"]);

export function wakeDir(runtime: TeamRuntime): string {
  return join(runtime.layout.runtimeDir, "wake");
}

/** Touches the team's wake file; the daemon watches the folder and runs a delivery pass at once. */
export function wakeDaemon(runtime: TeamRuntime, team: TeamRow): void {
  const dir = wakeDir(runtime);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, team.team_id), isoNow(), { mode: 0o600 });
}

export function daemonIsLive(runtime: TeamRuntime, team: TeamRow): boolean {
  return runtime.store.lease.current(team.team_id)?.live === true;
}

function assertRecipient(runtime: TeamRuntime, team: TeamRow, to: string): void {
  if (to === team.leader_id) return;
  const agent = runtime.store.agents.get(team.team_id, to);
  if (agent === null) {
    const known = runtime.store.agents.list(team.team_id).map((each) => each.agent_id);
    throw new TeamRuntimeError(
      "unknown_recipient",
      `Team ${team.team_id} has no member ${to} (members: ${[team.leader_id, ...known].join(", ")}).`,
      "Check the id with `team-agent status`.",
    );
  }
  const drift = agent.attrs["session_drift"];
  if (drift) {
    runtime.events.emit("send.refused_session_drift", { team_id: team.team_id, agent_id: to });
    throw new TeamRuntimeError(
      "session_drift",
      `${to} is now talking in a different conversation than the one recorded; messages to it are refused.`,
      `Run \`team-agent reset-agent --discard-session ${to}\`.`,
    );
  }
}

async function waitSettled(runtime: TeamRuntime, messageId: string, waitMs: number): Promise<MessageRow> {
  const deadline = Date.now() + waitMs;
  let delay = 10;
  for (;;) {
    const row = runtime.store.messages.get(messageId) as MessageRow;
    if (SETTLED_STATES.has(row.status) || Date.now() >= deadline) return row;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}

export async function sendMessage(
  runtime: TeamRuntime,
  team: TeamRow,
  input: SendInput,
  options: SendOptions = {},
): Promise<SendResult> {
  assertRecipient(runtime, team, input.to);
  const toLeader = input.to === team.leader_id;
  const message = runtime.store.messages.create(team.team_id, {
    sender: input.from,
    recipient: input.to,
    content: input.content,
    taskId: input.taskId ?? null,
    requiresAck: input.requiresAck ?? !toLeader,
  });
  runtime.events.emit("send.accepted", {
    team_id: team.team_id,
    message_id: message.message_id,
    sender: input.from,
    recipient: input.to,
  });
  const waitMs = options.waitMs ?? 30_000;
  const summarise = (row: MessageRow, by: SendResult["delivered_by"]): SendResult => ({
    ok: row.status !== "failed",
    message_id: row.message_id,
    to: row.recipient,
    status: row.status,
    submitted: SUBMITTED_STATES.has(row.status),
    delivered_by: SUBMITTED_STATES.has(row.status) ? by : "pending",
    ...(row.status === "failed" ? { reason: "delivery_failed", error: row.error } : {}),
  });
  if (daemonIsLive(runtime, team)) {
    wakeDaemon(runtime, team);
    if (waitMs === 0) return summarise(message, "pending");
    return summarise(await waitSettled(runtime, message.message_id, waitMs), "daemon");
  }
  if (waitMs === 0) return summarise(message, "pending");
  await deliverStored(runtime, team, message.message_id);
  return summarise(runtime.store.messages.get(message.message_id) as MessageRow, "caller");
}

export interface StoredDelivery {
  ok: boolean;
  message_id: string;
  status: MessageStatus | null;
  /** `queued`: the recipient cannot take it now (stopped, paused, no pane); it stays accepted. */
  outcome: "submitted" | "recovered" | "queued" | "failed" | "claim_lost" | "leader";
  reason?: string;
  delivery?: DeliverResult;
  leader?: LeaderDelivery;
}

/**
 * A message whose earlier deliverer died may already be in the worker's conversation: its transcript holds the
 * token. Then it is marked submitted without a second paste.
 */
function transcriptHasToken(rolloutPath: string | null, messageId: string): boolean {
  if (!rolloutPath) return false;
  try {
    return readFileSync(rolloutPath, "utf8").includes(tokenLine(messageId));
  } catch {
    return false;
  }
}

function recordFirstLeaderSend(runtime: TeamRuntime, team: TeamRow, message: MessageRow): void {
  const agent = runtime.store.agents.get(team.team_id, message.recipient);
  if (agent === null) return;
  const now = isoNow();
  if (!agent.attrs["first_send_at"]) {
    runtime.store.agents.setAttrs(team.team_id, agent.agent_id, { first_send_at: now });
    runtime.events.emit("worker.first_interaction", {
      team_id: team.team_id,
      agent_id: agent.agent_id,
      message_id: message.message_id,
    });
  }
  runtime.store.monitor.update(team.team_id, IDLE_MONITOR_KEY, (monitor) =>
    armOnDelivery(monitor, {
      node_id: agent.agent_id,
      message_id: message.message_id,
      task_id: message.task_id,
      now,
      events: runtime.events,
    }),
  );
}

/** Presses the submit key and waits until the draft no longer holds the message (or its transcript has it). */
async function submitDraft(
  runtime: TeamRuntime,
  team: TeamRow,
  message: MessageRow,
  paneId: string,
  plugin: ProviderPlugin,
): Promise<boolean> {
  const tmux = runtime.teamTmux(team);
  const token = tokenLine(message.message_id);
  await tmux.sendKeys(paneId, [plugin.screen.paste.submitKey]);
  const deadline = Date.now() + 5_000;
  for (;;) {
    const after = await tmux.capturePane(paneId);
    const cleared =
      after.ok &&
      !after.text.includes(token) &&
      classifyScreen(after.text, { signatures: plugin.screen.signatures }).kind !== "pasted_unsubmitted";
    const agent = runtime.store.agents.get(team.team_id, message.recipient);
    if (cleared || transcriptHasToken(agent?.rollout_path ?? null, message.message_id)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether the worker's input box holds this message unsent (its token, or a paste placeholder). */
async function draftHolds(
  runtime: TeamRuntime,
  team: TeamRow,
  message: MessageRow,
  paneId: string,
  plugin: ProviderPlugin,
) {
  const capture = await runtime.teamTmux(team).capturePane(paneId);
  if (!capture.ok) return false;
  const screen = classifyScreen(capture.text, { signatures: plugin.screen.signatures });
  return (
    screen.kind === "pasted_unsubmitted" ||
    (screen.kind !== "busy" && capture.text.includes(tokenLine(message.message_id)))
  );
}

/**
 * A deliverer that died between paste and Enter leaves the message in the worker's input box. Pasting again would
 * double it, so when the draft shows this message's token (or a paste placeholder) the submit key is pressed and the
 * message counts as submitted once the draft clears.
 */
async function finishInterruptedPaste(
  runtime: TeamRuntime,
  team: TeamRow,
  message: MessageRow,
  paneId: string,
  plugin: ProviderPlugin,
): Promise<StoredDelivery | null> {
  if (!(await draftHolds(runtime, team, message, paneId, plugin))) return null;
  const messages = runtime.store.messages;
  if (messages.claimForDelivery(message.message_id, claimReasonForThisProcess()) === null) {
    return {
      ok: false,
      message_id: message.message_id,
      status: messages.get(message.message_id)?.status ?? null,
      outcome: "claim_lost",
    };
  }
  messages.transition(message.message_id, "pasted", { reason: "interrupted_paste_found_in_draft" });
  if (!(await submitDraft(runtime, team, message, paneId, plugin))) {
    messages.transition(message.message_id, "failed", {
      reason: "interrupted_paste_not_submitted",
      error: "the draft did not clear after Enter",
    });
    return {
      ok: false,
      message_id: message.message_id,
      status: "failed",
      outcome: "failed",
      reason: "interrupted_paste_not_submitted",
    };
  }
  messages.transition(message.message_id, "submitted", { reason: "interrupted_paste_submitted" });
  runtime.events.emit("send.recovered", { team_id: team.team_id, message_id: message.message_id, via: "draft_submit" });
  return { ok: true, message_id: message.message_id, status: "submitted", outcome: "recovered" };
}

/**
 * A message proven visible whose deliverer died: Enter may or may not have been pressed. It is in the transcript
 * (submitted), still in the draft (press Enter), or gone from the draft — then the CLI took it (a busy CLI queues
 * input before it writes it to its transcript), so it counts as submitted. It is never pasted a second time.
 */
export async function recoverAbandonedVisible(runtime: TeamRuntime, team: TeamRow, message: MessageRow): Promise<void> {
  const messages = runtime.store.messages;
  const agent = runtime.store.agents.get(team.team_id, message.recipient);
  const finish = (reason: string) => {
    messages.transition(message.message_id, "submitted", { reason });
    runtime.events.emit("send.recovered", { team_id: team.team_id, message_id: message.message_id, via: reason });
  };
  if (transcriptHasToken(agent?.rollout_path ?? null, message.message_id)) return finish("found_in_transcript");
  if (agent === null || agent.pane_id === null) {
    messages.transition(message.message_id, "failed", {
      reason: "recipient_gone",
      error: "the recipient's pane is gone",
    });
    return;
  }
  const plugin = (await runtime.providers(team)).get(agent.provider);
  if (await draftHolds(runtime, team, message, agent.pane_id, plugin)) {
    if (await submitDraft(runtime, team, message, agent.pane_id, plugin)) return finish("interrupted_paste_submitted");
    messages.transition(message.message_id, "failed", {
      reason: "interrupted_paste_not_submitted",
      error: "the draft did not clear after Enter",
    });
    return;
  }
  finish("draft_cleared_by_cli");
}

export async function deliverStored(runtime: TeamRuntime, team: TeamRow, messageId: string): Promise<StoredDelivery> {
  const messages = runtime.store.messages;
  const message = messages.get(messageId);
  if (message === null || message.status !== "accepted") {
    return { ok: false, message_id: messageId, status: message?.status ?? null, outcome: "claim_lost" };
  }
  if (message.recipient === team.leader_id) {
    const leader = await deliverToLeader(runtime, team, message);
    return {
      ok: leader.ok,
      message_id: messageId,
      status: messages.get(messageId)?.status ?? null,
      outcome: "leader",
      leader,
    };
  }
  const agent = runtime.store.agents.get(team.team_id, message.recipient);
  if (agent === null) {
    if (messages.claimForDelivery(messageId, claimReasonForThisProcess()) !== null) {
      messages.transition(messageId, "failed", { reason: "unknown_recipient", error: `no agent ${message.recipient}` });
    }
    return { ok: false, message_id: messageId, status: "failed", outcome: "failed", reason: "unknown_recipient" };
  }
  if (agent.pane_id === null || !["running", "busy", "awaiting_trust_prompt"].includes(agent.status)) {
    return {
      ok: false,
      message_id: messageId,
      status: "accepted",
      outcome: "queued",
      reason: `recipient_${agent.status}`,
    };
  }
  const fromLeader = message.sender === team.leader_id;
  if (message.delivery_attempts > 0 && transcriptHasToken(agent.rollout_path, messageId)) {
    if (messages.claimForDelivery(messageId, claimReasonForThisProcess()) === null) {
      return {
        ok: false,
        message_id: messageId,
        status: messages.get(messageId)?.status ?? null,
        outcome: "claim_lost",
      };
    }
    messages.transition(messageId, "pasted", { reason: "found_in_transcript" });
    messages.transition(messageId, "submitted", { reason: "found_in_transcript" });
    runtime.events.emit("send.recovered", { team_id: team.team_id, message_id: messageId, agent_id: agent.agent_id });
    if (fromLeader) recordFirstLeaderSend(runtime, team, message);
    return { ok: true, message_id: messageId, status: "submitted", outcome: "recovered" };
  }
  const plugin = (await runtime.providers(team)).get(agent.provider);
  if (message.delivery_attempts > 0) {
    const finished = await finishInterruptedPaste(runtime, team, message, agent.pane_id, plugin);
    if (finished !== null) {
      if (finished.ok && fromLeader) recordFirstLeaderSend(runtime, team, message);
      return finished;
    }
  }
  const delivery = await deliverMessage({
    store: runtime.store,
    client: runtime.teamTmux(team),
    teamId: team.team_id,
    messageId,
    target: agent.pane_id,
    strategy: plugin.screen.paste,
    signatures: plugin.screen.signatures,
    events: runtime.events,
    workspace: runtime.workspace,
    claimReason: claimReasonForThisProcess(),
  });
  if (delivery.ok && delivery.reason !== "claim_lost" && fromLeader) recordFirstLeaderSend(runtime, team, message);
  return {
    ok: delivery.ok,
    message_id: messageId,
    status: delivery.status,
    outcome: delivery.ok
      ? delivery.reason === "claim_lost"
        ? "claim_lost"
        : "submitted"
      : delivery.reason === "claim_lost"
        ? "claim_lost"
        : "failed",
    ...(delivery.reason ? { reason: delivery.reason } : {}),
    delivery,
  };
}
