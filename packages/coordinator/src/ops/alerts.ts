/**
 * Silencing the lead's alerts (spec 04 `stuck-list`, `stuck-cancel`, `acknowledge-idle`; spec 03 §1.6, §2.8).
 *
 * - `stuck` alerts are per worker: a suppression stores the worker's work snapshot (open tasks + delivered messages)
 *   under the `stuck_alerts` monitor key; the daemon's stuck step lifts it when the snapshot changes, on progress,
 *   on a restart, or when it expires.
 * - `idle_fallback` is the all-idle reminder, which is one reminder for the whole team: acknowledging it sets the
 *   take-over monitor's `suppressed` flag (idle-predicate `acknowledge`), lifted by the next worker turn or delivery.
 *   The 1800 s TTL is recorded beside it for the record, as the original does; the predicate has no time limit.
 */
import {
  isOneOf,
  isoNow,
  isoPlus,
  isTerminalTaskStatus,
  type MessageStatus,
  type TeamRow,
  TeamRuntimeError,
  usageError,
} from "@team-agent/core-state";
import { acknowledge, normalizeMonitorState } from "@team-agent/idle-predicate";
import { STUCK_ALERTS_KEY, type StuckAlertsState, stuckWorkSnapshot } from "../daemon/detector-steps.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import { IDLE_MONITOR_KEY } from "./send.js";

export const ALERT_TYPES = ["stuck", "idle_fallback"] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
/** What `stuck-cancel --alert-type` takes. */
export const ALERT_TYPE_SELECTORS = [...ALERT_TYPES, "all"] as const;
export type AlertTypeSelector = (typeof ALERT_TYPE_SELECTORS)[number];

/** How long an acknowledgement is reported as valid (the original's TTL record). */
export const IDLE_ACK_TTL_SECONDS = 1800;

/** The record `acknowledge-idle` keeps beside the take-over monitor state (unknown keys survive its round trips). */
const IDLE_ACK_RECORD_KEY = "acknowledgement";

/**
 * Mirrors the daemon's stuck step, which reads the newest 100 messages of the worker: a snapshot taken over a
 * different window would never equal the daemon's and the suppression would be lifted on its first look.
 */
const SNAPSHOT_INBOX_WINDOW = 100;
const DELIVERED: ReadonlySet<MessageStatus> = new Set(["submitted", "acknowledged"]);

export interface StuckSuppressionView {
  alert_type: "stuck";
  scope: "agent";
  suppressed_at: string;
  suppressed_by: string | null;
  expires_at: string | null;
}

export interface IdleSuppressionView {
  alert_type: "idle_fallback";
  /** The reminder is one for the whole team; every worker shows the same entry. */
  scope: "team";
  manual_acknowledge: true;
  suppressed_at: string | null;
  suppressed_by: string | null;
  expires_at: string | null;
}

export type SuppressionView = StuckSuppressionView | IdleSuppressionView;

export interface IdleAcknowledgement {
  acknowledged_at: string;
  acknowledged_by: string | null;
  expires_at: string;
  ttl_seconds: number;
}

export interface StuckListResult {
  ok: true;
  team_id: string;
  /** Worker id → alert type → the suppression in force. */
  suppressed_idle_alerts: Record<string, Partial<Record<AlertType, SuppressionView>>>;
  /** The all-idle reminder's acknowledgement while it is in force, else null. */
  idle_acknowledged: IdleAcknowledgement | null;
}

export interface StuckCancelResult {
  ok: true;
  team_id: string;
  agent_id: string;
  alert_types: AlertType[];
  suppressed: Partial<Record<AlertType, SuppressionView>>;
}

export interface AcknowledgeIdleResult {
  ok: true;
  team_id: string;
  agent_id: null;
  acknowledged_at: string;
  acknowledged_by: string | null;
  expires_at: string;
  ttl_seconds: number;
}

// ---- reading stored state (other processes write these keys; anything unreadable counts as none) ----

