/** Spec 03 §1.3: the main loop's backoff after a throwing tick and its log throttling (and the §1.9 loop case). */
import { describe, expect, it } from "vitest";
import { describeThrown, TickFailureTracker, tickFailureSleepMs } from "../../src/daemon/backoff.js";

class StoreUnavailableError extends Error {}

/** Fails `count` times with the same error; returns the sleeps in seconds and the event names. */
function failRepeatedly(intervalMs: number, count: number, error: unknown = new Error("database is locked")) {
  const tracker = new TickFailureTracker({ intervalMs });
  const decisions = Array.from({ length: count }, () => tracker.failure(error));
  return {
    tracker,
    sleepsSec: decisions.map((decision) => decision.sleepMs / 1000),
    events: decisions.map((decision) => decision.event),
  };
}

/** 1-based failure numbers whose event is the full `coordinator.tick_error`. */
function fullyLogged(events: string[]): number[] {
  return events.flatMap((event, index) => (event === "coordinator.tick_error" ? [index + 1] : []));
}

describe("sleep after consecutive failures", () => {
  it.each([
    { intervalSec: 5, sleeps: [5, 10, 20, 40, 60, 60, 60, 60] },
    { intervalSec: 2, sleeps: [2, 4, 8, 16, 32, 60, 60, 60] },
    { intervalSec: 10, sleeps: [10, 20, 40, 60, 60, 60, 60, 60] },
    // The doubling stops at interval × 32, which stays under the cap for short intervals.
    { intervalSec: 1, sleeps: [1, 2, 4, 8, 16, 32, 32, 32] },
    { intervalSec: 0.5, sleeps: [0.5, 1, 2, 4, 8, 16, 16, 16] },
  ])("interval $intervalSec s → $sleeps", ({ intervalSec, sleeps }) => {
    expect(failRepeatedly(intervalSec * 1000, sleeps.length).sleepsSec).toEqual(sleeps);
    expect(sleeps.map((_, index) => tickFailureSleepMs(intervalSec * 1000, index + 1) / 1000)).toEqual(sleeps);
  });
});

describe("which repeats of one error are logged in full", () => {
  it.each([
    // 5 s: only repeats 2–3 are suppressed; from the 4th failure the sleep is 40 or 60.
    { intervalSec: 5, failures: 14, full: [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14] },
    // 2 s never sleeps 40, but reaches 60 at the 6th failure.
    { intervalSec: 2, failures: 8, full: [1, 6, 7, 8] },
    // 1 s never reaches 40 or 60, so only the 1st and every 12th failure are logged in full.
    { intervalSec: 1, failures: 25, full: [1, 12, 24] },
  ])("interval $intervalSec s → full at $full", ({ intervalSec, failures, full }) => {
    expect(fullyLogged(failRepeatedly(intervalSec * 1000, failures).events)).toEqual(full);
  });

  it("a changed signature is always logged in full, whatever the count", () => {
    const tracker = new TickFailureTracker({ intervalMs: 1000 });
    const events = [
      new Error("database is locked"),
      new Error("database is locked"),
      new Error("disk I/O error"),
      new StoreUnavailableError("disk I/O error"),
      new StoreUnavailableError("disk I/O error"),
      new Error("database is locked"),
    ].map((error) => tracker.failure(error).event);
    expect(fullyLogged(events)).toEqual([1, 3, 4, 6]);
  });

  it("only the first 200 characters of the message make up the signature", () => {
    const tracker = new TickFailureTracker({ intervalMs: 1000 });
    const head = "x".repeat(200);
    tracker.failure(new Error(`${head} attempt 1`));
    expect(tracker.failure(new Error(`${head} attempt 2`)).event).toBe("coordinator.tick_error.suppressed");
    expect(tracker.failure(new Error(`${"x".repeat(199)}y attempt 3`)).event).toBe("coordinator.tick_error");
  });
});

describe("event fields", () => {
  it("tick_error carries the error, its class, the count and the next sleep; suppressed only the last two", () => {
    const tracker = new TickFailureTracker({ intervalMs: 5000 });
    expect(tracker.failure(new StoreUnavailableError("team.db is busy"))).toEqual({
      event: "coordinator.tick_error",
      fields: {
        error: "team.db is busy",
        exc_type: "StoreUnavailableError",
        consecutive_failures: 1,
        next_sleep_sec: 5,
      },
      sleepMs: 5000,
    });
    expect(tracker.failure(new StoreUnavailableError("team.db is busy"))).toEqual({
      event: "coordinator.tick_error.suppressed",
      fields: { consecutive_failures: 2, next_sleep_sec: 10 },
      sleepMs: 10_000,
    });
    expect(tracker.consecutiveFailures).toBe(2);
  });

  it.each([
    { thrown: new TypeError("x is not a function"), excType: "TypeError", message: "x is not a function" },
    { thrown: new StoreUnavailableError("locked"), excType: "StoreUnavailableError", message: "locked" },
    { thrown: "plain string", excType: "string", message: "plain string" },
    { thrown: 42, excType: "number", message: "42" },
    { thrown: undefined, excType: "undefined", message: "undefined" },
    { thrown: null, excType: "null", message: "null" },
    { thrown: { code: "EBUSY" }, excType: "Object", message: '{"code":"EBUSY"}' },
  ])("describes a thrown $excType", ({ thrown, excType, message }) => {
    expect(describeThrown(thrown)).toEqual({ excType, message });
  });
});

describe("recovery", () => {
  it("§1.9: two throwing ticks then a good one → sleeps 5 then 10, the repeat is suppressed, then tick_recovered", () => {
    const tracker = new TickFailureTracker({ intervalMs: 5000 });
    const error = () => new Error("tmux server exited unexpectedly");
    const first = tracker.failure(error());
    const second = tracker.failure(error());
    expect([first.sleepMs, second.sleepMs]).toEqual([5000, 10_000]);
    expect([first.event, second.event]).toEqual(["coordinator.tick_error", "coordinator.tick_error.suppressed"]);
    expect(tracker.success()).toEqual({ event: "coordinator.tick_recovered", fields: { consecutive_failures: 2 } });
    expect(tracker.consecutiveFailures).toBe(0);
    expect(tracker.success()).toBeNull();
  });

  it("a success resets the count and the signature: the same error starts over at one interval", () => {
    const tracker = new TickFailureTracker({ intervalMs: 5000 });
    for (let i = 0; i < 4; i++) tracker.failure(new Error("boom"));
    tracker.success();
    const again = tracker.failure(new Error("boom"));
    expect(again).toMatchObject({ event: "coordinator.tick_error", sleepMs: 5000 });
    expect(again.fields["consecutive_failures"]).toBe(1);
    expect(tracker.failure(new Error("boom")).event).toBe("coordinator.tick_error.suppressed");
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])("rejects an interval of %s ms", (intervalMs) => {
    expect(() => new TickFailureTracker({ intervalMs })).toThrow(RangeError);
  });
});
