/** §2.12 edge cases and the §5 fixes, as tick-by-tick scenarios. */
import { describe, expect, it } from "vitest";
import { activeSeconds } from "../../src/active-time.js";
import { acknowledge, armOnDelivery } from "../../src/monitor-state.js";
import { evaluateTakeoverReminder } from "../../src/takeover.js";
import { readTurnState } from "../../src/turn-state.js";
import { recordUnknownTicks } from "../../src/unknown-ticks.js";
import { jsonl, line, testReader } from "../fixtures/test-reader.js";
import { at, RecordingSink } from "../helpers/recording-sink.js";
import { leader, Scenario, worker } from "../helpers/scenario.js";

const deliver =
  (node_id = "w1", message_id = "m1") =>
  (monitor: unknown) =>
    armOnDelivery(monitor, { node_id, message_id, now: at(0) });

describe("§2.12 predicate cases", () => {
  it("never armed → not_armed_no_worker_turn, however long the team is idle", () => {
    const run = new Scenario();
    for (const seconds of [0, 60, 600, 6000])
      expect(run.tick(seconds, [worker("w1", "idle", "t1")]).reason).toBe("not_armed_no_worker_turn");
    expect(run.events.named("idle_takeover.ping")).toEqual([]);
  });

  it("armed, idle since 0, now 120, debounce 60 → a ping whose text names the situation and the way out", () => {
    const events = new RecordingSink();
    const decision = evaluateTakeoverReminder([worker("w1", "idle"), worker("w2", "idle")], {
      monitorState: {
        ...armOnDelivery(undefined, { node_id: "w1", message_id: "m1", now: at(0) }),
        all_idle_since: at(0),
      },
      now: at(120),
      debounceSeconds: 60,
      events,
    });
    expect(decision.should_ping).toBe(true);
    expect(decision.message?.toLowerCase()).toContain("all nodes idle");
    expect(decision.message).toContain("acknowledge-idle");
    expect(decision.message).toContain("2 team nodes (w1, w2)");
    expect(decision.message).toContain("about 2 min");
    expect(decision.active_idle_seconds).toBe(120);
    expect(events.named("idle_takeover.ping")).toEqual([{ nodes: 2, elapsed_seconds: 120, interrupted: [] }]);
  });

  it("a suspend of 120–190 inside an episode of 100–200 leaves 30 s → debounce_active", () => {
    const decision = evaluateTakeoverReminder([worker("w1", "idle")], {
      monitorState: {
        ...armOnDelivery(undefined, { node_id: "w1", message_id: "m1", now: at(0) }),
        all_idle_since: at(100),
      },
      now: at(200),
      suspendIntervals: [{ start: at(120), end: at(190) }],
    });
    expect(decision).toMatchObject({ reason: "debounce_active", active_idle_seconds: 30 });
  });

  it("suspends 10–50, 30–70, 30–70 over 0–120 subtract 60 once → ping", () => {
    const suspendIntervals = [
      { start: at(10), end: at(50) },
      { start: at(30), end: at(70) },
      { start: at(30), end: at(70) },
    ];
    const decision = evaluateTakeoverReminder([worker("w1", "idle")], {
      monitorState: {
        ...armOnDelivery(undefined, { node_id: "w1", message_id: "m1", now: at(0) }),
        all_idle_since: at(0),
      },
      now: at(120),
      suspendIntervals,
    });
    expect(decision).toMatchObject({ should_ping: true, active_idle_seconds: 60 });
  });

  it("reasons unknown, unknown, working → exactly two no_ping events", () => {
    const run = new Scenario();
    run.tick(0, [worker("w1", "unknown")]);
    run.tick(5, [worker("w1", "unknown")]);
    run.tick(10, [worker("w1", "working")]);
    expect(run.events.named("idle_takeover.no_ping").map((fields) => fields["reason"])).toEqual([
      "node_unknown",
      "node_working",
    ]);
  });

  it("delivery arms; unknown until the transcript is found; idle at 10 → debounce; 71 → ping; again → already pinged", () => {
    const run = new Scenario();
    run.apply(deliver());
    expect(run.events.events).toEqual([]);
    expect(run.tick(5, [worker("w1", "unknown")]).reason).toBe("node_unknown");
    expect(run.tick(10, [worker("w1", "idle", "t1")]).reason).toBe("debounce_active");
    expect(run.tick(69.9, [worker("w1", "idle", "t1")]).reason).toBe("debounce_active");
    const ping = run.tick(71, [worker("w1", "idle", "t1")]);
    expect(ping.should_ping).toBe(true);
    expect(run.tick(76, [worker("w1", "idle", "t1")]).reason).toBe("already_pinged_this_episode");
    expect(run.tick(5000, [worker("w1", "idle", "t1")]).reason).toBe("already_pinged_this_episode");
    expect(run.events.named("idle_takeover.ping")).toHaveLength(1);
  });

  it("60 ticks with an unknown node → unknown_persistent, and never a ping; recovery clears the counter", () => {
    const events = new RecordingSink();
    let monitor: unknown = armOnDelivery(undefined, { node_id: "w1", message_id: "m1", now: at(0) });
    const nodes = [
      { ...worker("w1", "unknown"), provider: "p1", auth_mode: "subscription", rollout_path: "/x/w1.jsonl" },
      worker("w2", "idle", "t1"),
    ];
    for (let tick = 1; tick <= 84; tick += 1) {
      monitor = recordUnknownTicks(monitor, nodes, { events }).monitor_state;
      const decision = evaluateTakeoverReminder(nodes, { monitorState: monitor, now: at(tick * 5), events });
      expect(decision.should_ping).toBe(false);
      monitor = decision.monitor_state;
    }
    expect(events.named("idle_takeover.unknown_persistent")).toEqual(
      [60, 72, 84].map((consecutive_ticks) => ({
        node_id: "w1",
        provider: "p1",
        auth_mode: "subscription",
        consecutive_ticks,
        rollout_path: "/x/w1.jsonl",
      })),
    );
    const recovered = recordUnknownTicks(monitor, [worker("w1", "idle", "t2"), worker("w2", "idle", "t1")]);
    expect(recovered.monitor_state.unknown_ticks).toEqual({});
  });

  it("an idle_interrupted node counts as idle, is annotated and listed in the reminder", () => {
    const run = new Scenario();
    run.apply(deliver());
    run.tick(0, [worker("w1", "idle_interrupted", "t1"), worker("w2", "idle", "t2")]);
    const decision = run.tick(60, [worker("w1", "idle_interrupted", "t1"), worker("w2", "idle", "t2")]);
    expect(decision.should_ping).toBe(true);
    expect(decision.annotations).toEqual([
      { node_id: "w1", state: "idle_interrupted", reason: "interrupted", interrupted: true, kind: "interrupted" },
    ]);
    expect(decision.interrupted_nodes).toEqual(["w1"]);
    expect(decision.message).toMatch(/Interrupted nodes: w1\.$/);
    expect(run.events.named("idle_takeover.ping")[0]).toMatchObject({ interrupted: ["w1"] });
  });

  it("the leader never arms, but a busy leader ends the episode", () => {
    const run = new Scenario();
    expect(run.tick(0, [leader("working", "L1"), worker("w1", "idle", "t1")]).reason).toBe("node_working");
    expect(run.tick(5, [leader("idle", "L2"), worker("w1", "idle", "t1")]).reason).toBe("not_armed_no_worker_turn");
    expect(run.tick(500, [leader("idle", "L3"), worker("w1", "idle", "t1")]).reason).toBe("not_armed_no_worker_turn");
    const isLeaderFlag = evaluateTakeoverReminder([{ node_id: "boss", is_leader: true, state: "working" }], {
      now: at(0),
    });
    expect(isLeaderFlag.monitor_state.opened_worker_turn_since_ack).toBe(false);
  });

  it("an interrupt inside a tool call, reported as an error fact, leaves the turn open: the node is not idle", () => {
    // Decision: only a lifecycle fact closes a turn. A reader that maps such an interrupt to `error` keeps the turn
    // open, so the node reads working (live process) or unknown, and the predicate holds back.
    const text = jsonl(line("open", "t2"), line("err", "t2", { sig: "tool_interrupted" }));
    for (const [process, reason] of [
      [{ alive: true }, "node_working"],
      [undefined, "node_unknown"],
    ] as const) {
      const turn = readTurnState(testReader, text, { process });
      const decision = evaluateTakeoverReminder([worker("w1", turn.state, turn.turn_id)], { now: at(0) });
      expect(decision.reason).toBe(reason);
    }
  });
});

