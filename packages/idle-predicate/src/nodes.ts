/** One node of the team as the coordinator builds it each tick (§2.2): who it is and its turn state. */
import { NODE_STATES, type NodeState } from "./turn-state.js";

export interface IdleNode {
  node_id: string;
  /** `worker` (default) or `leader`; `is_leader` is read when `role` is absent. */
  role?: string | null;
  is_leader?: boolean | null;
  /** From `readTurnState`; a missing or unrecognised value reads as `unknown`. */
  state?: string | null;
  turn_id?: string | null;
  annotations?: unknown;
  provider?: string | null;
  auth_mode?: string | null;
  rollout_path?: string | null;
}

export function isLeaderNode(node: IdleNode): boolean {
  if (typeof node.role === "string" && node.role !== "") return node.role === "leader";
  return node.is_leader === true;
}

/** The node's state, with anything unrecognised treated as `unknown` (never idle). */
export function nodeStateOf(node: IdleNode): NodeState {
  return NODE_STATES.includes(node.state as NodeState) ? (node.state as NodeState) : "unknown";
}

/** `idle` and `idle_interrupted` both mean the node's turn is closed. */
export function isIdleState(state: NodeState): boolean {
  return state === "idle" || state === "idle_interrupted";
}
