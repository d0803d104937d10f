import { describe, expect, it } from "vitest";
import { recordUnknownTicks, UNKNOWN_PERSISTENT_REPEAT, UNKNOWN_PERSISTENT_TICKS } from "../../src/unknown-ticks.js";
import { RecordingSink } from "../helpers/recording-sink.js";
import { worker } from "../helpers/scenario.js";

describe("recordUnknownTicks", () => {
  it("reports at 60 consecutive unknown ticks and every 12 after, and at no other count", () => {
    expect([UNKNOWN_PERSISTENT_TICKS, UNKNOWN_PERSISTENT_REPEAT]).toEqual([60, 12]);
    const events = new RecordingSink();
    let monitor: unknown;
    const reportedAt: number[] = [];
    for (let tick = 1; tick <= 100; tick += 1) {
      const result = recordUnknownTicks(monitor, [worker("w1", "unknown")], { events });
      monitor = result.monitor_state;
      if (result.persistent.length > 0) reportedAt.push(tick);
    }
    expect(reportedAt).toEqual([60, 72, 84, 96]);
    expect(events.named("idle_takeover.unknown_persistent").map((fields) => fields["consecutive_ticks"])).toEqual(
      reportedAt,
    );
  });

  it("counts consecutive ticks only: one readable tick restarts the count", () => {
    let monitor: unknown;
    for (let tick = 1; tick <= 59; tick += 1)
      monitor = recordUnknownTicks(monitor, [worker("w1", "unknown")]).monitor_state;
    monitor = recordUnknownTicks(monitor, [worker("w1", "idle")]).monitor_state;
    const after = recordUnknownTicks(monitor, [worker("w1", "unknown")]);
    expect(after.monitor_state.unknown_ticks).toEqual({ w1: 1 });
    expect(after.persistent).toEqual([]);
  });

  it("keeps separate counters per node, drops nodes no longer listed, and counts a duplicated node once", () => {
    let monitor: unknown = { unknown_ticks: { gone: 40, w1: 5 } };
    monitor = recordUnknownTicks(monitor, [
      worker("w1", "unknown"),
      worker("w1", "unknown"),
      worker("w2", null),
    ]).monitor_state;
    expect((monitor as { unknown_ticks: unknown }).unknown_ticks).toEqual({ w1: 6, w2: 1 });
  });

  it("reads missing fields as null in the event", () => {
    const events = new RecordingSink();
    recordUnknownTicks({ unknown_ticks: { w1: 59 } }, [worker("w1", "unknown")], { events });
    expect(events.named("idle_takeover.unknown_persistent")).toEqual([
      { node_id: "w1", provider: null, auth_mode: null, consecutive_ticks: 60, rollout_path: null },
    ]);
  });
});
