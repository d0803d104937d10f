import { describe, expect, it } from "vitest";
import { acknowledge, armOnDelivery, createMonitorState, normalizeMonitorState } from "../../src/monitor-state.js";
import { at, RecordingSink } from "../helpers/recording-sink.js";

describe("armOnDelivery", () => {
  it("arms, lifts an acknowledgement, starts a fresh episode and records the delivery", () => {
    const events = new RecordingSink();
    const before = {
      ...acknowledge(undefined, { now: at(0), by: "leader" }),
      all_idle_since: at(1),
      pinged_for_episode: at(1),
    };
    const state = armOnDelivery(before, { node_id: "w1", message_id: "m7", task_id: "task-3", now: at(10), events });
    expect(state).toMatchObject({
      opened_worker_turn_since_ack: true,
      suppressed: false,
      all_idle_since: null,
      pinged_for_episode: null,
      last_turn_open: { node_id: "w1", turn_id: "task-3", delivered_message_id: "m7", at: at(10) },
    });
    expect(events.events).toEqual([
      {
        event: "idle_takeover.turn_open_rearmed",
        fields: { node_id: "w1", turn_id: "task-3", delivered_message_id: "m7" },
      },
    ]);
  });

  it("names the turn after the message when there is no task", () => {
    const state = armOnDelivery(undefined, { node_id: "w1", message_id: "m7", task_id: null, now: at(0) });
    expect(state.last_turn_open?.turn_id).toBe("m7");
  });

  it("stores times in canonical ISO form", () => {
    const state = armOnDelivery(undefined, { node_id: "w1", message_id: "m7", now: "2026-05-01T12:00:00+02:00" });
    expect(state.last_turn_open?.at).toBe("2026-05-01T10:00:00.000Z");
  });
});

describe("acknowledge", () => {
  it("suppresses and records when and by whom, keeping the armed flag", () => {
    const armed = armOnDelivery(undefined, { node_id: "w1", message_id: "m1", now: at(0) });
    const state = acknowledge(armed, { now: at(5), by: "leader" });
    expect(state).toMatchObject({
      suppressed: true,
      acknowledged_at: at(5),
      acknowledged_by: "leader",
      opened_worker_turn_since_ack: true,
    });
    expect(acknowledge(undefined, { now: at(5) }).acknowledged_by).toBeNull();
  });

  it("refuses a time without a zone", () => {
    expect(() => acknowledge(undefined, { now: "2026-05-01 10:00" })).toThrow(
      expect.objectContaining({ code: "invalid_timestamp" }),
    );
  });
});

describe("normalizeMonitorState", () => {
  it("fills every default for an empty state", () => {
    expect(normalizeMonitorState(undefined)).toEqual(createMonitorState());
  });

  it("turns the original's monotonic floats into null and keeps unknown keys", () => {
    const legacy = {
      opened_worker_turn_since_ack: true,
      suppressed: false,
      all_idle_since: 123.0,
      pinged_for_episode: null,
      last_no_ping_reason: "debounce_active",
      last_turn_open: { node_id: "w1", turn_id: "t1", delivered_message_id: "m1", at: 120.5 },
      rearmed: true,
      ok: true,
    };
    expect(normalizeMonitorState(legacy)).toEqual({
      ...createMonitorState(),
      opened_worker_turn_since_ack: true,
      last_no_ping_reason: "debounce_active",
      rearmed: true,
      ok: true,
    });
  });

  it("drops malformed counters and marks", () => {
    const state = normalizeMonitorState({
      unknown_ticks: { w1: 3, w2: -1, w3: "7", w4: 1.5 },
      worker_turns: { w1: { state: "idle", turn_id: "t1" }, w2: "junk", w3: { state: 5 } },
    });
    expect(state.unknown_ticks).toEqual({ w1: 3 });
    expect(state.worker_turns).toEqual({ w1: { state: "idle", turn_id: "t1" }, w3: { state: null, turn_id: null } });
  });

  it("returns a deep copy", () => {
    const raw = { worker_turns: { w1: { state: "idle", turn_id: "t1" } }, extra: { nested: [1] } };
    const state = normalizeMonitorState(raw);
    (state.worker_turns["w1"] as { state: string }).state = "working";
    (state["extra"] as { nested: number[] }).nested.push(2);
    expect(raw).toEqual({ worker_turns: { w1: { state: "idle", turn_id: "t1" } }, extra: { nested: [1] } });
  });
});
