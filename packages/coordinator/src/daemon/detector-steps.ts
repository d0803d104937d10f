/**
 * Tick steps 8, 9 and 11–14 (spec 03 §1.4): scheduled messages, stuck workers, cross-worker deadlocks, compaction,
 * session drift and the lead's API errors. The decisions are pure functions in ./detectors; this module feeds
 * them from the store and the panes already captured this tick, and applies what they decide.
 *
 * The daemon ticks every 2 s, so every step is quiet on a team where nothing changed (D2): reads only, no store
 * write, no event. What a step has already reported lives in the store (monitor keys, agent attrs) when it must
 * survive a restart, and in DetectorMemory when repeating it once after a restart does no harm.
 */
import {
  type AgentHealthRow,
  type AgentRow,
  isTerminalTaskStatus,
  type MessageRow,
  type MessageStatus,
  PersistenceDegradedError,
  type ResultRow,
  type RuntimeSettings,
  resolveRuntimeDefaults,
  type TaskRow,
  type TeamRow,
} from "@team-agent/core-state";
import type { ProviderRegistry } from "@team-agent/provider-registry";
import { z } from "zod";
import { readReceiver } from "../ops/leader.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import {
  type CrossWorkerDeadlockAlert,
  DEFAULT_COMPACTION_RECOMMEND_INTERVAL_MS,
  decideCompaction,
  decideLeaderApiErrorEvent,
  detectSessionDrift,
  findCrossWorkerDeadlocks,
  findStuckAgents,
  type LeaderApiErrorClass,
  recordCompactionResetOutcome,
  type StuckActiveWork,
  type StuckSuppression,
  scanLeaderApiErrors,
  stuckPushText,
} from "./detectors/index.js";
import { COORDINATOR_SENDER } from "./idle.js";
import type { PaneObservation } from "./screens.js";

/** Monitor keys (store.monitor, one JSON value per team). */
export const STUCK_ALERTS_KEY = "stuck_alerts";
export const DEADLOCK_ALERTS_KEY = "deadlock_alerts";
export const COMPACTION_COUNTS_KEY = "compaction_counts";

/**
 * Providers whose panes print compaction notices and thread ids (spec 03 §1.6: Codex only). Another CLI's pane may
 * say "thread <uuid>" in ordinary output; reading drift from it would lock a healthy worker out of sends.
 */
export const DEFAULT_PANE_DETECTOR_PROVIDERS: ReadonlySet<string> = new Set(["codex"]);

/**
 * A message to an idle worker counts for a deadlock only after this long without a status change: the delivery pump
 * runs beside the tick, so a message stored a moment ago is on its way, not stuck.
 */
export const DEADLOCK_PENDING_GRACE_SEC = 30;

/** How many of an agent's newest messages (to or from it) the steps look at. */
const INBOX_WINDOW = 100;
/** Messages waiting for a deliverer read per tick, oldest first (a team with more has bigger problems). */
const PENDING_SCAN_LIMIT = 1000;
/** `leader.api_error` lists the lead's messages of this many seconds before the error. */
const LEADER_DISPATCH_WINDOW_SEC = 60;
const API_ERROR_SNIPPET_CHARS = 160;
/** Lines of the lead's history the default capture includes (the scanner reads the last 100). */
const LEADER_CAPTURE_HISTORY_LINES = 100;

/** On their way to the worker: work it has not seen yet. */
const IN_TRANSIT: ReadonlySet<MessageStatus> = new Set(["accepted", "target_resolved", "pasted", "visible"]);
/** Never reached the worker; a failed one waits for an explicit retry, so an idle worker may wait for it forever. */
const NOT_DELIVERED: ReadonlySet<MessageStatus> = new Set([...IN_TRANSIT, "failed"]);
const DELIVERED: ReadonlySet<MessageStatus> = new Set(["submitted", "acknowledged"]);

export interface CompactionCountEntry {
  count: number;
  /** When the last failed reset was reported (ISO); null when none is pending. */
  last_recommend_at: string | null;
}

export interface DetectorMemory {
  leaderApiFingerprint: string | null;
  /**
   * Newest progress seen per agent (ISO): deliveries to it, messages and results from it. The spec reads progress
   * events from the event log; the tick approximates them from the store rows it already reads, and keeps the
   * newest value here so it never goes backwards when an older row drops out of the window it reads.
   */
  lastProgressAt: Map<string, string>;
  /** What the stuck step last said about each agent, so a still-stuck agent is not reported every tick. */
  stuckReported: Map<string, string>;
  /** Compaction counts whose write failed: they win over the stored ones until a write succeeds. */
  unsavedCompaction: Map<string, CompactionCountEntry>;
}

