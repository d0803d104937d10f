import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryEventSink } from "../../src/events.js";
import { AgentsRepo } from "../../src/store/agents.js";
import { PersistenceDegradedError } from "../../src/store/errors.js";
import { TeamsRepo } from "../../src/store/teams.js";
import { thrownBy } from "../helpers/errors.js";
import { ManualClock, openTempStore, registerTeam, type TempStore } from "../helpers/temp-store.js";

/** Lets a test act at the moment the store reports a retry (the store sleeps synchronously right after). */
class HookedSink extends MemoryEventSink {
  onEmit: (event: string, fields: Record<string, unknown>) => void = () => {};
  override emit(event: string, fields: Record<string, unknown> = {}): void {
    super.emit(event, fields);
    this.onEmit(event, fields);
  }
}

describe("bounded retries and persistence_degraded (D1)", () => {
  let store: TempStore | undefined;
  let holder: Database.Database | undefined;

  afterEach(() => {
    if (holder?.inTransaction) holder.exec("ROLLBACK");
    holder?.close();
    holder = undefined;
    store?.cleanup();
    store = undefined;
  });

  async function setup(): Promise<{ store: TempStore; sink: HookedSink; holder: Database.Database }> {
    const sink = new HookedSink();
    store = await openTempStore({ events: sink, busyTimeoutMs: 0, retryDelaysMs: [5, 10, 20] });
    registerTeam(store.ctx, "alpha");
    const agents = new AgentsRepo(store.ctx);
    agents.upsert("alpha", "dev", { status: "running", provider: "fake" });
    agents.upsert("alpha", "qa", { status: "running", provider: "fake" });
    new TeamsRepo(store.ctx).setActiveTeam("alpha");
    holder = new Database(store.dbPath);
    holder.pragma("busy_timeout = 0");
    return { store, sink, holder };
  }

  function snapshot(s: TempStore): unknown {
    return {
      teams: s.ctx.db.prepare("SELECT team_id, status, updated_at FROM teams ORDER BY team_id").all(),
      agents: s.ctx.db.prepare("SELECT agent_id, status, updated_at FROM agents ORDER BY agent_id").all(),
      settings: s.ctx.db.prepare("SELECT key, value FROM workspace_settings ORDER BY key").all(),
    };
  }

  it("gives up after the retries with PersistenceDegradedError, one event per retry, and nothing written", async () => {
    const { store, sink, holder } = await setup();
    const before = snapshot(store);
    holder.exec("BEGIN IMMEDIATE");

    const thrown = thrownBy(() => new TeamsRepo(store.ctx).markStopped("alpha"));
    expect(thrown).toBeInstanceOf(PersistenceDegradedError);
    expect((thrown as PersistenceDegradedError).code).toBe("persistence_degraded");
    expect((thrown as PersistenceDegradedError).retriesUsed).toBe(3);

    const retries = sink.named("runtime.state.save_retry");
    expect(retries.map((event) => event["attempt"])).toEqual([1, 2, 3]);
    expect(retries.every((event) => event["phase"] === "teams.mark_stopped")).toBe(true);
    const failed = sink.named("runtime.state.save_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ phase: "teams.mark_stopped", retries_used: 3 });
    expect(String(failed[0]?.["final_errno"])).toMatch(/^SQLITE_BUSY/);

    holder.exec("ROLLBACK");
    // The multi-row shutdown write left no trace: team, agents and active key are as before.
    expect(snapshot(store)).toEqual(before);
  });

  it("succeeds when the lock is released before the retries run out", async () => {
    const { store, sink, holder } = await setup();
    holder.exec("BEGIN IMMEDIATE");
    sink.onEmit = (event, fields) => {
      if (event === "runtime.state.save_retry" && fields["attempt"] === 2) holder.exec("COMMIT");
    };

    const report = new TeamsRepo(store.ctx).markStopped("alpha");
    expect(report).toEqual({ changed: true, agents_stopped: ["dev", "qa"], active_cleared: true });
    expect(sink.named("runtime.state.save_retry").map((event) => event["attempt"])).toEqual([1, 2]);
    expect(sink.named("runtime.state.save_failed")).toEqual([]);
    expect(new TeamsRepo(store.ctx).get("alpha")?.status).toBe("stopped");
    expect(new AgentsRepo(store.ctx).list("alpha").map((agent) => agent.status)).toEqual(["stopped", "stopped"]);
  });

  it("skips an update that would not change the row: false, updated_at kept, no commit reaches the file", async () => {
    const clock = new ManualClock();
    store = await openTempStore({ clock: clock.now });
    registerTeam(store.ctx, "alpha");
    const agents = new AgentsRepo(store.ctx);
    agents.upsert("alpha", "dev", { status: "running", provider: "fake", model: "m1" });
    const created = agents.get("alpha", "dev")!;

    const observer = new Database(store.dbPath, { readonly: true });
    try {
      const version = () => observer.pragma("data_version", { simple: true }) as number;
      const start = version();
      clock.advance(60_000);
      expect(agents.update("alpha", "dev", { status: "running", model: "m1" })).toBe(false);
      expect(agents.setAttrs("alpha", "dev", {})).toBe(false);
      expect(agents.get("alpha", "dev")?.updated_at).toBe(created.updated_at);
      expect(version()).toBe(start);

      expect(agents.update("alpha", "dev", { status: "busy", model: "m1" })).toBe(true);
      expect(agents.get("alpha", "dev")?.updated_at).toBe(clock.iso());
      expect(version()).not.toBe(start);
    } finally {
      observer.close();
    }
  });
});