describe("§5 fixes", () => {
  it("an open turn of a live worker reads working, which arms the monitor", () => {
    const run = new Scenario();
    expect(run.tick(0, [worker("w1", "working", "t1")]).monitor_state.opened_worker_turn_since_ack).toBe(true);
    expect(run.tick(5, [worker("w1", "idle", "t1")]).reason).toBe("debounce_active");
    expect(run.tick(65, [worker("w1", "idle", "t1")]).should_ping).toBe(true);
    expect(run.events.named("idle_takeover.armed")).toEqual([
      { node_id: "w1", turn_id: "t1", state: "working", lifted_acknowledgement: false },
    ]);
  });

  it("acknowledging suppresses until the next worker turn, which lifts it", () => {
    const run = new Scenario();
    run.apply(deliver());
    run.tick(0, [worker("w1", "idle", "t1")]);
    run.apply((monitor) => acknowledge(monitor, { now: at(30), by: "leader" }));
    for (const seconds of [31, 100, 1000])
      expect(run.tick(seconds, [worker("w1", "idle", "t1")]).reason).toBe("acknowledged");
    expect(run.tick(1005, [worker("w1", "working", "t2")]).monitor_state).toMatchObject({
      suppressed: false,
      opened_worker_turn_since_ack: true,
    });
    expect(run.tick(1010, [worker("w1", "idle", "t2")]).reason).toBe("debounce_active");
    expect(run.tick(1070, [worker("w1", "idle", "t2")]).should_ping).toBe(true);
    expect(run.events.named("idle_takeover.armed")).toEqual([
      { node_id: "w1", turn_id: "t2", state: "working", lifted_acknowledgement: true },
    ]);
  });

  it("a delivery after an acknowledgement lifts it", () => {
    const run = new Scenario();
    run.apply(deliver());
    run.apply((monitor) => acknowledge(monitor, { now: at(1) }));
    expect(run.tick(100, [worker("w1", "idle", "t1")]).reason).toBe("acknowledged");
    run.apply(deliver("w1", "m2"));
    expect(run.tick(105, [worker("w1", "idle", "t1")]).reason).toBe("debounce_active");
    expect(run.tick(165, [worker("w1", "idle", "t1")]).should_ping).toBe(true);
  });

  it("a state that merely persists (idle_interrupted, abnormal) does not lift an acknowledgement, even across unknown ticks", () => {
    const run = new Scenario();
    const nodes = [worker("w1", "idle_interrupted", "t1"), worker("w2", "idle", "t5")];
    run.tick(0, nodes); // first sight of an interrupted turn arms, as in the original
    run.apply((monitor) => acknowledge(monitor, { now: at(1) }));
    expect(run.tick(100, nodes).reason).toBe("acknowledged");
    expect(run.tick(105, [worker("w1", "unknown"), worker("w2", "idle", "t5")]).reason).toBe("node_unknown");
    expect(run.tick(110, nodes).reason).toBe("acknowledged");
    expect(run.tick(1000, nodes).reason).toBe("acknowledged");
  });

  it("a node first seen while acknowledged does not lift it (its turn may predate the acknowledgement)", () => {
    const run = new Scenario();
    run.apply(deliver());
    run.apply((monitor) => acknowledge(monitor, { now: at(1) }));
    expect(run.tick(100, [worker("w1", "idle_interrupted", "t1")]).reason).toBe("acknowledged");
  });

  it("the armed flag resets after a ping: a blip out of idle and back does not ping again", () => {
    const run = new Scenario();
    run.apply(deliver());
    run.tick(0, [worker("w1", "idle", "t1")]);
    expect(run.tick(60, [worker("w1", "idle", "t1")]).should_ping).toBe(true);
    expect(run.last?.monitor_state.opened_worker_turn_since_ack).toBe(false);
    expect(run.tick(65, [worker("w1", "unknown")]).reason).toBe("node_unknown");
    expect(run.tick(70, [worker("w1", "idle", "t1")]).reason).toBe("not_armed_no_worker_turn");
    expect(run.tick(500, [worker("w1", "idle", "t1")]).reason).toBe("not_armed_no_worker_turn");
  });

  it("a turn that opened and closed between two ticks (new turn id) arms and starts a new episode", () => {
    const run = new Scenario();
    run.apply(deliver());
    run.tick(0, [worker("w1", "idle", "t1")]);
    expect(run.tick(60, [worker("w1", "idle", "t1")]).should_ping).toBe(true);
    const next = run.tick(65, [worker("w1", "idle", "t2")]);
    expect(next).toMatchObject({ reason: "debounce_active", active_idle_seconds: 0 });
    expect(run.tick(125, [worker("w1", "idle", "t2")]).should_ping).toBe(true);
  });
});