export function createDetectorMemory(): DetectorMemory {
  return {
    leaderApiFingerprint: null,
    lastProgressAt: new Map(),
    stuckReported: new Map(),
    unsavedCompaction: new Map(),
  };
}

export interface ResetAttempt {
  ok: boolean;
  error?: string;
}

export interface DetectorInput {
  runtime: TeamRuntime;
  team: TeamRow;
  registry: ProviderRegistry;
  panes: readonly PaneObservation[];
  now: string;
  memory: DetectorMemory;
  /** Resets a worker with a discarded session (compaction); without it a due reset is reported as failed. */
  resetAgent?: (agentId: string) => Promise<ResetAttempt>;
  /** The lead's pane text; default: the bound receiver's pane with 100 lines of history (null when unbound). */
  captureLeader?: () => Promise<string | null>;
  /** Providers the compaction and drift steps look at; default DEFAULT_PANE_DETECTOR_PROVIDERS. */
  paneDetectorProviders?: ReadonlySet<string>;
}

export interface CompactionStepEntry {
  agent_id: string;
  /** The count now (0 after a successful reset). */
  count: number;
  /** The reset tried this tick, or null. */
  reset: ResetAttempt | null;
  /** False when the count could not be stored; it is kept in memory and written on a later tick. */
  persisted: boolean;
  error?: string;
}

export interface SessionDriftEntry {
  agent_id: string;
  stored_session_id: string;
  actual_thread_id: string;
}

export interface LeaderApiErrorEntry {
  error_class: LeaderApiErrorClass;
  snippet: string;
}

export interface DetectorReport {
  scheduled: number[];
  /** Agents found stuck this tick (reported or not). */
  stuck: string[];
  deadlock_alerts: CrossWorkerDeadlockAlert[];
  /** Agents whose count changed, that were reset, or whose count could not be stored. */
  compaction: CompactionStepEntry[];
  session_drift: SessionDriftEntry[];
  api_errors: LeaderApiErrorEntry[];
}

// ---- stored state (zod at the boundary: other processes write these keys too) ----

const stuckAlertsSchema = z.object({
  /** Agent id → its `stuck-cancel` suppression. */
  suppressions: z
    // Loose: `stuck-cancel` stores who silenced the alert (`suppressed_by`); the daemon's rewrites keep it.
    .record(z.string(), z.looseObject({ snapshot: z.string(), since: z.string(), expires_at: z.string().optional() }))
    .default({}),
  /** Agent id → when the lead was last told it is stuck (ISO). */
  last_push_at: z.record(z.string(), z.string()).default({}),
});

export type StuckAlertsState = z.infer<typeof stuckAlertsSchema>;

/** Agent id → snapshot of the pending message ids last reported. */
const deadlockAlertsSchema = z.record(z.string(), z.string());

const compactionCountsSchema = z.record(
  z.string(),
  z.object({ count: z.number().int().nonnegative(), last_recommend_at: z.string().nullable() }),
);

/** A stored value that does not parse counts as empty (the step rewrites it when it next has news). */
function parseOr<T>(schema: z.ZodType<T>, value: unknown, empty: T): T {
  if (value === undefined) return empty;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : empty;
}

/**
 * The stuck suppression snapshot of an agent: its open task ids and the ids of messages delivered to it. A
 * `stuck-cancel` stores the snapshot of the moment; any new task or delivery changes it and lifts the suppression.
 */
export function stuckWorkSnapshot(activeTaskIds: readonly string[], deliveredMessageIds: readonly string[]): string {
  return JSON.stringify({
    tasks: [...new Set(activeTaskIds)].sort(),
    delivered: [...new Set(deliveredMessageIds)].sort(),
  });
}

function newest(times: Iterable<string | null | undefined>): string | undefined {
  let best: string | undefined;
  let bestMs = Number.NEGATIVE_INFINITY;
  for (const time of times) {
    if (!time) continue;
    const ms = Date.parse(time);
    if (Number.isFinite(ms) && ms > bestMs) {
      best = time;
      bestMs = ms;
    }
  }
  return best;
}

