/**
 * Stuck agents (spec 03 §1.6): a worker that should be working but has printed nothing for `stuckTimeoutSec`.
 * The daemon gathers the facts (health rows, open work, newest progress events, suppressions, last pushes) and
 * writes the events; this function only decides.
 *
 * Silence alone is not "stuck": a worker with no open task and no message on its way is just done
 * (`idle_no_work`), and one whose progress events (a report, a delivery) are newer than its last output is busy
 * somewhere the pane does not show (`recent_progress_event`).
 */

/** `runtime.stuck_timeout_sec` default. */
export const DEFAULT_STUCK_TIMEOUT_SEC = 300;
/** `runtime.push_min_interval_sec` default: at most one leader push per agent per minute. */
export const DEFAULT_PUSH_MIN_INTERVAL_SEC = 60;

/** Health statuses in which silence means something is wrong. */
const BUSY_HEALTH_STATUSES: ReadonlySet<string> = new Set(["RUNNING", "WORKING"]);

export interface StuckHealthRow {
  agentId: string;
  status: string;
  lastOutputAt: string | null | undefined;
}

export interface StuckActiveWork {
  /** A task assigned to the agent in pending/assigned/in_progress/ready/running/needs_retry. */
  hasActiveTask: boolean;
  /** A message to the agent in pending/accepted/target_resolved/injected (delivered history does not count). */
  hasUndeliveredInbound: boolean;
}

/** A `stuck-cancel` (or manual acknowledge) for the agent's `stuck` alerts. */
export interface StuckSuppression {
  /** The agent's assigned task ids and delivered message ids when it was suppressed, as one opaque string. */
  snapshot: string;
  /** When it was suppressed (ISO). */
  since: string;
  /** Manual acknowledgements end here (ISO). */
  expiresAt?: string;
}

export interface StuckInput {
  /** ISO timestamp of this tick. */
  now: string;
  stuckTimeoutSec: number;
  pushMinIntervalSec: number;
  health: StuckHealthRow[];
  activeWork: Record<string, StuckActiveWork>;
  /** Newest progress event about each agent (report_result, delivery attempts, peer mirror…). */
  lastProgressAt: Record<string, string | undefined>;
  /** Newest restart/reset event about each agent (restart.agent_start, reset_agent.complete…). */
  lastRestartAt?: Record<string, string | undefined>;
  suppressions: Record<string, StuckSuppression>;
  /** The agent's snapshot now, in the same form as `StuckSuppression.snapshot`; a missing entry never clears. */
  currentSnapshot: Record<string, string>;
  /** When the leader was last told about each agent (ISO). */
  lastPushAt: Record<string, string>;
}

export type StuckWorkReason = "active_task" | "inbound_message";

export type SuppressionClearReason =
  | "snapshot_changed"
  | "progress_event"
  | "restart_or_reset"
  | "expired"
  | "invalid_suppression_timestamp";

export interface StuckAgent {
  agentId: string;
  lastOutputAt: string;
  workReason: StuckWorkReason;
  /** Whole seconds since the last output. */
  silentSec: number;
}

export interface StuckDecisions {
  /** `coordinator.agent_stuck` for each. */
  stuck: StuckAgent[];
  /** `coordinator.agent_stuck_suppressed {reason:"idle_no_work"}` for each. */
  suppressedIdle: string[];
  /** `coordinator.agent_stuck_suppressed {reason:"recent_progress_event"}` for each. */
  suppressedProgress: string[];
  /** Stuck agents to tell the leader about now (then store `now` as their last push). */
  pushes: string[];
  /** Suppressions to delete, with `coordinator.idle_alert_suppression_cleared {reason}`. */
  clearedSuppressions: Array<{ agentId: string; reason: SuppressionClearReason }>;
}

/** The leader's notice about a stuck agent. */
export function stuckPushText(agentId: string, seconds: number): string {
  return `agent ${agentId} appears stuck: no output for ${Math.floor(seconds)}s`;
}

/** true when `ts` is a readable time at or after `sinceMs`. */
function happenedSince(ts: string | undefined, sinceMs: number): boolean {
  if (ts === undefined) return false;
  const ms = Date.parse(ts);
  return Number.isFinite(ms) && ms >= sinceMs;
}

function suppressionClearReason(
  agentId: string,
  suppression: StuckSuppression,
  input: StuckInput,
  nowMs: number,
): SuppressionClearReason | null {
  const current = input.currentSnapshot[agentId];
  if (current !== undefined && current !== suppression.snapshot) return "snapshot_changed";
  const sinceMs = Date.parse(suppression.since);
  if (!Number.isFinite(sinceMs)) return "invalid_suppression_timestamp";
  if (happenedSince(input.lastProgressAt[agentId], sinceMs)) return "progress_event";
  if (happenedSince(input.lastRestartAt?.[agentId], sinceMs)) return "restart_or_reset";
  const expiresMs = suppression.expiresAt === undefined ? Number.NaN : Date.parse(suppression.expiresAt);
  if (Number.isFinite(expiresMs) && nowMs >= expiresMs) return "expired";
  return null;
}

function workReasonOf(work: StuckActiveWork | undefined): StuckWorkReason | null {
  if (work?.hasActiveTask) return "active_task";
  if (work?.hasUndeliveredInbound) return "inbound_message";
  return null;
}

export function findStuckAgents(input: StuckInput): StuckDecisions {
  const decisions: StuckDecisions = {
    stuck: [],
    suppressedIdle: [],
    suppressedProgress: [],
    pushes: [],
    clearedSuppressions: [],
  };
  const nowMs = Date.parse(input.now);
  if (!Number.isFinite(nowMs)) throw new RangeError(`findStuckAgents: now is not a timestamp: ${input.now}`);
  const timeoutMs = input.stuckTimeoutSec * 1000;
  for (const row of input.health) {
    if (!BUSY_HEALTH_STATUSES.has(row.status.toUpperCase()) || !row.lastOutputAt) continue;
    const lastOutputMs = Date.parse(row.lastOutputAt);
    if (!Number.isFinite(lastOutputMs) || nowMs - lastOutputMs < timeoutMs) continue;
    const { agentId } = row;

    // Suppressions are checked before the work test so that a stale one is cleared even for a finished agent.
    const suppression = input.suppressions[agentId];
    let suppressed = false;
    if (suppression !== undefined) {
      const reason = suppressionClearReason(agentId, suppression, input, nowMs);
      if (reason === null) suppressed = true;
      else decisions.clearedSuppressions.push({ agentId, reason });
    }

    const workReason = workReasonOf(input.activeWork[agentId]);
    if (workReason === null) {
      decisions.suppressedIdle.push(agentId);
      continue;
    }
    if (suppressed) continue;
    if (happenedSince(input.lastProgressAt[agentId], lastOutputMs)) {
      decisions.suppressedProgress.push(agentId);
      continue;
    }

    decisions.stuck.push({
      agentId,
      lastOutputAt: row.lastOutputAt,
      workReason,
      silentSec: Math.floor((nowMs - lastOutputMs) / 1000),
    });
    const lastPush = input.lastPushAt[agentId];
    const lastPushMs = lastPush === undefined ? Number.NaN : Date.parse(lastPush);
    if (!Number.isFinite(lastPushMs) || nowMs - lastPushMs >= input.pushMinIntervalSec * 1000) {
      decisions.pushes.push(agentId);
    }
  }
  return decisions;
}