describe("what counts as a new worker turn", () => {
  it("a transcript found only now shows an old closed turn: not a new turn, no ping", () => {
    const run = new Scenario();
    run.tick(0, [worker("w1", "unknown")]);
    run.tick(5, [worker("w1", "idle", "t1")]);
    expect(run.tick(500, [worker("w1", "idle", "t1")]).reason).toBe("not_armed_no_worker_turn");
  });

  it("an unverified open turn (unknown) with a new turn id arms; the closed turn is then reminded about", () => {
    const run = new Scenario();
    run.tick(0, [worker("w1", "idle", "t1")]);
    expect(run.tick(5, [worker("w1", "unknown", "t2")]).monitor_state.opened_worker_turn_since_ack).toBe(true);
    expect(run.tick(10, [worker("w1", "idle", "t2")]).reason).toBe("debounce_active");
    expect(run.tick(70, [worker("w1", "idle", "t2")]).should_ping).toBe(true);
  });

  it("a turn id going missing and coming back is not a new turn", () => {
    const run = new Scenario();
    run.apply(deliver());
    run.tick(0, [worker("w1", "idle", "t1")]);
    expect(run.tick(60, [worker("w1", "idle", "t1")]).should_ping).toBe(true);
    run.tick(65, [worker("w1", "idle", null)]);
    expect(run.tick(500, [worker("w1", "idle", "t1")]).reason).toBe("already_pinged_this_episode");
  });

  it("marks are kept per worker and dropped for nodes no longer listed", () => {
    const run = new Scenario();
    run.tick(0, [worker("w1", "idle", "t1"), worker("w2", "idle", "t9"), leader("idle", "L1")]);
    expect(run.last?.monitor_state.worker_turns).toEqual({
      w1: { state: "idle", turn_id: "t1" },
      w2: { state: "idle", turn_id: "t9" },
    });
    run.tick(5, [worker("w1", "unknown")]);
    expect(run.last?.monitor_state.worker_turns).toEqual({ w1: { state: "idle", turn_id: "t1" } });
  });
});