/** What the steps read from the store this tick, each piece loaded once and only when a step asks for it. */
class TickFacts {
  #agents: Map<string, AgentRow> | undefined;
  #health: AgentHealthRow[] | undefined;
  #tasks: TaskRow[] | undefined;
  #pending: MessageRow[] | undefined;
  #results: ResultRow[] | undefined;
  #settings: RuntimeSettings | undefined;
  readonly #inbox = new Map<string, MessageRow[]>();

  constructor(
    private readonly runtime: TeamRuntime,
    private readonly team: TeamRow,
  ) {}

  get teamId(): string {
    return this.team.team_id;
  }

  agent(agentId: string): AgentRow | undefined {
    this.#agents ??= new Map(this.runtime.store.agents.list(this.teamId).map((row) => [row.agent_id, row]));
    return this.#agents.get(agentId);
  }

  health(): AgentHealthRow[] {
    this.#health ??= Object.values(this.runtime.store.health.read(this.teamId));
    return this.#health;
  }

  settings(): RuntimeSettings {
    this.#settings ??= resolveRuntimeDefaults(this.runtime.spec(this.team));
    return this.#settings;
  }

  activeTaskIds(agentId: string): string[] {
    this.#tasks ??= this.runtime.store.tasks.list(this.teamId);
    return this.#tasks
      .filter((task) => task.assignee === agentId && !isTerminalTaskStatus(task.status))
      .map((task) => task.task_id);
  }

