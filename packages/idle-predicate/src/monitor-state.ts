/**
 * The take-over monitor's persisted state: plain JSON, stored by the coordinator in core-state's
 * `coordinator_monitor` table. Every function here returns a new object and leaves its input alone, so callers can
 * use them inside `MonitorStateRepo.update` (a read-modify-write in one transaction).
 */
import type { EventSink } from "@team-agent/core-state";
import { requireIso, storedIso } from "./clock.js";
import { armForNewWork } from "./episode.js";

/** The last leader→worker delivery that armed the monitor. */
export interface LastTurnOpen {
  node_id: string;
  turn_id: string;
  delivered_message_id: string;
  at: string;
}

/** Last readable turn seen for a worker node, to tell a new turn from a state that merely persists. */
export interface WorkerTurnMark {
  state: string | null;
  turn_id: string | null;
}

export interface TakeoverMonitorState {
  /** Armed: a worker turn opened (or work was delivered) since the last ping. Only an armed monitor pings. */
  opened_worker_turn_since_ack: boolean;
  /** Set by `acknowledge`; lifted only by the next worker turn or delivery. */
  suppressed: boolean;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  /** Start of the current all-idle episode, or null while some node is not idle. */
  all_idle_since: string | null;
  /** The `all_idle_since` of the episode that was pinged; equal to it means "already pinged". */
  pinged_for_episode: string | null;
  last_ping_at: string | null;
  /** Last reason an `idle_takeover.no_ping` event was written for (events record changes, not ticks). */
  last_no_ping_reason: string | null;
  last_turn_open: LastTurnOpen | null;
  worker_turns: Record<string, WorkerTurnMark>;
  /** Consecutive `unknown` ticks per node (§2.9). */
  unknown_ticks: Record<string, number>;
  /** Keys written by newer versions survive a round trip. */
  [key: string]: unknown;
}

export function createMonitorState(): TakeoverMonitorState {
  return {
    opened_worker_turn_since_ack: false,
    suppressed: false,
    acknowledged_at: null,
    acknowledged_by: null,
    all_idle_since: null,
    pinged_for_episode: null,
    last_ping_at: null,
    last_no_ping_reason: null,
    last_turn_open: null,
    worker_turns: {},
    unknown_ticks: {},
  };
}

/**
 * A deep copy of `raw` with every field present and well-typed. Unusable values fall back to their defaults;
 * in particular a monotonic float left by the original implementation becomes null, which only restarts the
 * current episode's debounce.
 */
export function normalizeMonitorState(raw: unknown): TakeoverMonitorState {
  const source = isRecord(raw) ? (structuredClone(raw) as Record<string, unknown>) : {};
  return {
    ...source,
    opened_worker_turn_since_ack: source["opened_worker_turn_since_ack"] === true,
    suppressed: source["suppressed"] === true,
    acknowledged_at: storedIso(source["acknowledged_at"]),
    acknowledged_by: typeof source["acknowledged_by"] === "string" ? source["acknowledged_by"] : null,
    all_idle_since: storedIso(source["all_idle_since"]),
    pinged_for_episode: storedIso(source["pinged_for_episode"]),
    last_ping_at: storedIso(source["last_ping_at"]),
    last_no_ping_reason: typeof source["last_no_ping_reason"] === "string" ? source["last_no_ping_reason"] : null,
    last_turn_open: lastTurnOpen(source["last_turn_open"]),
    worker_turns: workerTurns(source["worker_turns"]),
    unknown_ticks: unknownTicks(source["unknown_ticks"]),
  };
}

/**
 * The lead confirmed the idle state is intentional: stay quiet until a worker opens a new turn or the lead
 * delivers new work. There is no time limit (the CLI's TTL record is informational).
 */
export function acknowledge(monitorState: unknown, options: { now: string; by?: string | null }): TakeoverMonitorState {
  const state = normalizeMonitorState(monitorState);
  state.suppressed = true;
  state.acknowledged_at = requireIso(options.now, "now");
  state.acknowledged_by = options.by ?? null;
  return state;
}

export interface ArmOnDeliveryOptions {
  /** The worker the leader's message was delivered to. */
  node_id: string;
  message_id: string;
  /** The task the message belongs to; it names the turn when given, else the message id does. */
  task_id?: string | null;
  now: string;
  events?: EventSink | null;
}

/**
 * A leader→worker message was submitted (§2.7): arm, lift any acknowledgement and start a fresh episode, so work
 * that was delivered but never picked up cannot stay silenced. Call it for leader→worker deliveries only.
 */
export function armOnDelivery(monitorState: unknown, options: ArmOnDeliveryOptions): TakeoverMonitorState {
  const state = normalizeMonitorState(monitorState);
  const turnId = options.task_id || options.message_id;
  armForNewWork(state);
  state.last_turn_open = {
    node_id: options.node_id,
    turn_id: turnId,
    delivered_message_id: options.message_id,
    at: requireIso(options.now, "now"),
  };
  options.events?.emit("idle_takeover.turn_open_rearmed", {
    node_id: options.node_id,
    turn_id: turnId,
    delivered_message_id: options.message_id,
  });
  return state;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function lastTurnOpen(value: unknown): LastTurnOpen | null {
  if (!isRecord(value)) return null;
  const at = storedIso(value["at"]);
  const { node_id: nodeId, turn_id: turnId, delivered_message_id: messageId } = value;
  if (at === null || typeof nodeId !== "string" || typeof turnId !== "string" || typeof messageId !== "string") {
    return null;
  }
  return { node_id: nodeId, turn_id: turnId, delivered_message_id: messageId, at };
}

function workerTurns(value: unknown): Record<string, WorkerTurnMark> {
  const marks: Record<string, WorkerTurnMark> = {};
  if (!isRecord(value)) return marks;
  for (const [nodeId, mark] of Object.entries(value)) {
    if (!isRecord(mark)) continue;
    marks[nodeId] = {
      state: typeof mark["state"] === "string" ? mark["state"] : null,
      turn_id: typeof mark["turn_id"] === "string" ? mark["turn_id"] : null,
    };
  }
  return marks;
}

function unknownTicks(value: unknown): Record<string, number> {
  const ticks: Record<string, number> = {};
  if (!isRecord(value)) return ticks;
  for (const [nodeId, count] of Object.entries(value)) {
    if (typeof count === "number" && Number.isInteger(count) && count > 0) ticks[nodeId] = count;
  }
  return ticks;
}
