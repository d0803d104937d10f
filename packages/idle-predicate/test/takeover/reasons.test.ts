import { describe, expect, it } from "vitest";
import { acknowledge, armOnDelivery, createMonitorState } from "../../src/monitor-state.js";
import { evaluateTakeoverReminder, type TakeoverReason } from "../../src/takeover.js";
import { at, RecordingSink } from "../helpers/recording-sink.js";
import { leader, worker } from "../helpers/scenario.js";

const armed = () => armOnDelivery(undefined, { node_id: "w1", message_id: "m1", now: at(0) });

/** Every reason the predicate can give, each from the smallest input that produces it. */
const cases: Array<{ name: string; reason: TakeoverReason; run: () => ReturnType<typeof evaluateTakeoverReminder> }> = [
  {
    name: "a working worker",
    reason: "node_working",
    run: () => evaluateTakeoverReminder([worker("w1", "idle"), worker("w2", "working")], { now: at(0) }),
  },
  {
    name: "a worker waiting for approval",
    reason: "node_blocked_on_human",
    run: () => evaluateTakeoverReminder([worker("w1", "blocked_on_human")], { now: at(0) }),
  },
  {
    name: "a failed or crashed worker",
    reason: "node_abnormal",
    run: () => evaluateTakeoverReminder([worker("w1", "abnormal")], { now: at(0) }),
  },
  {
    name: "an unknown worker",
    reason: "node_unknown",
    run: () => evaluateTakeoverReminder([worker("w1", "unknown")], { now: at(0) }),
  },
  {
    name: "a worker without a state",
    reason: "node_unknown",
    run: () => evaluateTakeoverReminder([worker("w1", null)], { now: at(0) }),
  },
  {
    name: "a worker with an unrecognised state",
    reason: "node_unknown",
    run: () => evaluateTakeoverReminder([worker("w1", "sleeping")], { now: at(0) }),
  },
  {
    name: "a busy leader (all workers idle)",
    reason: "node_working",
    run: () =>
      evaluateTakeoverReminder([worker("w1", "idle"), leader("working")], { monitorState: armed(), now: at(100) }),
  },
  {
    name: "no nodes",
    reason: "no_nodes",
    run: () => evaluateTakeoverReminder([], { monitorState: armed(), now: at(100) }),
  },
  {
    name: "never armed",
    reason: "not_armed_no_worker_turn",
    run: () => evaluateTakeoverReminder([worker("w1", "idle", "t1")], { now: at(500) }),
  },
  {
    name: "acknowledged",
    reason: "acknowledged",
    run: () =>
      evaluateTakeoverReminder([worker("w1", "idle")], {
        monitorState: acknowledge(armed(), { now: at(1) }),
        now: at(500),
      }),
  },
  {
    name: "idle for less than the debounce",
    reason: "debounce_active",
    run: () => evaluateTakeoverReminder([worker("w1", "idle")], { monitorState: armed(), now: at(100) }),
  },
  {
    name: "pinged already in this episode",
    reason: "already_pinged_this_episode",
    run: () => {
      const first = evaluateTakeoverReminder([worker("w1", "idle")], {
        monitorState: { ...armed(), all_idle_since: at(0) },
        now: at(60),
      });
      expect(first.should_ping).toBe(true);
      return evaluateTakeoverReminder([worker("w1", "idle")], { monitorState: first.monitor_state, now: at(61) });
    },
  },
  {
    name: "armed and idle for the debounce",
    reason: "all_idle_debounce_elapsed",
    run: () =>
      evaluateTakeoverReminder([worker("w1", "idle")], {
        monitorState: { ...armed(), all_idle_since: at(0) },
        now: at(60),
      }),
  },
];

