import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TeamRuntimeError, ValidationError } from "../../src/errors.js";
import { AgentsRepo } from "../../src/store/agents.js";
import type { StoreContext } from "../../src/store/connection.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/store/migrations.js";
import { openStoreContext } from "../../src/store/open.js";
import { RuntimeStore } from "../../src/store/runtime-store.js";
import { isTerminalTaskStatus, type TaskInput, TasksRepo } from "../../src/store/tasks.js";
import { TeamsRepo } from "../../src/store/teams.js";
import { thrownBy } from "../helpers/errors.js";
import { useTempDirs } from "../helpers/temp-dir.js";
import { ManualClock, registerTeam, useTempStore } from "../helpers/temp-store.js";

const codeOf = (fn: () => unknown): string => thrownBy<TeamRuntimeError>(fn).code;

describe("TasksRepo", () => {
  const store = useTempStore({ teams: ["alpha", "beta"] });
  let tasks: TasksRepo;

  beforeEach(() => {
    tasks = new TasksRepo(store.ctx);
  });

  it("upsert adds a pending task with its whole entry as spec, in insertion order", () => {
    const first = tasks.upsert("alpha", {
      id: "t1",
      title: "Parse",
      assignee: "dev",
      type: "implementation",
      deps: [],
    });
    expect(first).toEqual({
      created: true,
      changed: true,
      refusedStatus: null,
      task: {
        team_id: "alpha",
        task_id: "t1",
        title: "Parse",
        assignee: "dev",
        status: "pending",
        accepted_result_id: null,
        spec: { id: "t1", title: "Parse", assignee: "dev", type: "implementation", deps: [], status: "pending" },
        seq: 1,
        created_at: store.clock.iso(),
        updated_at: store.clock.iso(),
      },
    });
    tasks.upsert("alpha", { id: "t0", status: "ready" });
    tasks.upsert("beta", { id: "t9" });
    expect(tasks.list("alpha").map((task) => [task.task_id, task.seq, task.status, task.title])).toEqual([
      ["t1", 1, "pending", "Parse"],
      ["t0", 2, "ready", null],
    ]);
    expect(tasks.list("beta").map((task) => [task.task_id, task.seq])).toEqual([["t9", 1]]);
    expect(tasks.get("alpha", "t9")).toBeNull();
    expect(tasks.list("gamma")).toEqual([]);
  });

  it("upsert of a known task merges fields, keeps seq and created_at, and skips a write that changes nothing", () => {
    const createdAt = store.clock.iso();
    tasks.upsert("alpha", { id: "t1", title: "Parse", assignee: "dev", risk: "low" });
    tasks.upsert("alpha", { id: "t2" });
    store.clock.advance(1_000);

    const same = tasks.upsert("alpha", { id: "t1", title: "Parse", assignee: "dev" });
    expect(same).toMatchObject({ created: false, changed: false, task: { updated_at: createdAt } });

    const merged = tasks.upsert("alpha", { id: "t1", assignee: null, risk: "high", files: ["src/a.ts"] });
    expect(merged.changed).toBe(true);
    expect(merged.task).toMatchObject({
      title: "Parse",
      assignee: null,
      seq: 1,
      created_at: createdAt,
      updated_at: store.clock.iso(),
      spec: { id: "t1", title: "Parse", assignee: null, risk: "high", files: ["src/a.ts"], status: "pending" },
    });
    expect(tasks.get("alpha", "t1")).toEqual(merged.task);
  });

  it("never moves a finished task back through upsert, but still merges its other fields", () => {
    tasks.upsert("alpha", { id: "t1", title: "Parse", status: "running" });
    tasks.setStatus("alpha", "t1", "done", { acceptedResultId: "res_0123456789ab" });

    const replay = tasks.upsert("alpha", { id: "t1", title: "Parse v2", status: "pending" });
    expect(replay.refusedStatus).toBe("pending");
    expect(replay.task).toMatchObject({
      status: "done",
      title: "Parse v2",
      accepted_result_id: "res_0123456789ab",
      spec: { status: "done", title: "Parse v2", accepted_result_id: "res_0123456789ab" },
    });
    expect(store.events.named("task.status_regression_refused")).toEqual([
      expect.objectContaining({ team_id: "alpha", task_id: "t1", status: "done", offered_status: "pending" }),
    ]);

    // One finished state may replace another: that is a decision, not a replayed stale list.
    expect(tasks.upsert("alpha", { id: "t1", status: "Cancelled " })).toMatchObject({
      refusedStatus: null,
      task: { status: "cancelled" },
    });
    // A status written by a lead is compared after trimming and lower-casing; `completed` counts as finished.
    tasks.upsert("alpha", { id: "t2", status: " Completed" });
    expect(tasks.upsert("alpha", { id: "t2", status: "running" }).task.status).toBe("completed");
    // Non-terminal statuses move freely.
    tasks.upsert("alpha", { id: "t3", status: "running" });
    expect(tasks.upsert("alpha", { id: "t3", status: "blocked" }).task.status).toBe("blocked");
  });

  it("decides terminal statuses after normalising case and spaces", () => {
    expect(["done", "DONE", " failed ", "cancelled", "completed"].every(isTerminalTaskStatus)).toBe(true);
    expect(["pending", "ready", "running", "blocked", "needs_retry", "doneish"].some(isTerminalTaskStatus)).toBe(false);
  });

  it("setStatus applies any status, records the accepted result, and reports no-ops", () => {
    tasks.upsert("alpha", { id: "t1", status: "running", retry_count: 0 });
    store.clock.advance(1_000);
    expect(tasks.setStatus("alpha", "t1", "done", { acceptedResultId: "res_aaaaaaaaaaaa" })).toBe(true);
    expect(tasks.get("alpha", "t1")).toMatchObject({
      status: "done",
      accepted_result_id: "res_aaaaaaaaaaaa",
      updated_at: store.clock.iso(),
      spec: { id: "t1", status: "done", retry_count: 0, accepted_result_id: "res_aaaaaaaaaaaa" },
    });
    expect(tasks.setStatus("alpha", "t1", "DONE")).toBe(false);
    // The collector may re-open a task (e.g. a later failed result → needs_retry); only upsert guards.
    expect(tasks.setStatus("alpha", "t1", "needs_retry", { acceptedResultId: null })).toBe(true);
    expect(tasks.get("alpha", "t1")).toMatchObject({ status: "needs_retry", accepted_result_id: null });

    expect(codeOf(() => tasks.setStatus("alpha", "ghost", "done"))).toBe("task_not_found");
    expect(codeOf(() => tasks.setStatus("beta", "t1", "done"))).toBe("task_not_found");
    expect(codeOf(() => tasks.setStatus("alpha", "t1", "  "))).toBe("invalid_task");
  });

  it("inferForAgent picks the most recently added unfinished task of that agent", () => {
    expect(tasks.inferForAgent("alpha", "dev")).toBeNull();
    tasks.upsert("alpha", { id: "t1", assignee: "dev" });
    tasks.upsert("alpha", { id: "t2", assignee: "dev", status: "running" });
    tasks.upsert("alpha", { id: "t3", assignee: "qa" });
    tasks.upsert("beta", { id: "t4", assignee: "dev" });
    expect(tasks.inferForAgent("alpha", "dev")?.task_id).toBe("t2");

    // Re-upserting an older task does not make it newer: "added" is insertion order.
    tasks.upsert("alpha", { id: "t1", title: "touched" });
    expect(tasks.inferForAgent("alpha", "dev")?.task_id).toBe("t2");

    tasks.setStatus("alpha", "t2", "done");
    expect(tasks.inferForAgent("alpha", "dev")?.task_id).toBe("t1");
    tasks.setStatus("alpha", "t1", "cancelled");
    expect(tasks.inferForAgent("alpha", "dev")).toBeNull();
    expect(tasks.inferForAgent("alpha", "qa")?.task_id).toBe("t3");
    expect(tasks.inferForAgent("beta", "dev")?.task_id).toBe("t4");
  });

  it("seedFromSpec adds only missing tasks and leaves stored progress alone", () => {
    tasks.upsert("alpha", { id: "t2", title: "Review", assignee: "qa" });
    tasks.setStatus("alpha", "t2", "done");
    const specTasks: TaskInput[] = [
      {
        id: "t1",
        title: "Build",
        type: "implementation",
        assignee: "dev",
        deps: [],
        acceptance: [],
        status: "pending",
      },
      { id: "t2", title: "Review", type: "review", assignee: "qa", deps: ["t1"], acceptance: [], status: "pending" },
      {
        id: "t3",
        title: "Ship",
        type: "implementation",
        assignee: "dev",
        deps: ["t2"],
        acceptance: [],
        status: "ready",
      },
    ];
    expect(tasks.seedFromSpec("alpha", specTasks)).toEqual(["t1", "t3"]);
    expect(tasks.list("alpha").map((task) => [task.task_id, task.seq, task.status])).toEqual([
      ["t2", 1, "done"],
      ["t1", 2, "pending"],
      ["t3", 3, "ready"],
    ]);
    expect(tasks.get("alpha", "t3")?.spec).toEqual(specTasks[2]);
    expect(tasks.seedFromSpec("alpha", specTasks)).toEqual([]);
  });

  it("seedFromSpec validates every task before writing any", () => {
    const error = thrownBy<ValidationError>(() =>
      tasks.seedFromSpec("alpha", [{ id: "t1" }, { id: "bad id" }, { id: "t3", assignee: "../x" }]),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("invalid_task");
    expect(error.problems.map((problem) => problem.pointer)).toEqual(["/1/id"]);
    expect(error.problems[0]?.message).toContain("invalid task id");
    expect(tasks.list("alpha")).toEqual([]);
  });

  it("refuses unsafe ids, odd field types, values JSON cannot hold, and unregistered teams", () => {
    const problemsOf = (task: unknown) =>
      thrownBy<ValidationError>(() => tasks.upsert("alpha", task as TaskInput)).problems.map((p) => p.pointer);
    expect(problemsOf({ id: "a/b" })).toEqual(["/id"]);
    expect(problemsOf({ title: "no id" })).toEqual(["/id"]);
    expect(problemsOf({ id: "t1", assignee: "dev; rm -rf" })).toEqual(["/assignee"]);
    expect(problemsOf({ id: "t1", title: 7, status: "" })).toEqual(["/title", "/status"]);
    expect(problemsOf({ id: "t1", budget: 10n })).toEqual(["/budget"]);
    expect(() => tasks.upsert("alpha", ["t1"] as never)).toThrow(ValidationError);
    expect(() => tasks.upsert("../alpha", { id: "t1" })).toThrow(ValidationError);
    expect(() => tasks.get("alpha", "t 1")).toThrow(ValidationError);
    expect(() => tasks.inferForAgent("alpha", "")).toThrow(ValidationError);
    expect(codeOf(() => tasks.upsert("gamma", { id: "t1" }))).toBe("team_not_found");
    expect(codeOf(() => tasks.seedFromSpec("gamma", [{ id: "t1" }]))).toBe("team_not_found");
    expect(tasks.list("alpha")).toEqual([]);
  });

  it("removes a team's tasks with the team", () => {
    tasks.upsert("alpha", { id: "t1" });
    tasks.upsert("beta", { id: "t1" });
    new TeamsRepo(store.ctx).delete("alpha");
    expect(tasks.list("alpha")).toEqual([]);
    expect(tasks.list("beta").map((task) => task.task_id)).toEqual(["t1"]);
  });
});

describe("tasks in the runtime store", () => {
  const temp = useTempDirs();
  const open: Array<{ close(): void }> = [];

  afterEach(() => {
    for (const handle of open.splice(0)) handle.close();
  });

  function track(context: StoreContext): StoreContext {
    open.push({ close: () => context.db.open && context.db.close() });
    return context;
  }

  it("RuntimeStore exposes the repo on a fresh workspace", async () => {
    const store = await RuntimeStore.openWorkspace(temp.make("ta-tasks-"));
    open.push(store);
    store.teams.register({ teamId: "alpha", sessionName: "team-alpha", workspace: "/w" });
    store.tasks.upsert("alpha", { id: "t1", assignee: "dev" });
    expect(store.tasks.inferForAgent("alpha", "dev")?.task_id).toBe("t1");
    expect(store.migration).toMatchObject({ fromVersion: 0, toVersion: SCHEMA_VERSION, backupPath: null });
  });

  it("upgrades a v1 store to v2 after a backup, keeping its rows", async () => {
    const dbPath = join(temp.make("ta-tasks-migrate-"), "runtime", "team.db");
    const v1 = track(
      (await openStoreContext(dbPath, { migrations: MIGRATIONS.filter((migration) => migration.version === 1) }))
        .context,
    );
    registerTeam(v1, "alpha");
    new AgentsRepo(v1).upsert("alpha", "dev", { status: "running", provider: "fake" });
    v1.db.close();

    const clock = new ManualClock("2026-07-01T08:09:10.000Z");
    const { context, migration } = await openStoreContext(dbPath, { clock: clock.now });
    track(context);
    const backupPath = `${dbPath}.pre-migration-20260701T080910Z-from-v1.bak`;
    expect(SCHEMA_VERSION).toBe(2);
    expect(migration).toEqual({ fromVersion: 1, toVersion: 2, backupPath });
    expect(existsSync(backupPath)).toBe(true);
    const backup = new Database(backupPath, { readonly: true });
    try {
      expect(backup.pragma("user_version", { simple: true })).toBe(1);
      expect(backup.prepare("SELECT name FROM sqlite_master WHERE name = 'tasks'").get()).toBeUndefined();
    } finally {
      backup.close();
    }

    expect(new AgentsRepo(context).get("alpha", "dev")?.status).toBe("running");
    const tasks = new TasksRepo(context);
    tasks.upsert("alpha", { id: "t1", assignee: "dev" });
    expect(tasks.inferForAgent("alpha", "dev")?.task_id).toBe("t1");
    const indexes = context.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks'");
    expect(indexes.all()).toContainEqual({ name: "idx_tasks_team_assignee_seq" });
  });
});
