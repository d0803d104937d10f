/** Spec 03 §1.6 "Cross-worker deadlock": idle workers with undelivered messages, reported once per snapshot. */
import { describe, expect, it } from "vitest";
import { findCrossWorkerDeadlocks, pendingMessagesSnapshot } from "../../../src/daemon/detectors/deadlock.js";

type Undelivered = Record<string, string[]>;

/** Runs successive ticks, feeding each tick's new suppressions into the next; returns the alerted agents per tick. */
function alertsPerTick(ticks: Array<{ idle: string[]; undelivered: Undelivered }>): string[][] {
  const suppressed: Record<string, string> = {};
  return ticks.map(({ idle, undelivered }) => {
    const result = findCrossWorkerDeadlocks({ idleAgents: idle, undelivered, suppressedSnapshots: suppressed });
    Object.assign(suppressed, result.newSuppressions);
    return result.alerts.map((alert) => alert.agent_id);
  });
}

describe("findCrossWorkerDeadlocks", () => {
  it("an idle worker with undelivered messages → one alert and a suppression for that snapshot", () => {
    const result = findCrossWorkerDeadlocks({
      idleAgents: ["w1", "w2"],
      undelivered: { w1: ["msg-0007", "msg-0003"], w3: ["msg-0009"] },
      suppressedSnapshots: {},
    });
    expect(result).toEqual({
      alerts: [{ agent_id: "w1", alert_type: "cross_worker_deadlock", pending_messages: ["msg-0007", "msg-0003"] }],
      newSuppressions: { w1: pendingMessagesSnapshot(["msg-0003", "msg-0007"]) },
    });
  });

  it.each<{ case: string; idle: string[]; undelivered: Undelivered }>([
    { case: "idle, nothing pending", idle: ["w1"], undelivered: { w1: [] } },
    { case: "idle, no entry", idle: ["w1"], undelivered: {} },
    { case: "pending but not idle", idle: ["w2"], undelivered: { w1: ["msg-1"] } },
    { case: "no idle agents", idle: [], undelivered: { w1: ["msg-1"] } },
  ])("$case → no alert", ({ idle, undelivered }) => {
    expect(findCrossWorkerDeadlocks({ idleAgents: idle, undelivered, suppressedSnapshots: {} })).toEqual({
      alerts: [],
      newSuppressions: {},
    });
  });

  it("fires once per snapshot: same ids (in any order) stay quiet, a new id fires again", () => {
    expect(
      alertsPerTick([
        { idle: ["w1"], undelivered: { w1: ["msg-1", "msg-2"] } },
        { idle: ["w1"], undelivered: { w1: ["msg-1", "msg-2"] } },
        { idle: ["w1"], undelivered: { w1: ["msg-2", "msg-1"] } },
        { idle: ["w1"], undelivered: { w1: ["msg-1", "msg-2", "msg-3"] } },
        { idle: ["w1"], undelivered: { w1: ["msg-3"] } },
        { idle: ["w1"], undelivered: { w1: ["msg-3"] } },
      ]),
    ).toEqual([["w1"], [], [], ["w1"], ["w1"], []]);
  });

  it("two workers waiting on each other are both reported, each once", () => {
    const undelivered = { w1: ["msg-from-w2"], w2: ["msg-from-w1"] };
    expect(
      alertsPerTick([
        { idle: ["w1", "w2"], undelivered },
        { idle: ["w1", "w2"], undelivered },
      ]),
    ).toEqual([["w1", "w2"], []]);
  });

  it("an agent listed twice as idle is reported once", () => {
    const result = findCrossWorkerDeadlocks({
      idleAgents: ["w1", "w1"],
      undelivered: { w1: ["msg-1"] },
      suppressedSnapshots: {},
    });
    expect(result.alerts).toHaveLength(1);
  });
});

describe("pendingMessagesSnapshot", () => {
  it("ignores order and duplicates and keeps ids with separators apart", () => {
    expect(pendingMessagesSnapshot(["b", "a", "a"])).toBe(pendingMessagesSnapshot(["a", "b"]));
    expect(pendingMessagesSnapshot(["a,b"])).not.toBe(pendingMessagesSnapshot(["a", "b"]));
  });
});
