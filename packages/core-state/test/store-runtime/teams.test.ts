import { relative } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { TeamRuntimeError, ValidationError } from "../../src/errors.js";
import { AgentsRepo } from "../../src/store/agents.js";
import { AgentHealthRepo } from "../../src/store/health.js";
import { LeaderBindingRepo } from "../../src/store/leader.js";
import { CoordinatorLeaseRepo } from "../../src/store/lease.js";
import { MonitorStateRepo } from "../../src/store/monitor.js";
import { ACTIVE_TEAM_KEY, WorkspaceSettingsRepo } from "../../src/store/settings.js";
import { TeamsRepo } from "../../src/store/teams.js";
import { thrownBy } from "../helpers/errors.js";
import { registerTeam, useTempStore } from "../helpers/temp-store.js";

function caught(fn: () => unknown): TeamRuntimeError {
  const error = thrownBy(fn, "a TeamRuntimeError");
  expect(error).toBeInstanceOf(TeamRuntimeError);
  return error as TeamRuntimeError;
}

describe("TeamsRepo", () => {
  const store = useTempStore();
  let teams: TeamsRepo;
  const rawRow = (teamId: string) => store.ctx.db.prepare("SELECT * FROM teams WHERE team_id = ?").get(teamId);

  beforeEach(() => {
    teams = new TeamsRepo(store.ctx);
  });

  describe("register", () => {
    it("inserts a new team with defaults", () => {
      const team = teams.register({
        teamId: "alpha",
        sessionName: "team-alpha",
        workspace: "/w",
        specPath: "/w/.team/alpha/team.spec.yaml",
        spec: { team: { name: "alpha" }, agents: [{ id: "dev" }] },
      });
      expect(team).toEqual({
        team_id: "alpha",
        session_name: "team-alpha",
        status: "alive",
        workspace: "/w",
        team_dir: null,
        spec_path: "/w/.team/alpha/team.spec.yaml",
        display_backend: null,
        leader_id: "leader",
        leader_provider: null,
        spec: { team: { name: "alpha" }, agents: [{ id: "dev" }] },
        attrs: {},
        created_at: store.clock.iso(),
        updated_at: store.clock.iso(),
      });
      expect(teams.get("alpha")).toEqual(team);
      expect(teams.get("nobody")).toBeNull();
    });

    it("refreshes an existing team at relaunch, keeping created_at, attrs and fields not given", () => {
      const createdAt = store.clock.iso();
      teams.register({ teamId: "alpha", sessionName: "team-alpha", workspace: "/w", teamDir: "/w/.team/alpha" });
      teams.setAttrs("alpha", { compaction: 2 });
      teams.markStopped("alpha");
      store.clock.advance(60_000);

      const again = teams.register({
        teamId: "alpha",
        sessionName: "team-alpha-2",
        workspace: "/w",
        displayBackend: "tmux",
        leaderId: "boss",
      });
      expect(again).toMatchObject({
        status: "alive",
        session_name: "team-alpha-2",
        team_dir: "/w/.team/alpha",
        display_backend: "tmux",
        leader_id: "boss",
        attrs: { compaction: 2 },
        created_at: createdAt,
        updated_at: store.clock.iso(),
      });
    });

    it("launching team B never alters team A's row, and relaunching A never alters B's", () => {
      registerTeam(store.ctx, "alpha");
      teams.setAttrs("alpha", { note: "a" });
      const alphaBefore = rawRow("alpha");
      store.clock.advance(1_000);
      registerTeam(store.ctx, "beta");
      expect(rawRow("alpha")).toEqual(alphaBefore);

      const betaBefore = rawRow("beta");
      store.clock.advance(1_000);
      teams.register({ teamId: "alpha", sessionName: "team-alpha", workspace: "/w/alpha", specPath: "/new.yaml" });
      expect(rawRow("beta")).toEqual(betaBefore);
      expect(teams.get("alpha")?.spec_path).toBe("/new.yaml");
    });

    it("refuses a tmux session already registered to another team", () => {
      registerTeam(store.ctx, "alpha");
      const error = caught(() => teams.register({ teamId: "beta", sessionName: "team-alpha", workspace: "/w" }));
      expect(error.code).toBe("team_session_conflict");
      expect(error.message).toContain('"alpha"');
      expect(teams.get("beta")).toBeNull();
    });

    it("validates team and leader ids", () => {
      expect(() => teams.register({ teamId: "../x", sessionName: "s", workspace: "/w" })).toThrow(ValidationError);
      expect(() => teams.register({ teamId: "ok", sessionName: "s", workspace: "/w", leaderId: "a b" })).toThrow(
        ValidationError,
      );
      expect(() => teams.get("a;b")).toThrow(ValidationError);
    });
  });

  it("lists teams by id, optionally by status (case-insensitive)", () => {
    registerTeam(store.ctx, "beta");
    registerTeam(store.ctx, "alpha");
    registerTeam(store.ctx, "gamma");
    teams.update("gamma", { status: "STOPPED" });
    expect(teams.list().map((team) => team.team_id)).toEqual(["alpha", "beta", "gamma"]);
    expect(teams.list({ status: "alive" }).map((team) => team.team_id)).toEqual(["alpha", "beta"]);
    expect(teams.list({ status: "stopped" }).map((team) => team.team_id)).toEqual(["gamma"]);
  });

  it("updates only changed columns and reports unknown teams", () => {
    registerTeam(store.ctx, "alpha");
    store.clock.advance(1_000);
    expect(teams.update("alpha", { display_backend: "adaptive", spec: { v: 1 } })).toBe(true);
    expect(teams.get("alpha")).toMatchObject({
      display_backend: "adaptive",
      spec: { v: 1 },
      updated_at: store.clock.iso(),
    });
    const changedAt = store.clock.iso();
    store.clock.advance(1_000);
    expect(teams.update("alpha", { display_backend: "adaptive", spec: { v: 1 } })).toBe(false);
    expect(teams.get("alpha")?.updated_at).toBe(changedAt);
    expect(caught(() => teams.update("nobody", { status: "alive" })).code).toBe("team_not_found");
    expect(() => teams.update("alpha", { attrs: {} } as never)).toThrow(ValidationError);
    expect(() => teams.update("alpha", { leader_id: "bad id" })).toThrow(ValidationError);
  });

  it("merges attrs, removing keys set to null", () => {
    registerTeam(store.ctx, "alpha");
    expect(teams.setAttrs("alpha", { a: 1, b: { c: [1] } })).toBe(true);
    expect(teams.setAttrs("alpha", { a: null, d: "x" })).toBe(true);
    expect(teams.setAttrs("alpha", { d: "x" })).toBe(false);
    expect(teams.get("alpha")?.attrs).toEqual({ b: { c: [1] }, d: "x" });
    expect(caught(() => teams.setAttrs("nobody", { a: 1 })).code).toBe("team_not_found");
  });

  it("markStopped stops the team and its agents (paused stay paused) and clears the active key", () => {
    registerTeam(store.ctx, "alpha");
    registerTeam(store.ctx, "beta");
    const agents = new AgentsRepo(store.ctx);
    agents.upsert("alpha", "dev", { status: "running", provider: "fake" });
    agents.upsert("alpha", "ops", { status: "paused", provider: "fake" });
    agents.upsert("beta", "qa", { status: "running", provider: "fake" });
    teams.setActiveTeam("alpha");

    expect(teams.markStopped("alpha")).toEqual({ changed: true, agents_stopped: ["dev"], active_cleared: true });
    expect(teams.get("alpha")?.status).toBe("stopped");
    expect(agents.list("alpha").map((agent) => [agent.agent_id, agent.status])).toEqual([
      ["dev", "stopped"],
      ["ops", "paused"],
    ]);
    expect(agents.get("beta", "qa")?.status).toBe("running");
    expect(teams.activeTeamId()).toBeNull();
    expect(teams.markStopped("alpha")).toEqual({ changed: false, agents_stopped: [], active_cleared: false });

    // Stopping a team that is not the active one leaves the active key alone.
    teams.setActiveTeam("beta");
    teams.register({ teamId: "alpha", sessionName: "team-alpha", workspace: "/w/alpha" });
    expect(teams.markStopped("alpha").active_cleared).toBe(false);
    expect(teams.activeTeamId()).toBe("beta");
  });

  it("markStopped of an unknown team is team_not_found", () => {
    expect(caught(() => teams.markStopped("gamma")).code).toBe("team_not_found");
  });

  it("delete removes the team and everything that references it", () => {
    registerTeam(store.ctx, "alpha");
    registerTeam(store.ctx, "beta");
    new AgentsRepo(store.ctx).upsert("alpha", "dev", { status: "running", provider: "fake" });
    new AgentsRepo(store.ctx).upsert("beta", "dev", { status: "running", provider: "fake" });
    new LeaderBindingRepo(store.ctx).bind("alpha", {
      paneId: "%1",
      provider: "codex",
      machineFingerprint: "fp",
      osUser: "me",
      claimedVia: "launch",
    });
    new CoordinatorLeaseRepo(store.ctx).acquire("alpha", { holderId: "d1", pid: 1, hostname: "h", ttlMs: 1_000 });
    new MonitorStateRepo(store.ctx).set("alpha", "unknown_ticks", { dev: 1 });
    new AgentHealthRepo(store.ctx).upsert("alpha", "dev", { status: "IDLE" });
    teams.setActiveTeam("alpha");

    expect(teams.delete("alpha")).toBe(true);
    expect(teams.delete("alpha")).toBe(false);
    const count = (table: string) =>
      (store.ctx.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE team_id = 'alpha'`).get() as { n: number }).n;
    for (const table of ["agents", "leader_bindings", "coordinator_leases", "coordinator_monitor", "agent_health"]) {
      expect(count(table), table).toBe(0);
    }
    expect(new AgentsRepo(store.ctx).list("beta")).toHaveLength(1);
    expect(new WorkspaceSettingsRepo(store.ctx).has(ACTIVE_TEAM_KEY)).toBe(false);
  });

  it("setActiveTeam requires a registered team", () => {
    expect(caught(() => teams.setActiveTeam("nobody")).code).toBe("team_not_found");
    registerTeam(store.ctx, "alpha");
    expect(teams.setActiveTeam("alpha")).toBe(true);
    expect(teams.activeTeamId()).toBe("alpha");
    expect(teams.setActiveTeam(null)).toBe(true);
    expect(teams.activeTeamId()).toBeNull();
  });

  describe("selectTeam (§2.2)", () => {
    it("without teams is unresolved with the no-state sentence", () => {
      const error = caught(() => teams.selectTeam());
      expect(error.code).toBe("team_target_unresolved");
      expect(error.message).toContain("No team state was found.");
    });

    it("picks the single alive team without an active key", () => {
      registerTeam(store.ctx, "alpha");
      registerTeam(store.ctx, "beta");
      teams.markStopped("beta");
      expect(teams.selectTeam().team_id).toBe("alpha");
      expect(teams.selectTeam("").team_id).toBe("alpha");
    });

    it("is ambiguous with two alive teams and no active key, listing sorted candidates with their agents", () => {
      registerTeam(store.ctx, "beta");
      registerTeam(store.ctx, "alpha");
      new AgentsRepo(store.ctx).upsert("alpha", "qa", { status: "running", provider: "fake" });
      new AgentsRepo(store.ctx).upsert("alpha", "dev", { status: "running", provider: "fake" });
      const error = caught(() => teams.selectTeam());
      expect(error.code).toBe("team_target_ambiguous");
      expect(error.message).toContain(
        "Candidates: alpha session=team-alpha agents=dev,qa; beta session=team-beta agents=-",
      );
      expect(error.action).toContain("--team <team>");
      expect(error.details["candidates"]).toEqual(["alpha", "beta"]);
    });

    it("prefers the active team when it is alive, and ignores a stale active key", () => {
      registerTeam(store.ctx, "alpha");
      registerTeam(store.ctx, "beta");
      registerTeam(store.ctx, "gamma");
      teams.setActiveTeam("beta");
      expect(teams.selectTeam().team_id).toBe("beta");

      // An active key naming a team that is no longer alive does not count.
      teams.update("beta", { status: "shutdown" });
      expect(caught(() => teams.selectTeam()).details["candidates"]).toEqual(["alpha", "gamma"]);
      teams.update("gamma", { status: "stopped" });
      expect(teams.selectTeam().team_id).toBe("alpha");
    });

    it("treats status case-insensitively", () => {
      registerTeam(store.ctx, "alpha");
      teams.update("alpha", { status: "ALIVE" });
      expect(teams.selectTeam().team_id).toBe("alpha");
    });

    it("matches a selector against team id, session name and team dir of alive teams", () => {
      registerTeam(store.ctx, "alpha", { teamDir: `${store.dir}/ws/.team/alpha` });
      registerTeam(store.ctx, "beta");
      expect(teams.selectTeam("alpha").team_id).toBe("alpha");
      expect(teams.selectTeam("team-beta").team_id).toBe("beta");
      expect(teams.selectTeam(`${store.dir}/ws/.team/alpha`).team_id).toBe("alpha");
      expect(teams.selectTeam(relative(process.cwd(), `${store.dir}/ws/.team/alpha`)).team_id).toBe("alpha");
    });

    it("does not select a stopped team by selector", () => {
      registerTeam(store.ctx, "alpha");
      registerTeam(store.ctx, "beta");
      teams.markStopped("beta");
      const error = caught(() => teams.selectTeam("beta"));
      expect(error.code).toBe("team_target_unresolved");
      expect(error.message).toBe('team "beta" not found. Candidates: alpha session=team-alpha agents=-');
      expect(error.details).toMatchObject({ team: "beta", candidates: ["alpha"] });
    });

    it("is ambiguous when the selector matches several teams in different fields", () => {
      teams.register({ teamId: "x", sessionName: "team-x", workspace: "/w" });
      teams.register({ teamId: "y", sessionName: "x", workspace: "/w" });
      registerTeam(store.ctx, "z");
      const error = caught(() => teams.selectTeam("x"));
      expect(error.code).toBe("team_target_ambiguous");
      expect(error.details["candidates"]).toEqual(["x", "y"]);
      expect(error.message).toContain("Candidates: x session=team-x agents=-; y session=x agents=-");
    });
  });
});
