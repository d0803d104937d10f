/**
 * The take-over predicate (§2.6): remind the lead once when every node of the team has had its turn closed for a
 * while after work was handed out. Pure: nodes and the stored monitor state in, a decision and the next monitor
 * state out. Rules, in the order they apply each tick:
 *
 * 1. Arm: a worker node shows a NEW turn — it enters `working`, `blocked_on_human`, `idle_interrupted` or
 *    `abnormal`, or reports a turn id other than the last one it reported (in any state, `unknown` included: an
 *    unverified open turn with a new id is still a new turn). Arming also lifts an acknowledgement and starts a
 *    new episode, like a delivery (`armOnDelivery`, the other way to arm). A state that merely persists (a worker
 *    left `idle_interrupted` for an hour, or flickering through `unknown`) arms nothing. A node seen for the first
 *    time (or only as `unknown` so far) arms only by an arming state and never while acknowledged: its turn may
 *    be older than the acknowledgement or than the monitor. Leaders never arm.
 * 2. Any node not `idle`/`idle_interrupted` ends the all-idle episode → `node_<state>`. `abnormal` blocks too: a
 *    failed or crashed worker needs the fault path, not a "check the results" reminder.
 * 3. No nodes → `no_nodes`.
 * 4. The episode starts at the first all-idle tick; active idle time excludes suspend intervals.
 * 5. `acknowledged` → `already_pinged_this_episode` → `not_armed_no_worker_turn` → `debounce_active`.
 * 6. Otherwise ping, and disarm: the next ping needs a new worker turn or delivery, so a node flickering out of
 *    idle and back cannot produce a second reminder for the same work.
 */
import { type EventSink, ValidationError } from "@team-agent/core-state";
import { activeSeconds, type SuspendInterval } from "./active-time.js";
import { requireIso } from "./clock.js";
import { armForNewWork, endEpisode } from "./episode.js";
import { normalizeMonitorState, type TakeoverMonitorState, type WorkerTurnMark } from "./monitor-state.js";
import { type IdleNode, isIdleState, isLeaderNode, nodeStateOf } from "./nodes.js";
import { formatTakeoverReminder } from "./reminder.js";
import type { NodeState } from "./turn-state.js";

/** Seconds of active all-idle time before the reminder (the coordinator does not make it configurable). */
export const TAKEOVER_DEBOUNCE_SECONDS = 60;

export type NoPingReason =
  | `node_${NodeState}`
  | "no_nodes"
  | "acknowledged"
  | "already_pinged_this_episode"
  | "not_armed_no_worker_turn"
  | "debounce_active";

export type TakeoverReason = NoPingReason | "all_idle_debounce_elapsed";

export interface InterruptedAnnotation {
  node_id: string;
  state: "idle_interrupted";
  reason: "interrupted";
  interrupted: true;
  kind: "interrupted";
}

export interface EvaluateTakeoverOptions {
  /** The stored monitor state (anything; defaults are filled in). */
  monitorState?: unknown;
  /** Wall-clock time of this evaluation, ISO-8601 with a zone. */
  now: string;
  debounceSeconds?: number;
  /** Spans (e.g. machine sleep) that do not count as idle time. */
  suspendIntervals?: readonly SuspendInterval[];
  events?: EventSink | null;
}

export interface TakeoverDecision {
  should_ping: boolean;
  /** The reminder for the lead when `should_ping`, else null. */
  message: string | null;
  reason: TakeoverReason;
  /** The node that ended the episode, for `node_*` reasons. */
  blocking_node_id: string | null;
  annotations: InterruptedAnnotation[];
  interrupted_nodes: string[];
  /** Active idle seconds of the current episode, or null when there is none. */
  active_idle_seconds: number | null;
  /** Store this; the input state is never modified. */
  monitor_state: TakeoverMonitorState;
}

const ARMING_STATES: ReadonlySet<NodeState> = new Set(["working", "blocked_on_human", "idle_interrupted", "abnormal"]);