  /**
   * Messages to the agent: its newest ones plus every message still waiting for a deliverer (those may be older
   * than the window when the agent was unreachable for long).
   */
  inbound(agentId: string): MessageRow[] {
    this.#pending ??= this.runtime.store.messages.listPending(this.teamId, PENDING_SCAN_LIMIT);
    const byId = new Map<string, MessageRow>();
    for (const message of this.#pending) if (message.recipient === agentId) byId.set(message.message_id, message);
    for (const message of this.window(agentId))
      if (message.recipient === agentId) byId.set(message.message_id, message);
    return [...byId.values()];
  }

  outbound(agentId: string): MessageRow[] {
    return this.window(agentId).filter((message) => message.sender === agentId && message.recipient !== agentId);
  }

  resultsOf(agentId: string): ResultRow[] {
    this.#results ??= this.runtime.store.results.latest(this.teamId, 20);
    return this.#results.filter((result) => result.agent_id === agentId);
  }

  private window(agentId: string): MessageRow[] {
    let rows = this.#inbox.get(agentId);
    if (rows === undefined) {
      rows = this.runtime.store.messages.inbox(this.teamId, agentId, INBOX_WINDOW);
      this.#inbox.set(agentId, rows);
    }
    return rows;
  }
}

// ---- step 8 ----

/** Step 8: due scheduled messages become stored messages (the pump delivers them). */
function fireScheduled(input: DetectorInput): number[] {
  const { runtime, team, now } = input;
  const fired: number[] = [];
  for (const due of runtime.store.scheduled.due(team.team_id, now)) {
    const claimed = runtime.store.scheduled.claim(due.id);
    if (claimed === null) continue;
    if (claimed.kind !== "send") {
      runtime.events.emit(claimed.kind === "health_ping" ? "coordinator.health_ping" : "coordinator.scheduled_failed", {
        team_id: team.team_id,
        id: claimed.id,
        kind: claimed.kind,
      });
      runtime.store.scheduled.complete(claimed.id, claimed.kind === "health_ping" ? "done" : "failed", {});
      continue;
    }
    const payload = (claimed.payload ?? {}) as { content?: unknown; task_id?: unknown; sender?: unknown };
    try {
      const message = runtime.store.messages.create(team.team_id, {
        sender: typeof payload.sender === "string" ? payload.sender : "coordinator",
        recipient: claimed.target,
        content: typeof payload.content === "string" ? payload.content : "",
        taskId: typeof payload.task_id === "string" ? payload.task_id : null,
        requiresAck: true,
      });
      runtime.store.scheduled.complete(claimed.id, "done", { message_id: message.message_id });
      fired.push(claimed.id);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      runtime.store.scheduled.complete(claimed.id, "failed", { error: reason });
      runtime.events.emit("coordinator.scheduled_failed", { team_id: team.team_id, id: claimed.id, error: reason });
    }
  }
  return fired;
}

// ---- step 9 ----

/** The agent's newest progress: the store's rows of this tick, never older than what memory already holds. */
function progressOf(facts: TickFacts, memory: DetectorMemory, agentId: string): string | undefined {
  const seen = newest([
    memory.lastProgressAt.get(agentId),
    ...facts.inbound(agentId).map((message) => message.delivered_at),
    ...facts.outbound(agentId).map((message) => message.created_at),
    ...facts.resultsOf(agentId).map((result) => result.created_at),
  ]);
  if (seen !== undefined) memory.lastProgressAt.set(agentId, seen);
  return seen;
}

function toSuppression(stored: StuckAlertsState["suppressions"][string]): StuckSuppression {
  return stored.expires_at === undefined
    ? { snapshot: stored.snapshot, since: stored.since }
    : { snapshot: stored.snapshot, since: stored.since, expiresAt: stored.expires_at };
}

/** Step 9: stuck workers. Returns the ids of the agents found stuck. */
function detectStuck(input: DetectorInput, facts: TickFacts): string[] {
  const { runtime, team, now, memory } = input;
  const nowMs = Date.parse(now);
  const reportedBefore = memory.stuckReported;
  memory.stuckReported = new Map();
  const health = facts.health();
  if (health.length === 0) return [];
  const settings = facts.settings();
  // Only agents silent for the whole timeout can be stuck; the others cost no further reads.
  const silent = health.filter((row) => {
    const lastOutputMs = row.last_output_at ? Date.parse(row.last_output_at) : Number.NaN;
    return Number.isFinite(lastOutputMs) && nowMs - lastOutputMs >= settings.stuck_timeout_sec * 1000;
  });
  if (silent.length === 0) return [];

  const stored = parseOr(stuckAlertsSchema, runtime.store.monitor.get(team.team_id, STUCK_ALERTS_KEY), {
    suppressions: {},
    last_push_at: {},
  });
  const activeWork: Record<string, StuckActiveWork> = {};
  const lastProgressAt: Record<string, string | undefined> = {};
  const lastRestartAt: Record<string, string | undefined> = {};
  const currentSnapshot: Record<string, string> = {};
  const suppressions: Record<string, StuckSuppression> = {};
  for (const row of silent) {
    const agentId = row.agent_id;
    const inbound = facts.inbound(agentId);
    activeWork[agentId] = {
      hasActiveTask: facts.activeTaskIds(agentId).length > 0,
      hasUndeliveredInbound: inbound.some((message) => IN_TRANSIT.has(message.status)),
    };
    lastProgressAt[agentId] = progressOf(facts, memory, agentId);
    // A restart or reset spawns the worker again; its spawn time stands in for the restart events.
    lastRestartAt[agentId] = facts.agent(agentId)?.spawned_at ?? undefined;
    const suppression = stored.suppressions[agentId];
    if (suppression !== undefined) {
      suppressions[agentId] = toSuppression(suppression);
      const delivered = inbound.filter((message) => DELIVERED.has(message.status)).map((message) => message.message_id);
      currentSnapshot[agentId] = stuckWorkSnapshot(facts.activeTaskIds(agentId), delivered);
    }
  }
  const decisions = findStuckAgents({
    now,
    stuckTimeoutSec: settings.stuck_timeout_sec,
    pushMinIntervalSec: settings.push_min_interval_sec,
    health: silent.map((row) => ({ agentId: row.agent_id, status: row.status, lastOutputAt: row.last_output_at })),
    activeWork,
    lastProgressAt,
    lastRestartAt,
    suppressions,
    currentSnapshot,
    lastPushAt: stored.last_push_at,
  });

  // The push time is stored before the message: should the store fail in between, the lead misses one notice
  // instead of getting one every tick.
  if (decisions.pushes.length > 0 || decisions.clearedSuppressions.length > 0) {
    runtime.store.monitor.update(team.team_id, STUCK_ALERTS_KEY, (current) => {
      const next = parseOr(stuckAlertsSchema, current, { suppressions: {}, last_push_at: {} });
      for (const { agentId } of decisions.clearedSuppressions) delete next.suppressions[agentId];
      for (const agentId of decisions.pushes) next.last_push_at[agentId] = now;
      return next;
    });
  }
  const lastOutput = new Map(silent.map((row) => [row.agent_id, row.last_output_at]));
  for (const agent of decisions.stuck) {
    if (!decisions.pushes.includes(agent.agentId)) continue;
    runtime.store.messages.create(team.team_id, {
      sender: COORDINATOR_SENDER,
      recipient: team.leader_id,
      content: stuckPushText(agent.agentId, agent.silentSec),
      requiresAck: false,
    });
  }
  for (const { agentId, reason } of decisions.clearedSuppressions) {
    runtime.events.emit("coordinator.idle_alert_suppression_cleared", {
      team_id: team.team_id,
      agent_id: agentId,
      alert_type: "stuck",
      reason,
    });
  }
  // One event per agent and silence: a report repeats only when the silence or its reading changes.
  const reportOnce = (agentId: string, verdict: string, event: string, fields: Record<string, unknown>) => {
    const key = `${verdict}@${lastOutput.get(agentId) ?? ""}`;
    memory.stuckReported.set(agentId, key);
    if (reportedBefore.get(agentId) !== key) {
      runtime.events.emit(event, { team_id: team.team_id, agent_id: agentId, ...fields });
    }
  };
  for (const agent of decisions.stuck) {
    reportOnce(agent.agentId, `stuck:${agent.workReason}`, "coordinator.agent_stuck", {
      last_output_at: agent.lastOutputAt,
      work_reason: agent.workReason,
      silent_sec: agent.silentSec,
    });
  }
  for (const agentId of decisions.suppressedIdle) {
    reportOnce(agentId, "idle_no_work", "coordinator.agent_stuck_suppressed", { reason: "idle_no_work" });
  }
  for (const agentId of decisions.suppressedProgress) {
    reportOnce(agentId, "recent_progress_event", "coordinator.agent_stuck_suppressed", {
      reason: "recent_progress_event",
    });
  }
  return decisions.stuck.map((agent) => agent.agentId);
}

// ---- step 11 ----

/** Step 11: idle workers with messages that never reached them. Reported once per set of messages, never to the lead. */
function detectDeadlocks(input: DetectorInput, facts: TickFacts): CrossWorkerDeadlockAlert[] {
  const { runtime, team, now } = input;
  const idle = facts
    .health()
    .filter((row) => row.status === "IDLE")
    .map((row) => row.agent_id);
  const settledBeforeMs = Date.parse(now) - DEADLOCK_PENDING_GRACE_SEC * 1000;
  const undelivered: Record<string, string[]> = {};
  for (const agentId of idle) {
    const waiting = facts
      .inbound(agentId)
      .filter((message) => NOT_DELIVERED.has(message.status) && Date.parse(message.updated_at) <= settledBeforeMs);
    if (waiting.length > 0) undelivered[agentId] = waiting.map((message) => message.message_id);
  }
  if (Object.keys(undelivered).length === 0) return [];
  const found = findCrossWorkerDeadlocks({
    idleAgents: idle,
    undelivered,
    suppressedSnapshots: parseOr(
      deadlockAlertsSchema,
      runtime.store.monitor.get(team.team_id, DEADLOCK_ALERTS_KEY),
      {},
    ),
  });
  if (found.alerts.length === 0) return [];
  runtime.store.monitor.update(team.team_id, DEADLOCK_ALERTS_KEY, (current) => ({
    ...parseOr(deadlockAlertsSchema, current, {}),
    ...found.newSuppressions,
  }));
  runtime.events.emit("coordinator.cross_worker_deadlock", {
    team_id: team.team_id,
    team: team.team_id,
    agent_ids: found.alerts.map((alert) => alert.agent_id),
    alert_count: found.alerts.length,
  });
  return found.alerts;
}

// ---- steps 12 and 13: what the workers' panes say ----

interface PaneOfAgent {
  agent: AgentRow;
  pane: PaneObservation;
}

/** Workers of a pane-detector provider whose pane showed something this tick. */
function readablePanes(input: DetectorInput, facts: TickFacts): PaneOfAgent[] {
  const providers = input.paneDetectorProviders ?? DEFAULT_PANE_DETECTOR_PROVIDERS;
  const found: PaneOfAgent[] = [];
  for (const pane of input.panes) {
    if (!pane.present || pane.text.trim() === "") continue;
    const agent = facts.agent(pane.agentId);
    if (agent !== undefined && providers.has(agent.provider)) found.push({ agent, pane });
  }
  return found;
}

async function attemptReset(input: DetectorInput, agentId: string): Promise<ResetAttempt> {
  if (input.resetAgent === undefined) return { ok: false, error: "the daemon has no reset-agent wired in" };
  try {
    return await input.resetAgent(agentId);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function sameCount(a: CompactionCountEntry, b: CompactionCountEntry): boolean {
  return a.count === b.count && a.last_recommend_at === b.last_recommend_at;
}

/**
 * Step 12: compaction degradation. `coordinator.compaction_observed` is written when the count changes, not on every
 * tick while it is above zero as in the original (D2: events record changes).
 */
async function detectCompaction(
  input: DetectorInput,
  facts: TickFacts,
  panes: readonly PaneOfAgent[],
  stuck: readonly string[],
): Promise<CompactionStepEntry[]> {
  const { runtime, team, now, memory } = input;
  if (panes.length === 0 && memory.unsavedCompaction.size === 0) return [];
  const stored = parseOr(compactionCountsSchema, runtime.store.monitor.get(team.team_id, COMPACTION_COUNTS_KEY), {});
  const entries = new Map<string, CompactionStepEntry>();
  const updates = new Map<string, CompactionCountEntry>(memory.unsavedCompaction);
  for (const { agent, pane } of panes) {
    const agentId = agent.agent_id;
    const previous = memory.unsavedCompaction.get(agentId) ?? stored[agentId] ?? { count: 0, last_recommend_at: null };
    const decision = decideCompaction({
      previousCount: previous.count,
      capture: pane.text,
      threshold: facts.settings().compaction_reset_threshold,
      stuckThisTick: stuck.includes(agentId),
      lastRecommendAt: previous.last_recommend_at,
      now,
      recommendIntervalMs: DEFAULT_COMPACTION_RECOMMEND_INTERVAL_MS,
    });
    const fields = { team_id: team.team_id, agent_id: agentId, provider: agent.provider };
    if (decision.changed) {
      runtime.events.emit("coordinator.compaction_observed", {
        ...fields,
        compaction_count: decision.count,
        stuck_loop: stuck.includes(agentId),
      });
    }
    let next: CompactionCountEntry = { count: decision.count, last_recommend_at: previous.last_recommend_at };
    let reset: ResetAttempt | null = null;
    if (decision.action === "reset") {
      reset = await attemptReset(input, agentId);
      const outcome = recordCompactionResetOutcome({ count: decision.count, resetOk: reset.ok, now });
      next = { count: outcome.count, last_recommend_at: outcome.lastRecommendAt };
      const failure = reset.ok
        ? {}
        : {
            reset_error: reset.error ?? "unknown",
            leader_visible_message:
              `${agentId} lost track of its context after ${decision.count} compactions and could not be reset ` +
              `automatically; run \`team-agent reset-agent --discard-session ${agentId}\`.`,
          };
      runtime.events.emit(outcome.event, { ...fields, compaction_count: decision.count, ...failure });
    }
    if (!sameCount(next, previous)) updates.set(agentId, next);
    if (decision.changed || reset !== null) {
      entries.set(agentId, { agent_id: agentId, count: next.count, reset, persisted: true });
    }
  }
  if (updates.size === 0) return [...entries.values()];
  try {
    runtime.store.monitor.update(team.team_id, COMPACTION_COUNTS_KEY, (current) => ({
      ...parseOr(compactionCountsSchema, current, {}),
      ...Object.fromEntries(updates),
    }));
    memory.unsavedCompaction.clear();
  } catch (error) {
    // Spec 03 §1.5: this step's write is guarded. The counts stay in memory so the next tick neither repeats the
    // events nor resets the agent a second time, and writes them again.
    if (!(error instanceof PersistenceDegradedError)) throw error;
    for (const [agentId, entry] of updates) {
      memory.unsavedCompaction.set(agentId, entry);
      const reported = entries.get(agentId) ?? { agent_id: agentId, count: entry.count, reset: null, persisted: true };
      entries.set(agentId, { ...reported, persisted: false, error: error.message });
    }
  }
  return [...entries.values()];
}

/** Step 13: a worker now talking in another conversation than the stored one. Marked once; sends refuse it. */
function detectDrift(input: DetectorInput, panes: readonly PaneOfAgent[]): SessionDriftEntry[] {
  const { runtime, team, now } = input;
  const found: SessionDriftEntry[] = [];
  for (const { agent, pane } of panes) {
    if (!agent.session_id || agent.attrs["session_drift"]) continue;
    const drift = detectSessionDrift({ storedSessionId: agent.session_id, capture: pane.text, alreadyDrifted: false });
    if (drift === null) continue;
    const remediation = `team-agent reset-agent --discard-session ${agent.agent_id}`;
    const mark = {
      stored_session_id: drift.storedSessionId,
      actual_thread_id: drift.actualThreadId,
      detected_at: now,
      remediation,
    };
    runtime.store.agents.setAttrs(team.team_id, agent.agent_id, { session_drift: mark });
    runtime.events.emit("coordinator.session_drift_detected", {
      team_id: team.team_id,
      agent_id: agent.agent_id,
      provider: agent.provider,
      status: "session_drift",
      ...mark,
    });
    found.push({
      agent_id: agent.agent_id,
      stored_session_id: drift.storedSessionId,
      actual_thread_id: drift.actualThreadId,
    });
  }
  return found;
}

// ---- step 14 ----

/** The bound lead's pane with some history, or null when no lead is bound or its pane cannot be read. */
async function captureLeaderPane(runtime: TeamRuntime, team: TeamRow): Promise<string | null> {
  const receiver = readReceiver(runtime, team);
  if (receiver === null) return null;
  try {
    const capture = await runtime.tmux(receiver.server).capturePane(receiver.pane_id, {
      start: -LEADER_CAPTURE_HISTORY_LINES,
    });
    return capture.ok ? capture.text : null;
  } catch {
    // The lead's tmux server is the user's; its trouble must not fail the tick.
    return null;
  }
}

/** A reply line the CLIs draw for the assistant (Claude Code's ⏺, Codex's •/●), a heuristic for a cut-off answer. */
const REPLY_LINE = /^\s*(?:⏺|●|•|Assistant\b)/m;
/** How far above the error the heuristic looks for a reply already under way. */
const REPLY_LOOKBACK_CHARS = 4000;

/** True when the lead's answer had started before the error: its pane shows a reply line above the error. */
function replyStartedBefore(paneText: string, snippet: string): boolean {
  const firstLine = snippet.slice(0, 40);
  const at = paneText.lastIndexOf(firstLine);
  if (at <= 0) return false;
  return REPLY_LINE.test(paneText.slice(Math.max(0, at - REPLY_LOOKBACK_CHARS), at));
}

/** Step 14: upstream API errors in the lead's pane, one `leader.api_error` per distinct error. Observe only. */
async function watchLeaderApiErrors(input: DetectorInput): Promise<LeaderApiErrorEntry[]> {
  const { runtime, team, now, memory } = input;
  const text = await (input.captureLeader ?? (() => captureLeaderPane(runtime, team)))();
  if (text === null) return [];
  const scan = scanLeaderApiErrors(text);
  const decision = decideLeaderApiErrorEvent(scan, memory.leaderApiFingerprint);
  memory.leaderApiFingerprint = decision.fingerprint;
  if (!decision.emit || scan === null) return [];
  const sinceMs = Date.parse(now) - LEADER_DISPATCH_WINDOW_SEC * 1000;
  const dispatched = runtime.store.messages
    .inbox(team.team_id, team.leader_id, INBOX_WINDOW)
    .filter((message) => message.sender === team.leader_id && Date.parse(message.created_at) >= sinceMs)
    .map((message) => message.message_id);
  runtime.events.emit("leader.api_error", {
    team_id: team.team_id,
    leader_session_uuid: runtime.store.leader.get(team.team_id)?.leader_session_uuid ?? null,
    error_class: scan.errorClass,
    provider: readReceiver(runtime, team)?.provider ?? team.leader_provider,
    partial_response_streamed: replyStartedBefore(text, scan.snippet),
    worker_dispatch_just_before: dispatched,
    retry_count: 0,
    matched_pattern_snippet: scan.snippet.slice(0, API_ERROR_SNIPPET_CHARS),
  });
  return [{ error_class: scan.errorClass, snippet: scan.snippet }];
}

export async function runDetectors(input: DetectorInput): Promise<DetectorReport> {
  const facts = new TickFacts(input.runtime, input.team);
  const scheduled = fireScheduled(input);
  const stuck = detectStuck(input, facts);
  const deadlock_alerts = detectDeadlocks(input, facts);
  const panes = readablePanes(input, facts);
  const compaction = await detectCompaction(input, facts, panes, stuck);
  const session_drift = detectDrift(input, panes);
  const api_errors = await watchLeaderApiErrors(input);
  return { scheduled, stuck, deadlock_alerts, compaction, session_drift, api_errors };
}
