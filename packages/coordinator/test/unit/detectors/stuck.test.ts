/** Spec 03 §1.6 "Stuck agents" and its §1.9 edge cases. */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PUSH_MIN_INTERVAL_SEC,
  DEFAULT_STUCK_TIMEOUT_SEC,
  findStuckAgents,
  type StuckInput,
  stuckPushText,
} from "../../../src/daemon/detectors/stuck.js";

const T0 = Date.parse("2026-03-02T10:00:00.000Z");
/** ISO time `seconds` after T0 (the fixed-width form the store writes). */
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const WORKING_ON_TASK = { hasActiveTask: true, hasUndeliveredInbound: false };
const MESSAGE_ON_ITS_WAY = { hasActiveTask: false, hasUndeliveredInbound: true };
const NOTHING_TO_DO = { hasActiveTask: false, hasUndeliveredInbound: false };

/** One agent `w1`, RUNNING, silent since T0, evaluated at `now` (default: 301 s later) with an active task. */
function input(overrides: Partial<StuckInput> = {}): StuckInput {
  return {
    now: at(301),
    stuckTimeoutSec: DEFAULT_STUCK_TIMEOUT_SEC,
    pushMinIntervalSec: DEFAULT_PUSH_MIN_INTERVAL_SEC,
    health: [{ agentId: "w1", status: "RUNNING", lastOutputAt: at(0) }],
    activeWork: { w1: WORKING_ON_TASK },
    lastProgressAt: {},
    suppressions: {},
    currentSnapshot: {},
    lastPushAt: {},
    ...overrides,
  };
}

const NOTHING = { stuck: [], suppressedIdle: [], suppressedProgress: [], pushes: [], clearedSuppressions: [] };

describe("§1.9 cases", () => {
  it("a finished agent whose health reads IDLE → nothing at all", () => {
    const decisions = findStuckAgents(
      input({ health: [{ agentId: "w1", status: "IDLE", lastOutputAt: at(0) }], activeWork: {} }),
    );
    expect(decisions).toEqual(NOTHING);
  });

  it("a RUNNING agent with no work → only the idle_no_work suppression", () => {
    expect(findStuckAgents(input({ activeWork: { w1: NOTHING_TO_DO } }))).toEqual({
      ...NOTHING,
      suppressedIdle: ["w1"],
    });
    expect(findStuckAgents(input({ activeWork: {} })).suppressedIdle).toEqual(["w1"]);
  });

  it("an active task and old output → stuck, and one push per 60 s", () => {
    let lastPushAt: Record<string, string> = {};
    const pushedAt: number[] = [];
    for (let seconds = 301; seconds <= 451; seconds += 5) {
      const decisions = findStuckAgents(input({ now: at(seconds), lastPushAt }));
      expect(decisions.stuck.map((agent) => agent.agentId)).toEqual(["w1"]);
      if (decisions.pushes.includes("w1")) {
        pushedAt.push(seconds);
        lastPushAt = { w1: at(seconds) };
      }
    }
    expect(pushedAt).toEqual([301, 361, 421]);
  });

  it("an accepted-but-undelivered message counts as work; delivered history does not", () => {
    expect(findStuckAgents(input({ activeWork: { w1: MESSAGE_ON_ITS_WAY } })).stuck).toEqual([
      { agentId: "w1", lastOutputAt: at(0), workReason: "inbound_message", silentSec: 301 },
    ]);
    // The caller reports delivered messages as no undelivered inbound, so an agent with only those is idle.
    expect(findStuckAgents(input({ activeWork: { w1: NOTHING_TO_DO } })).stuck).toEqual([]);
  });
});

describe("candidates", () => {
  it.each([
    { status: "RUNNING", silentSec: 300, stuck: true },
    { status: "RUNNING", silentSec: 299, stuck: false },
    { status: "WORKING", silentSec: 400, stuck: true },
    { status: "running", silentSec: 400, stuck: true },
    { status: "IDLE", silentSec: 400, stuck: false },
    { status: "STUCK", silentSec: 400, stuck: false },
    { status: "AWAITING_APPROVAL", silentSec: 400, stuck: false },
    { status: "UNCERTAIN", silentSec: 400, stuck: false },
  ])("$status, silent $silentSec s → stuck $stuck", ({ status, silentSec, stuck }) => {
    const decisions = findStuckAgents(
      input({ now: at(silentSec), health: [{ agentId: "w1", status, lastOutputAt: at(0) }] }),
    );
    expect(decisions.stuck.length).toBe(stuck ? 1 : 0);
    expect(decisions.pushes.length).toBe(stuck ? 1 : 0);
  });

  it.each([null, undefined, "", "yesterday"])("an agent without a readable last output (%s) is skipped", (last) => {
    expect(findStuckAgents(input({ health: [{ agentId: "w1", status: "RUNNING", lastOutputAt: last }] }))).toEqual(
      NOTHING,
    );
  });

  it("the active task wins over the inbound message as the reason", () => {
    const work = { hasActiveTask: true, hasUndeliveredInbound: true };
    expect(findStuckAgents(input({ activeWork: { w1: work } })).stuck[0]?.workReason).toBe("active_task");
  });

  it("each agent is judged on its own", () => {
    const decisions = findStuckAgents(
      input({
        now: at(1000),
        health: [
          { agentId: "w1", status: "RUNNING", lastOutputAt: at(0) },
          { agentId: "w2", status: "RUNNING", lastOutputAt: at(900) },
          { agentId: "w3", status: "WORKING", lastOutputAt: at(100) },
          { agentId: "w4", status: "RUNNING", lastOutputAt: at(0) },
        ],
        activeWork: { w1: WORKING_ON_TASK, w2: WORKING_ON_TASK, w3: MESSAGE_ON_ITS_WAY, w4: NOTHING_TO_DO },
        lastPushAt: { w3: at(990) },
      }),
    );
    expect(decisions.stuck.map((agent) => [agent.agentId, agent.silentSec])).toEqual([
      ["w1", 1000],
      ["w3", 900],
    ]);
    expect(decisions.pushes).toEqual(["w1"]);
    expect(decisions.suppressedIdle).toEqual(["w4"]);
  });

  it("an unreadable `now` is a caller bug and throws", () => {
    expect(() => findStuckAgents(input({ now: "now" }))).toThrow(RangeError);
  });
});