describe("evaluateTakeoverReminder: one case per reason", () => {
  it.each(cases)("$name → $reason", ({ reason, run }) => {
    const decision = run();
    expect(decision.reason).toBe(reason);
    expect(decision.should_ping).toBe(reason === "all_idle_debounce_elapsed");
    expect(decision.message === null).toBe(!decision.should_ping);
  });

  it("covers every reason the type allows", () => {
    const covered = new Set(cases.map((entry) => entry.reason));
    const all: TakeoverReason[] = [
      "node_idle",
      "node_idle_interrupted",
      "node_working",
      "node_blocked_on_human",
      "node_abnormal",
      "node_unknown",
      "no_nodes",
      "acknowledged",
      "already_pinged_this_episode",
      "not_armed_no_worker_turn",
      "debounce_active",
      "all_idle_debounce_elapsed",
    ];
    // node_idle / node_idle_interrupted cannot happen: those states are the idle ones.
    expect(all.filter((reason) => !covered.has(reason))).toEqual(["node_idle", "node_idle_interrupted"]);
  });

  it("a node_* reason names the first blocking node and ends the episode", () => {
    const monitorState = { ...armed(), all_idle_since: at(0), pinged_for_episode: at(0) };
    const decision = evaluateTakeoverReminder(
      [worker("w1", "idle"), worker("w2", "unknown"), worker("w3", "working")],
      {
        monitorState,
        now: at(100),
      },
    );
    expect(decision).toMatchObject({ reason: "node_unknown", blocking_node_id: "w2", active_idle_seconds: null });
    expect(decision.monitor_state).toMatchObject({ all_idle_since: null, pinged_for_episode: null });
  });

  it("no_ping events carry the reason, the blocking node and whether the monitor is armed", () => {
    const events = new RecordingSink();
    evaluateTakeoverReminder([worker("w1", "unknown")], { monitorState: armed(), now: at(1), events });
    evaluateTakeoverReminder([worker("w1", "idle")], { now: at(1), events });
    expect(events.named("idle_takeover.no_ping")).toEqual([
      { reason: "node_unknown", node_id: "w1", armed: true },
      { reason: "not_armed_no_worker_turn", node_id: null, armed: false },
    ]);
  });

  it("uses a 60 s debounce by default and honours another one", () => {
    const monitorState = { ...armed(), all_idle_since: at(0) };
    const nodes = [worker("w1", "idle")];
    expect(evaluateTakeoverReminder(nodes, { monitorState, now: at(59.9) }).reason).toBe("debounce_active");
    expect(evaluateTakeoverReminder(nodes, { monitorState, now: at(60) }).reason).toBe("all_idle_debounce_elapsed");
    expect(evaluateTakeoverReminder(nodes, { monitorState, now: at(10), debounceSeconds: 10 }).should_ping).toBe(true);
    expect(evaluateTakeoverReminder(nodes, { monitorState, now: at(0), debounceSeconds: 0 }).should_ping).toBe(true);
  });

  it("a wall clock that went backwards counts as no idle time, not negative time", () => {
    const decision = evaluateTakeoverReminder([worker("w1", "idle")], {
      monitorState: { ...armed(), all_idle_since: at(100) },
      now: at(40),
    });
    expect(decision).toMatchObject({ reason: "debounce_active", active_idle_seconds: 0 });
  });

  it("rejects a bad now or debounce with a coded error", () => {
    expect(() => evaluateTakeoverReminder([], { now: "yesterday" })).toThrow(
      expect.objectContaining({ code: "invalid_timestamp" }),
    );
    expect(() => evaluateTakeoverReminder([], { now: "2026-05-01T10:00:00" })).toThrow(
      expect.objectContaining({ code: "invalid_timestamp" }),
    );
    expect(() => evaluateTakeoverReminder([], { now: at(0), debounceSeconds: -1 })).toThrow(
      expect.objectContaining({ code: "invalid_debounce" }),
    );
  });

  it("fills defaults for a missing or foreign monitor state", () => {
    for (const monitorState of [undefined, null, "garbage", [1, 2], { all_idle_since: 123.0, suppressed: "yes" }]) {
      const decision = evaluateTakeoverReminder([worker("w1", "idle")], { monitorState, now: at(0) });
      expect(decision.reason).toBe("not_armed_no_worker_turn");
      expect(decision.monitor_state).toMatchObject({
        ...createMonitorState(),
        all_idle_since: at(0),
        worker_turns: {
          w1: { state: "idle", turn_id: null },
        },
        last_no_ping_reason: "not_armed_no_worker_turn",
      });
    }
  });
});
