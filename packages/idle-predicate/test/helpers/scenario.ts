import type { IdleNode } from "../../src/nodes.js";
import { type EvaluateTakeoverOptions, evaluateTakeoverReminder, type TakeoverDecision } from "../../src/takeover.js";
import { at, RecordingSink } from "./recording-sink.js";

/** Drives the predicate tick by tick the way the coordinator does: each result's monitor state feeds the next. */
export class Scenario {
  readonly events = new RecordingSink();
  monitor: unknown;
  last: TakeoverDecision | undefined;

  constructor(monitor: unknown = undefined) {
    this.monitor = monitor;
  }

  tick(seconds: number, nodes: IdleNode[], extra: Partial<EvaluateTakeoverOptions> = {}): TakeoverDecision {
    const decision = evaluateTakeoverReminder(nodes, {
      monitorState: this.monitor,
      now: at(seconds),
      events: this.events,
      ...extra,
    });
    this.monitor = decision.monitor_state;
    this.last = decision;
    return decision;
  }

  /** Applies a monitor-state transition (armOnDelivery, acknowledge, …). */
  apply(transition: (monitor: unknown) => unknown): void {
    this.monitor = transition(this.monitor);
  }
}

export const worker = (node_id: string, state: string | null, turn_id: string | null = null): IdleNode => ({
  node_id,
  role: "worker",
  state,
  turn_id,
});

export const leader = (state: string, turn_id: string | null = null): IdleNode => ({
  node_id: "leader",
  role: "leader",
  state,
  turn_id,
});
