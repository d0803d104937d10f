/**
 * Step 10 of the tick: the all-idle reminder. Each worker's node state comes from its own transcript (never the
 * screen); the predicate and its debounce live in idle-predicate; this step reads files, stores the monitor state
 * and queues the reminder for the lead.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { AgentRow, TeamRow } from "@team-agent/core-state";
import {
  evaluateTakeoverReminder,
  type IdleNode,
  readTurnState,
  TURN_STATE_TAIL_BYTES,
  tailForTurnState,
  turnStateTailWindow,
} from "@team-agent/idle-predicate";
import type { ProviderRegistry } from "@team-agent/provider-registry";
import { IDLE_MONITOR_KEY } from "../ops/send.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import type { PaneObservation } from "./screens.js";

export const COORDINATOR_SENDER = "coordinator";

function readTail(path: string): string | null {
  try {
    const size = statSync(path).size;
    const window = turnStateTailWindow(size, TURN_STATE_TAIL_BYTES);
    const buffer = Buffer.alloc(window.length);
    const fd = openSync(path, "r");
    try {
      readSync(fd, buffer, 0, window.length, window.position);
    } finally {
      closeSync(fd);
    }
    return tailForTurnState(buffer, { truncated: window.truncated });
  } catch {
    return null;
  }
}

function nodeFor(agent: AgentRow, registry: ProviderRegistry, pane: PaneObservation | undefined): IdleNode {
  const base = { node_id: agent.agent_id, role: "worker", provider: agent.provider, rollout_path: agent.rollout_path };
  // A worker nobody has given work yet has no open turn: it counts as idle, not unknown.
  if (!agent.attrs["first_send_at"] && !agent.rollout_path) return { ...base, state: "idle" };
  const text = agent.rollout_path ? readTail(agent.rollout_path) : null;
  if (text === null) return { ...base, state: "unknown" };
  const reader = registry.get(agent.provider).transcripts?.reader ?? null;
  const verdict = readTurnState(reader, text, {
    provider: agent.provider,
    process: { alive: pane?.present ?? false },
  });
  return { ...base, state: verdict.state, turn_id: verdict.turn_id, annotations: verdict.annotations };
}

export interface IdleStepResult {
  alert: { alert_type: "idle_takeover"; message: string; reason: string; interrupted: string[] } | null;
  reason: string;
}

export function runIdleTakeover(
  runtime: TeamRuntime,
  team: TeamRow,
  registry: ProviderRegistry,
  panes: readonly PaneObservation[],
  now: string,
): IdleStepResult {
  const byAgent = new Map(panes.map((pane) => [pane.agentId, pane]));
  const workers = runtime.store.agents.list(team.team_id).filter((agent) => agent.status !== "paused");
  const nodes = workers.map((agent) => nodeFor(agent, registry, byAgent.get(agent.agent_id)));
  // Read, decide and write in one transaction, so an acknowledgement or an arming written meanwhile is not lost.
  let decision: ReturnType<typeof evaluateTakeoverReminder> | undefined;
  runtime.store.monitor.update(team.team_id, IDLE_MONITOR_KEY, (current) => {
    decision = evaluateTakeoverReminder(nodes, {
      monitorState: current,
      now,
      debounceSeconds: runtime.config(team).idle_debounce_ms / 1000,
      events: runtime.events,
    });
    return decision.monitor_state;
  });
  if (decision === undefined) return { alert: null, reason: "not_evaluated" };
  if (!decision.should_ping || decision.message === null) return { alert: null, reason: decision.reason };
  runtime.store.messages.create(team.team_id, {
    sender: COORDINATOR_SENDER,
    recipient: team.leader_id,
    content: decision.message,
    requiresAck: false,
  });
  return {
    alert: {
      alert_type: "idle_takeover",
      message: decision.message,
      reason: decision.reason,
      interrupted: decision.interrupted_nodes,
    },
    reason: decision.reason,
  };
}
