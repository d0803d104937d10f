import { beforeEach, describe, expect, it } from "vitest";
import { type TeamRuntimeError, ValidationError } from "../../src/errors.js";
import { MonitorStateRepo } from "../../src/store/monitor.js";
import { thrownBy } from "../helpers/errors.js";
import { useTempStore } from "../helpers/temp-store.js";

describe("MonitorStateRepo", () => {
  const store = useTempStore({ teams: ["alpha", "beta"] });
  let monitor: MonitorStateRepo;
  const updatedAt = (key: string) =>
    (
      store.ctx.db
        .prepare("SELECT updated_at FROM coordinator_monitor WHERE team_id = 'alpha' AND key = ?")
        .get(key) as {
        updated_at: string;
      }
    ).updated_at;

  beforeEach(() => {
    monitor = new MonitorStateRepo(store.ctx);
  });

  it("stores JSON values per team and key", () => {
    const idle = { all_idle_since: store.clock.iso(), pinged_for_episode: null, armed: true };
    expect(monitor.set("alpha", "idle_takeover_monitor", idle)).toBe(true);
    expect(monitor.set("alpha", "unknown_ticks", { dev: 3 })).toBe(true);
    expect(monitor.set("alpha", "last_stuck_push_at:dev-1", store.clock.iso())).toBe(true);
    expect(monitor.set("beta", "unknown_ticks", { qa: 1 })).toBe(true);

    expect(monitor.get("alpha", "idle_takeover_monitor")).toEqual(idle);
    expect(monitor.get("alpha", "missing")).toBeUndefined();
    expect(monitor.getAll("alpha")).toEqual({
      idle_takeover_monitor: idle,
      "last_stuck_push_at:dev-1": store.clock.iso(),
      unknown_ticks: { dev: 3 },
    });
    expect(monitor.getAll("beta")).toEqual({ unknown_ticks: { qa: 1 } });
  });

  it("skips a set that stores the same value", () => {
    monitor.set("alpha", "suppressed_idle_alerts", { alpha: { dev: { idle: { expires_at: "x" } } } });
    const first = updatedAt("suppressed_idle_alerts");
    store.clock.advance(1_000);
    expect(monitor.set("alpha", "suppressed_idle_alerts", { alpha: { dev: { idle: { expires_at: "x" } } } })).toBe(
      false,
    );
    expect(updatedAt("suppressed_idle_alerts")).toBe(first);
    expect(monitor.set("alpha", "suppressed_idle_alerts", {})).toBe(true);
    expect(updatedAt("suppressed_idle_alerts")).toBe(store.clock.iso());
  });

  it("update reads and writes one key in a single transaction; undefined deletes it", () => {
    const bump = (ticks: Record<string, number> | undefined) => ({ ...ticks, dev: (ticks?.["dev"] ?? 0) + 1 });
    expect(monitor.update("alpha", "unknown_ticks", bump)).toBe(true);
    expect(monitor.update("alpha", "unknown_ticks", bump)).toBe(true);
    expect(monitor.get("alpha", "unknown_ticks")).toEqual({ dev: 2 });
    expect(monitor.update("alpha", "unknown_ticks", (ticks) => ticks)).toBe(false);
    expect(monitor.update("alpha", "unknown_ticks", () => undefined)).toBe(true);
    expect(monitor.get("alpha", "unknown_ticks")).toBeUndefined();
  });

  it("an update whose callback throws writes nothing", () => {
    monitor.set("alpha", "unknown_ticks", { dev: 1 });
    expect(() =>
      monitor.update("alpha", "unknown_ticks", () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(monitor.get("alpha", "unknown_ticks")).toEqual({ dev: 1 });
  });

  it("deletes keys", () => {
    monitor.set("alpha", "idle_acknowledged", { alpha: { ttl_seconds: 1800 } });
    expect(monitor.delete("alpha", "idle_acknowledged")).toBe(true);
    expect(monitor.delete("alpha", "idle_acknowledged")).toBe(false);
  });

  it("validates keys, values and the team", () => {
    expect(() => monitor.set("alpha", "", 1)).toThrow(ValidationError);
    expect(() => monitor.set("alpha", "a b", 1)).toThrow(ValidationError);
    expect(() => monitor.set("alpha", "k", undefined)).toThrow(ValidationError);
    expect(() => monitor.get("bad id", "k")).toThrow(ValidationError);
    const error = thrownBy<TeamRuntimeError>(() => monitor.set("ghost", "k", 1));
    expect(error.code).toBe("team_not_found");
  });
});