/** The daemon's suppression entry plus who asked for it (the daemon keeps what it knows when it rewrites one). */
type StoredStuckSuppression = StuckAlertsState["suppressions"][string] & { suppressed_by?: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function readStuckSuppressions(runtime: TeamRuntime, team: TeamRow): Record<string, StoredStuckSuppression> {
  const raw = runtime.store.monitor.get(team.team_id, STUCK_ALERTS_KEY);
  const suppressions: Record<string, StoredStuckSuppression> = {};
  if (!isRecord(raw) || !isRecord(raw["suppressions"])) return suppressions;
  for (const [agentId, entry] of Object.entries(raw["suppressions"])) {
    if (!isRecord(entry) || typeof entry["snapshot"] !== "string" || typeof entry["since"] !== "string") continue;
    suppressions[agentId] = {
      snapshot: entry["snapshot"],
      since: entry["since"],
      ...(typeof entry["expires_at"] === "string" ? { expires_at: entry["expires_at"] } : {}),
      ...(typeof entry["suppressed_by"] === "string" ? { suppressed_by: entry["suppressed_by"] } : {}),
    };
  }
  return suppressions;
}

function readIdleAcknowledgement(runtime: TeamRuntime, team: TeamRow): IdleAcknowledgement | null {
  const state = normalizeMonitorState(runtime.store.monitor.get(team.team_id, IDLE_MONITOR_KEY));
  if (!state.suppressed || state.acknowledged_at === null) return null;
  const record = state[IDLE_ACK_RECORD_KEY];
  const recorded = isRecord(record) && record["acknowledged_at"] === state.acknowledged_at ? record : null;
  return {
    acknowledged_at: state.acknowledged_at,
    acknowledged_by: state.acknowledged_by,
    expires_at:
      typeof recorded?.["expires_at"] === "string"
        ? recorded["expires_at"]
        : isoPlus(state.acknowledged_at, IDLE_ACK_TTL_SECONDS * 1000),
    ttl_seconds: typeof recorded?.["ttl_seconds"] === "number" ? recorded["ttl_seconds"] : IDLE_ACK_TTL_SECONDS,
  };
}

function stuckView(entry: StoredStuckSuppression): StuckSuppressionView {
  return {
    alert_type: "stuck",
    scope: "agent",
    suppressed_at: entry.since,
    suppressed_by: entry.suppressed_by ?? null,
    expires_at: entry.expires_at ?? null,
  };
}

function idleView(ack: IdleAcknowledgement): IdleSuppressionView {
  return {
    alert_type: "idle_fallback",
    scope: "team",
    manual_acknowledge: true,
    suppressed_at: ack.acknowledged_at,
    suppressed_by: ack.acknowledged_by,
    expires_at: ack.expires_at,
  };
}

/** The team's workers that can be alerted about (the lead is not one; paused workers are). */
function workerIds(runtime: TeamRuntime, team: TeamRow): string[] {
  const ids = new Set(runtime.store.agents.list(team.team_id).map((agent) => agent.agent_id));
  for (const agent of runtime.spec(team).agents) ids.add(agent.id);
  ids.delete(team.leader_id);
  return [...ids].sort();
}

// ---- operations ----

export function stuckList(runtime: TeamRuntime, team: TeamRow): StuckListResult {
  const idle = readIdleAcknowledgement(runtime, team);
  const alerts: StuckListResult["suppressed_idle_alerts"] = {};
  for (const [agentId, entry] of Object.entries(readStuckSuppressions(runtime, team))) {
    alerts[agentId] = { stuck: stuckView(entry) };
  }
  if (idle !== null) {
    for (const agentId of workerIds(runtime, team))
      alerts[agentId] = { ...alerts[agentId], idle_fallback: idleView(idle) };
  }
  return { ok: true, team_id: team.team_id, suppressed_idle_alerts: alerts, idle_acknowledged: idle };
}

/** What the daemon's stuck step will compare against: the worker's open tasks and the messages delivered to it. */
export function currentStuckSnapshot(runtime: TeamRuntime, team: TeamRow, agentId: string): string {
  const tasks = runtime.store.tasks
    .list(team.team_id)
    .filter((task) => task.assignee === agentId && !isTerminalTaskStatus(task.status))
    .map((task) => task.task_id);
  const delivered = runtime.store.messages
    .inbox(team.team_id, agentId, SNAPSHOT_INBOX_WINDOW)
    .filter((message) => message.recipient === agentId && DELIVERED.has(message.status))
    .map((message) => message.message_id);
  return stuckWorkSnapshot(tasks, delivered);
}

function acknowledgeIdleReminder(runtime: TeamRuntime, team: TeamRow, by: string | null): IdleAcknowledgement {
  const now = isoNow();
  const ack: IdleAcknowledgement = {
    acknowledged_at: now,
    acknowledged_by: by,
    expires_at: isoPlus(now, IDLE_ACK_TTL_SECONDS * 1000),
    ttl_seconds: IDLE_ACK_TTL_SECONDS,
  };
  runtime.store.monitor.update(team.team_id, IDLE_MONITOR_KEY, (current) => ({
    ...acknowledge(current, { now, by }),
    [IDLE_ACK_RECORD_KEY]: { expires_at: ack.expires_at, ttl_seconds: ack.ttl_seconds, acknowledged_at: now },
  }));
  runtime.events.emit("coordinator.idle_acknowledged", {
    team_id: team.team_id,
    acknowledged_by: by,
    acknowledged_at: now,
    expires_at: ack.expires_at,
    ttl_seconds: ack.ttl_seconds,
  });
  return ack;
}

/** Checked at run time too: the CLI and the MCP server hand over whatever they were given. */
function alertTypesOf(selector: string): AlertType[] {
  if (selector === "all") return [...ALERT_TYPES];
  if (isOneOf(ALERT_TYPES, selector)) return [selector];
  throw usageError(
    `unknown alert type ${JSON.stringify(selector)}`,
    "Use --alert-type stuck, idle_fallback or all (default stuck).",
  );
}

export function stuckCancel(
  runtime: TeamRuntime,
  team: TeamRow,
  agentId: string,
  alertType: AlertTypeSelector,
  by: string,
): StuckCancelResult {
  const types = alertTypesOf(alertType);
  const workers = workerIds(runtime, team);
  if (!workers.includes(agentId)) {
    throw new TeamRuntimeError(
      agentId === team.leader_id ? "leader_not_a_worker" : "unknown_agent",
      `Team ${team.team_id} has no worker ${agentId} (workers: ${workers.join(", ") || "none"}).`,
      "Name a worker of the team (see `team-agent status`).",
      { details: { agent_id: agentId, workers } },
    );
  }
  const suppressed: StuckCancelResult["suppressed"] = {};
  if (types.includes("stuck")) {
    const entry: StoredStuckSuppression = {
      snapshot: currentStuckSnapshot(runtime, team, agentId),
      since: isoNow(),
      suppressed_by: by,
    };
    runtime.store.monitor.update(team.team_id, STUCK_ALERTS_KEY, (current) => {
      const next = isRecord(current) ? { ...current } : {};
      const suppressions = isRecord(next["suppressions"]) ? next["suppressions"] : {};
      return { ...next, suppressions: { ...suppressions, [agentId]: entry } };
    });
    suppressed.stuck = stuckView(entry);
  }
  if (types.includes("idle_fallback")) suppressed.idle_fallback = idleView(acknowledgeIdleReminder(runtime, team, by));
  runtime.events.emit("coordinator.idle_alert_suppressed", {
    team_id: team.team_id,
    agent_id: agentId,
    alert_types: types,
    suppressed_by: by,
  });
  return { ok: true, team_id: team.team_id, agent_id: agentId, alert_types: types, suppressed };
}

export function acknowledgeIdle(runtime: TeamRuntime, team: TeamRow, by: string): AcknowledgeIdleResult {
  const ack = acknowledgeIdleReminder(runtime, team, by);
  return { ok: true, team_id: team.team_id, agent_id: null, ...ack };
}