describe("recent progress", () => {
  it.each([
    { progressAt: 250, suppressed: true },
    { progressAt: 0, suppressed: true },
    { progressAt: -10, suppressed: false },
    { progressAt: undefined, suppressed: false },
  ])("progress event at $progressAt s (last output at 0) → suppressed $suppressed", ({ progressAt, suppressed }) => {
    const lastProgressAt = { w1: progressAt === undefined ? undefined : at(progressAt) };
    const decisions = findStuckAgents(input({ lastProgressAt }));
    expect(decisions.suppressedProgress).toEqual(suppressed ? ["w1"] : []);
    expect(decisions.stuck.length).toBe(suppressed ? 0 : 1);
  });
});

describe("suppressions (stuck-cancel)", () => {
  const suppression = { snapshot: '{"tasks":["t1"],"delivered":["m1"]}', since: at(100) };

  it("an active suppression silences the agent without any event", () => {
    const decisions = findStuckAgents(
      input({ suppressions: { w1: suppression }, currentSnapshot: { w1: suppression.snapshot } }),
    );
    expect(decisions).toEqual(NOTHING);
  });

  it("a missing current snapshot does not count as a change", () => {
    expect(findStuckAgents(input({ suppressions: { w1: suppression } }))).toEqual(NOTHING);
  });

  it.each([
    {
      reason: "snapshot_changed",
      change: { currentSnapshot: { w1: '{"tasks":["t1","t2"],"delivered":["m1"]}' } },
    },
    // Progress after the suppression but before the last output: it clears the suppression and the agent is stuck.
    { reason: "progress_event", change: { lastProgressAt: { w1: at(100) } }, outputAt: 200 },
    { reason: "restart_or_reset", change: { lastRestartAt: { w1: at(150) } } },
  ])("$reason clears it and the agent is reported again", ({ reason, change, outputAt = 0 }) => {
    const decisions = findStuckAgents(
      input({
        now: at(outputAt + 301),
        health: [{ agentId: "w1", status: "RUNNING", lastOutputAt: at(outputAt) }],
        suppressions: { w1: suppression },
        currentSnapshot: { w1: suppression.snapshot },
        ...change,
      }),
    );
    expect(decisions.clearedSuppressions).toEqual([{ agentId: "w1", reason }]);
    expect(decisions.stuck.map((agent) => agent.agentId)).toEqual(["w1"]);
    expect(decisions.pushes).toEqual(["w1"]);
  });

  it.each([
    { lastProgress: 99, lastRestart: 50 },
    { lastProgress: undefined, lastRestart: undefined },
  ])("events before the suppression leave it in place ($lastProgress, $lastRestart)", (times) => {
    const decisions = findStuckAgents(
      input({
        now: at(400),
        health: [{ agentId: "w1", status: "RUNNING", lastOutputAt: at(0) }],
        suppressions: { w1: suppression },
        currentSnapshot: { w1: suppression.snapshot },
        lastProgressAt: { w1: times.lastProgress === undefined ? undefined : at(times.lastProgress) },
        lastRestartAt: { w1: times.lastRestart === undefined ? undefined : at(times.lastRestart) },
      }),
    );
    expect(decisions).toEqual(NOTHING);
  });

  it.each([
    { now: 400, expiresAt: 400, cleared: true },
    { now: 400, expiresAt: 401, cleared: false },
  ])("a manual acknowledgement expiring at $expiresAt, now $now → cleared $cleared", ({ now, expiresAt, cleared }) => {
    const decisions = findStuckAgents(
      input({
        now: at(now),
        suppressions: { w1: { ...suppression, expiresAt: at(expiresAt) } },
        currentSnapshot: { w1: suppression.snapshot },
      }),
    );
    expect(decisions.clearedSuppressions).toEqual(cleared ? [{ agentId: "w1", reason: "expired" }] : []);
    expect(decisions.stuck.length).toBe(cleared ? 1 : 0);
  });

  it("a suppression with an unreadable time is dropped", () => {
    const decisions = findStuckAgents(input({ suppressions: { w1: { snapshot: "s", since: "sometime" } } }));
    expect(decisions.clearedSuppressions).toEqual([{ agentId: "w1", reason: "invalid_suppression_timestamp" }]);
  });

  it("a stale suppression of an agent with no work is cleared and the agent reported as idle", () => {
    const decisions = findStuckAgents(
      input({
        activeWork: { w1: NOTHING_TO_DO },
        suppressions: { w1: suppression },
        currentSnapshot: { w1: "{}" },
      }),
    );
    expect(decisions).toEqual({
      ...NOTHING,
      suppressedIdle: ["w1"],
      clearedSuppressions: [{ agentId: "w1", reason: "snapshot_changed" }],
    });
  });
});

describe("stuckPushText", () => {
  it.each([
    { agentId: "w1", seconds: 300, text: "agent w1 appears stuck: no output for 300s" },
    { agentId: "reviewer-2", seconds: 421.7, text: "agent reviewer-2 appears stuck: no output for 421s" },
  ])("$text", ({ agentId, seconds, text }) => {
    expect(stuckPushText(agentId, seconds)).toBe(text);
  });
});
