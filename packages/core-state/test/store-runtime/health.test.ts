import { beforeEach, describe, expect, it } from "vitest";
import { type TeamRuntimeError, ValidationError } from "../../src/errors.js";
import { AGENT_HEALTH_STATUSES, AgentHealthRepo, type AgentHealthStatus } from "../../src/store/health.js";
import { thrownBy } from "../helpers/errors.js";
import { useTempStore } from "../helpers/temp-store.js";

describe("AgentHealthRepo", () => {
  const store = useTempStore({ teams: ["alpha", "beta"] });
  let health: AgentHealthRepo;
  const count = () => (store.ctx.db.prepare("SELECT count(*) AS n FROM agent_health").get() as { n: number }).n;

  beforeEach(() => {
    health = new AgentHealthRepo(store.ctx);
  });

  it("accepts every documented status and rejects others", () => {
    for (const status of AGENT_HEALTH_STATUSES) {
      expect(health.upsert("alpha", "dev", { status, currentTaskId: status })).toBe(true);
      expect(health.get("alpha", "dev")?.status).toBe(status);
    }
    expect(() => health.upsert("alpha", "dev", { status: "idle" as AgentHealthStatus })).toThrow(ValidationError);
    expect(() => health.upsert("alpha", "dev", { status: "IDLE", lastOutputAt: "yesterday" })).toThrow(ValidationError);
    expect(() => health.upsert("alpha", "dev", { status: "IDLE", contextUsagePct: -1 })).toThrow(ValidationError);
  });

  it("keeps last_output_at when a report carries none, and overwrites the other fields", () => {
    health.upsert("alpha", "dev", {
      status: "WORKING",
      lastOutputAt: "2026-06-01T00:00:00+00:00",
      contextUsagePct: 41.6,
      currentTaskId: "t1",
    });
    expect(health.get("alpha", "dev")).toEqual({
      team_id: "alpha",
      agent_id: "dev",
      status: "WORKING",
      last_output_at: "2026-06-01T00:00:00.000Z",
      context_usage_pct: 42,
      current_task_id: "t1",
      updated_at: store.clock.iso(),
    });
    store.clock.advance(1_000);
    expect(health.upsert("alpha", "dev", { status: "IDLE", lastOutputAt: null })).toBe(true);
    expect(health.get("alpha", "dev")).toMatchObject({
      status: "IDLE",
      last_output_at: "2026-06-01T00:00:00.000Z",
      context_usage_pct: null,
      current_task_id: null,
      updated_at: store.clock.iso(),
    });
    expect(health.upsert("alpha", "dev", { status: "IDLE", lastOutputAt: "2026-06-01T00:05:00.000Z" })).toBe(true);
    expect(health.get("alpha", "dev")?.last_output_at).toBe("2026-06-01T00:05:00.000Z");
  });

  it("skips a report identical to the stored row", () => {
    health.upsert("alpha", "dev", { status: "IDLE", lastOutputAt: "2026-06-01T00:00:00.000Z", currentTaskId: "t1" });
    const first = health.get("alpha", "dev")!.updated_at;
    store.clock.advance(1_000);
    expect(health.upsert("alpha", "dev", { status: "IDLE", currentTaskId: "t1" })).toBe(false);
    expect(
      health.upsert("alpha", "dev", { status: "IDLE", lastOutputAt: "2026-06-01T00:00:00.000Z", currentTaskId: "t1" }),
    ).toBe(false);
    expect(health.get("alpha", "dev")?.updated_at).toBe(first);
  });

  it("reads a team's rows as a map by agent id, scoped to that team", () => {
    health.upsert("alpha", "dev", { status: "IDLE" });
    health.upsert("alpha", "qa", { status: "STUCK" });
    health.upsert("beta", "dev", { status: "ERROR" });
    const alpha = health.read("alpha");
    expect(Object.keys(alpha).sort()).toEqual(["dev", "qa"]);
    expect(alpha["qa"]?.status).toBe("STUCK");
    expect(health.read("beta")).toEqual({ dev: expect.objectContaining({ status: "ERROR", team_id: "beta" }) });
    expect(health.read("gamma")).toEqual({});
  });

  it("delete reports whether a row went away", () => {
    health.upsert("alpha", "dev", { status: "IDLE" });
    expect(health.delete("alpha", "dev")).toBe(true);
    expect(health.delete("alpha", "dev")).toBe(false);
  });

  it("gc removes the team's rows for agents not in the live set and returns their ids", () => {
    for (const id of ["alpha", "beta", "gamma", "delta"]) health.upsert("alpha", id, { status: "IDLE" });
    health.upsert("beta", "gamma", { status: "IDLE" });
    expect(health.gc("alpha", new Set(["alpha", "beta"]))).toEqual(["delta", "gamma"]);
    expect(Object.keys(health.read("alpha")).sort()).toEqual(["alpha", "beta"]);
    // Other teams are out of scope.
    expect(Object.keys(health.read("beta"))).toEqual(["gamma"]);
    expect(health.gc("alpha", [])).toEqual(["alpha", "beta"]);
    expect(health.read("alpha")).toEqual({});
    expect(health.gc("alpha", [])).toEqual([]);
  });

  it("gc validates every live id before touching the table", () => {
    health.upsert("alpha", "dev", { status: "IDLE" });
    health.upsert("alpha", "qa", { status: "IDLE" });
    for (const bad of [["dev", ""], ["dev", null], [undefined], [42]] as unknown[][]) {
      const error = thrownBy(() => health.gc("alpha", bad), JSON.stringify(bad));
      expect(error, JSON.stringify(bad)).toBeInstanceOf(ValidationError);
      expect(count()).toBe(2);
    }
  });

  it("requires a registered team", () => {
    const error = thrownBy<TeamRuntimeError>(() => health.upsert("ghost", "dev", { status: "IDLE" }));
    expect(error.code).toBe("team_not_found");
    expect(() => health.upsert("alpha", "bad id", { status: "IDLE" })).toThrow(ValidationError);
  });
});