describe("purity", () => {
  it("never mutates its inputs and returns plain JSON", () => {
    const monitor = deepFreeze(
      acknowledge(armOnDelivery(undefined, { node_id: "w1", message_id: "m1", now: at(0) }), { now: at(1) }),
    );
    const nodes = deepFreeze([worker("w1", "working", "t2"), worker("w2", "idle_interrupted", "t3")]);
    const before = JSON.stringify([monitor, nodes]);
    const decision = evaluateTakeoverReminder(nodes, { monitorState: monitor, now: at(2) });
    recordUnknownTicks(monitor, nodes);
    acknowledge(monitor, { now: at(3) });
    armOnDelivery(monitor, { node_id: "w1", message_id: "m2", now: at(4) });
    expect(JSON.stringify([monitor, nodes])).toBe(before);
    expect(JSON.parse(JSON.stringify(decision.monitor_state))).toEqual(decision.monitor_state);
  });

  it("activeSeconds never goes below zero and ignores spans outside the episode", () => {
    expect(activeSeconds(at(0), at(10), [{ start: at(-50), end: at(100) }])).toBe(0);
    expect(activeSeconds(at(0), at(10), [{ start: at(20), end: at(30) }])).toBe(10);
    expect(activeSeconds(at(0), at(10), [{ start: at(8), end: at(2) }])).toBe(10);
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