export function evaluateTakeoverReminder(
  nodes: readonly IdleNode[],
  options: EvaluateTakeoverOptions,
): TakeoverDecision {
  const now = requireIso(options.now, "now");
  const debounce = options.debounceSeconds ?? TAKEOVER_DEBOUNCE_SECONDS;
  if (!Number.isFinite(debounce) || debounce < 0) {
    throw new ValidationError(`debounceSeconds must be a finite number >= 0, got ${debounce}`, [], {
      code: "invalid_debounce",
      action: "Pass debounceSeconds as a non-negative number of seconds, or leave it out for the default of 60.",
    });
  }
  const events = options.events ?? null;
  const state = normalizeMonitorState(options.monitorState);
  observeWorkerTurns(state, nodes, events);

  const annotations = interruptedAnnotations(nodes);
  const decide = (reason: NoPingReason, extra: Partial<TakeoverDecision> = {}): TakeoverDecision =>
    noPing(state, reason, { annotations, ...extra }, events);

  const blocking = nodes.find((node) => !isIdleState(nodeStateOf(node)));
  if (blocking) {
    endEpisode(state);
    return decide(`node_${nodeStateOf(blocking)}`, { blocking_node_id: blocking.node_id });
  }
  if (nodes.length === 0) {
    endEpisode(state);
    return decide("no_nodes");
  }

  if (state.all_idle_since === null) {
    state.all_idle_since = now;
    state.pinged_for_episode = null;
  }
  const active = activeSeconds(state.all_idle_since, now, options.suspendIntervals ?? []);
  const withTime = { active_idle_seconds: active };
  if (state.suppressed) return decide("acknowledged", withTime);
  if (state.pinged_for_episode === state.all_idle_since) return decide("already_pinged_this_episode", withTime);
  if (!state.opened_worker_turn_since_ack) return decide("not_armed_no_worker_turn", withTime);
  if (active < debounce) return decide("debounce_active", withTime);

  state.pinged_for_episode = state.all_idle_since;
  state.opened_worker_turn_since_ack = false;
  state.last_ping_at = now;
  const interrupted = annotations.map((entry) => entry.node_id);
  events?.emit("idle_takeover.ping", { nodes: nodes.length, elapsed_seconds: Math.trunc(active), interrupted });
  return {
    should_ping: true,
    message: formatTakeoverReminder({
      nodeIds: nodes.map((node) => node.node_id),
      activeIdleSeconds: active,
      interrupted,
    }),
    reason: "all_idle_debounce_elapsed",
    blocking_node_id: null,
    annotations,
    interrupted_nodes: interrupted,
    active_idle_seconds: active,
    monitor_state: state,
  };
}

/** Step 1: updates the per-worker turn marks in `state` and arms on a new worker turn. */
function observeWorkerTurns(state: TakeoverMonitorState, nodes: readonly IdleNode[], events: EventSink | null): void {
  const marks: Record<string, WorkerTurnMark> = {};
  for (const node of nodes) {
    if (isLeaderNode(node) || !node.node_id || marks[node.node_id]) continue;
    const nodeState = nodeStateOf(node);
    const turnId = typeof node.turn_id === "string" && node.turn_id !== "" ? node.turn_id : null;
    const previous = state.worker_turns[node.node_id];
    // Until something readable was seen, the node is "first seen": its current turn may be an old one (e.g. a
    // transcript located only now), so only an arming state counts, and not while acknowledged.
    const firstSight = !previous || (previous.state === null && previous.turn_id === null);
    const newTurn = firstSight
      ? ARMING_STATES.has(nodeState) && !state.suppressed
      : (turnId !== null && previous.turn_id !== null && turnId !== previous.turn_id) ||
        (ARMING_STATES.has(nodeState) && nodeState !== previous.state);
    // `unknown` says nothing about the turn, so it keeps the last readable state: a node that reads unknown for
    // one tick and then the same idle_interrupted turn again has not started anything.
    marks[node.node_id] = {
      state: nodeState === "unknown" ? (previous?.state ?? null) : nodeState,
      turn_id: turnId ?? previous?.turn_id ?? null,
    };
    if (!newTurn) continue;
    if (!state.opened_worker_turn_since_ack || state.suppressed) {
      events?.emit("idle_takeover.armed", {
        node_id: node.node_id,
        turn_id: turnId,
        state: nodeState,
        lifted_acknowledgement: state.suppressed,
      });
    }
    // The team was not idle in between (the turn may have opened and closed between two ticks): new episode.
    armForNewWork(state);
  }
  state.worker_turns = marks;
}

function interruptedAnnotations(nodes: readonly IdleNode[]): InterruptedAnnotation[] {
  return nodes
    .filter((node) => nodeStateOf(node) === "idle_interrupted")
    .map((node) => ({
      node_id: node.node_id,
      state: "idle_interrupted",
      reason: "interrupted",
      interrupted: true,
      kind: "interrupted",
    }));
}

/** A no-ping decision; `idle_takeover.no_ping` is written only when the reason changed since the last one. */
function noPing(
  state: TakeoverMonitorState,
  reason: NoPingReason,
  extra: Partial<TakeoverDecision> & { annotations: InterruptedAnnotation[] },
  events: EventSink | null,
): TakeoverDecision {
  const blocking = extra.blocking_node_id ?? null;
  if (state.last_no_ping_reason !== reason) {
    state.last_no_ping_reason = reason;
    events?.emit("idle_takeover.no_ping", {
      reason,
      node_id: blocking,
      armed: state.opened_worker_turn_since_ack,
    });
  }
  return {
    should_ping: false,
    message: null,
    reason,
    blocking_node_id: blocking,
    annotations: extra.annotations,
    interrupted_nodes: extra.annotations.map((entry) => entry.node_id),
    active_idle_seconds: extra.active_idle_seconds ?? null,
    monitor_state: state,
  };
}
