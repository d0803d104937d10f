import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryEventSink } from "../../src/events.js";
import { AgentsRepo } from "../../src/store/agents.js";
import type { StoreContext } from "../../src/store/connection.js";
import { StoreTooNewError } from "../../src/store/errors.js";
import { MIGRATIONS, type Migration } from "../../src/store/migrations.js";
import { openStoreContext } from "../../src/store/open.js";
import { useTempDirs } from "../helpers/temp-dir.js";
import { ManualClock, registerTeam } from "../helpers/temp-store.js";

const V1_ONLY: readonly Migration[] = MIGRATIONS.filter((migration) => migration.version === 1);
const WAL_MARKER = "only-in-the-wal-3f9c1d";

const addNotesTable: Migration = {
  version: 2,
  name: "test: agent notes",
  up: (db) => {
    db.exec("CREATE TABLE agent_notes (team_id TEXT NOT NULL, agent_id TEXT NOT NULL, note TEXT NOT NULL)");
    db.exec("ALTER TABLE agents ADD COLUMN note_count INTEGER NOT NULL DEFAULT 0");
  },
};

const failingV2: Migration = {
  version: 2,
  name: "test: fails halfway",
  up: (db) => {
    db.exec("CREATE TABLE half_done (id INTEGER PRIMARY KEY)");
    db.exec("ALTER TABLE agents ADD COLUMN half_done_flag INTEGER");
    throw new Error("migration step exploded");
  },
};

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

function tableNames(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
  ).map((row) => row.name);
}

describe("schema migrations (D1)", () => {
  const temp = useTempDirs();
  let dir: string;
  let dbPath: string;
  const open: StoreContext[] = [];

  beforeEach(() => {
    dir = temp.make("ta-migrate-");
    dbPath = join(dir, "runtime", "team.db");
  });

  // Runs before the temp dir goes (afterEach hooks unwind in reverse order).
  afterEach(() => {
    for (const ctx of open.splice(0)) if (ctx.db.open) ctx.db.close();
  });

  /** A v1 store with committed rows, one of which exists only in the WAL (the connection is left open). */
  async function v1StoreWithWalOnlyRow(): Promise<StoreContext> {
    const { context } = await openStoreContext(dbPath, { migrations: V1_ONLY });
    open.push(context);
    registerTeam(context, "alpha");
    const agents = new AgentsRepo(context);
    agents.upsert("alpha", "dev", { status: "running", provider: "fake" });
    context.db.pragma("wal_checkpoint(TRUNCATE)");
    context.db.pragma("wal_autocheckpoint = 0");
    agents.upsert("alpha", "qa", { status: "running", provider: "fake", model: WAL_MARKER });
    expect(readFileSync(dbPath).includes(WAL_MARKER)).toBe(false);
    expect(readFileSync(`${dbPath}-wal`).includes(WAL_MARKER)).toBe(true);
    return context;
  }

  it("backs up (WAL content included) before migrating an older store, then migrates", async () => {
    await v1StoreWithWalOnlyRow();
    const events = new MemoryEventSink();
    const clock = new ManualClock("2026-06-02T03:04:05.000Z");

    const { context, migration } = await openStoreContext(dbPath, {
      migrations: [...V1_ONLY, addNotesTable],
      events,
      clock: clock.now,
    });
    open.push(context);

    const expectedBackup = `${dbPath}.pre-migration-20260602T030405Z-from-v1.bak`;
    expect(migration).toEqual({ fromVersion: 1, toVersion: 2, backupPath: expectedBackup });
    expect(existsSync(expectedBackup)).toBe(true);
    const backup = new Database(expectedBackup, { readonly: true });
    try {
      expect(backup.pragma("user_version", { simple: true })).toBe(1);
      expect(tableNames(backup)).not.toContain("agent_notes");
      const rows = backup.prepare("SELECT agent_id, model FROM agents ORDER BY agent_id").all();
      expect(rows).toEqual([
        { agent_id: "dev", model: null },
        { agent_id: "qa", model: WAL_MARKER },
      ]);
    } finally {
      backup.close();
    }

    expect(context.db.pragma("user_version", { simple: true })).toBe(2);
    expect(tableNames(context.db)).toContain("agent_notes");
    expect(new AgentsRepo(context).list("alpha").map((agent) => agent.agent_id)).toEqual(["dev", "qa"]);
    expect(context.db.prepare("SELECT note_count FROM agents WHERE agent_id = 'qa'").get()).toEqual({ note_count: 0 });
    expect(events.named("schema.migrated")).toEqual([
      expect.objectContaining({ from_version: 1, to_version: 2, backup_path: expectedBackup }),
    ]);
  });

  it("keeps the pre-migration backup private (0600), like the store itself (D8)", async () => {
    await v1StoreWithWalOnlyRow();
    const { context, migration } = await openStoreContext(dbPath, { migrations: [...V1_ONLY, addNotesTable] });
    open.push(context);
    expect(migration.backupPath).not.toBeNull();
    expect(statSync(migration.backupPath!).mode & 0o777).toBe(0o600);
    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
  });

  it("rolls a failing migration back completely and lets its error through", async () => {
    const first = await v1StoreWithWalOnlyRow();
    first.db.close();
    const probe = new Database(dbPath, { readonly: true });
    const tablesBefore = tableNames(probe);
    const columnsBefore = probe.pragma("table_info(agents)");
    probe.close();

    await expect(openStoreContext(dbPath, { migrations: [...V1_ONLY, failingV2] })).rejects.toThrow(
      "migration step exploded",
    );

    const after = new Database(dbPath, { readonly: true });
    try {
      expect(after.pragma("user_version", { simple: true })).toBe(1);
      expect(tableNames(after)).toEqual(tablesBefore);
      expect(after.pragma("table_info(agents)")).toEqual(columnsBefore);
      expect(after.prepare("SELECT count(*) AS n FROM agents").get()).toEqual({ n: 2 });
    } finally {
      after.close();
    }
    // The store still opens at v1 afterwards.
    const { context } = await openStoreContext(dbPath, { migrations: V1_ONLY });
    open.push(context);
    expect(new AgentsRepo(context).get("alpha", "qa")?.model).toBe(WAL_MARKER);
  });

  it("refuses a store written by a newer schema and leaves the file unchanged", async () => {
    const { context } = await openStoreContext(dbPath);
    registerTeam(context, "alpha");
    context.db.pragma("user_version = 99");
    context.db.close();
    const before = sha256(dbPath);
    const filesBefore = readdirSync(join(dir, "runtime"))
      .filter((name) => !name.endsWith("-shm"))
      .sort();

    const error = await openStoreContext(dbPath).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StoreTooNewError);
    expect((error as StoreTooNewError).code).toBe("store_too_new");
    expect((error as StoreTooNewError).message).toContain(dbPath);
    expect(sha256(dbPath)).toBe(before);
    // No backup was taken and nothing new appeared beside the store.
    expect(
      readdirSync(join(dir, "runtime"))
        .filter((name) => !name.endsWith("-shm") && !name.endsWith("-wal"))
        .sort(),
    ).toEqual(filesBefore.filter((name) => !name.endsWith("-wal")));
  });
});
