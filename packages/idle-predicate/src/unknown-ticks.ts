/**
 * Persistent unknown (§2.9): a node whose state cannot be proven for a long time is worth telling someone about,
 * because `unknown` is never idle and so silently holds back every reminder for its team.
 */
import type { EventSink } from "@team-agent/core-state";
import { normalizeMonitorState, type TakeoverMonitorState } from "./monitor-state.js";
import { type IdleNode, nodeStateOf } from "./nodes.js";

/** First report after this many consecutive unknown ticks (5 min at the coordinator's 5 s tick). */
export const UNKNOWN_PERSISTENT_TICKS = 60;
/** Then again every this many ticks (once a minute at 5 s). */
export const UNKNOWN_PERSISTENT_REPEAT = 12;

export interface UnknownTicksResult {
  monitor_state: TakeoverMonitorState;
  /** Nodes reported this tick. */
  persistent: Array<{ node_id: string; consecutive_ticks: number }>;
}

/**
 * Counts one tick: +1 for each node reading `unknown`, and the counter of every other node (including nodes no
 * longer listed) is dropped. Writes `idle_takeover.unknown_persistent` at 60, 72, 84, … consecutive ticks.
 */
export function recordUnknownTicks(
  monitorState: unknown,
  nodes: readonly IdleNode[],
  options: { events?: EventSink | null } = {},
): UnknownTicksResult {
  const state = normalizeMonitorState(monitorState);
  const ticks: Record<string, number> = {};
  const persistent: UnknownTicksResult["persistent"] = [];
  for (const node of nodes) {
    if (!node.node_id || nodeStateOf(node) !== "unknown" || ticks[node.node_id] !== undefined) continue;
    const count = (state.unknown_ticks[node.node_id] ?? 0) + 1;
    ticks[node.node_id] = count;
    if (count >= UNKNOWN_PERSISTENT_TICKS && (count - UNKNOWN_PERSISTENT_TICKS) % UNKNOWN_PERSISTENT_REPEAT === 0) {
      persistent.push({ node_id: node.node_id, consecutive_ticks: count });
      options.events?.emit("idle_takeover.unknown_persistent", {
        node_id: node.node_id,
        provider: node.provider ?? null,
        auth_mode: node.auth_mode ?? null,
        consecutive_ticks: count,
        rollout_path: node.rollout_path ?? null,
      });
    }
  }
  state.unknown_ticks = ticks;
  return { monitor_state: state, persistent };
}
