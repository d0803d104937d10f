import { chmodSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { TeamRuntimeError } from "../errors.js";
import { type EventSink, nullEventSink } from "../events.js";
import { type Clock, fileStamp, systemClock } from "../time.js";
import { SECRET_FILE_MODE } from "../workspace.js";
import { type Db, DEFAULT_BUSY_TIMEOUT_MS, StoreContext } from "./connection.js";
import { CorruptStoreError, classifySqliteError, REPAIR_STORE_COMMAND, UnreadableStoreError } from "./errors.js";
import { type Migration, type MigrationReport, migrate } from "./migrations.js";

export interface OpenStoreOptions {
  clock?: Clock;
  events?: EventSink;
  busyTimeoutMs?: number;
  retryDelaysMs?: readonly number[];
  /** For tests of the migration path only. */
  migrations?: readonly Migration[];
}

export interface OpenedStore {
  context: StoreContext;
  migration: MigrationReport;
}

/**
 * Opens (creating if needed) the SQLite store at `dbPath` with WAL, busy_timeout and foreign keys, checks that
 * the file is a readable database, and migrates it. A broken file raises CorruptStoreError and is not touched.
 */
export async function openStoreContext(dbPath: string, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const clock = options.clock ?? systemClock;
  const events = options.events ?? nullEventSink;
  mkdirSync(dirname(dbPath), { recursive: true, mode: 0o700 });
  const created = !existsSync(dbPath);
  const db = connect(dbPath, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  try {
    if (created) chmodSync(dbPath, SECRET_FILE_MODE);
    const migration = await migrate(db, dbPath, {
      clock,
      events,
      ...(options.migrations ? { migrations: options.migrations } : {}),
    });
    const context = new StoreContext(db, dbPath, {
      clock,
      events,
      ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    });
    return { context, migration };
  } catch (error) {
    db.close();
    if (classifySqliteError(error) === "corrupt") throw new CorruptStoreError(dbPath, error);
    throw error;
  }
}

function connect(dbPath: string, busyTimeoutMs: number): Db {
  let db: Db;
  try {
    db = new Database(dbPath);
  } catch (error) {
    throw new UnreadableStoreError(dbPath, error);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    // Reading the schema forces SQLite to parse the header: a non-database file fails here, not later.
    db.prepare("SELECT count(*) AS n FROM sqlite_master").get();
    return db;
  } catch (error) {
    db.close();
    if (classifySqliteError(error) === "corrupt") throw new CorruptStoreError(dbPath, error);
    throw new UnreadableStoreError(dbPath, error);
  }
}

export type StoreHealth =
  | { status: "missing"; db_path: string }
  | { status: "ok"; db_path: string; schema_version: number }
  | { status: "corrupt"; db_path: string; error: string; action: string };

/** Read-only check for `doctor`: never creates, migrates or repairs the file. */
export function inspectStore(dbPath: string): StoreHealth {
  if (!existsSync(dbPath)) return { status: "missing", db_path: dbPath };
  let db: Db | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: "SQLITE_CORRUPT" });
    return { status: "ok", db_path: dbPath, schema_version: db.pragma("user_version", { simple: true }) as number };
  } catch (error) {
    return {
      status: "corrupt",
      db_path: dbPath,
      error: error instanceof Error ? error.message : String(error),
      action: `Run \`${REPAIR_STORE_COMMAND}\`.`,
    };
  } finally {
    db?.close();
  }
}

export interface RepairReport {
  db_path: string;
  moved_to: string[];
  previous_status: StoreHealth["status"];
}

/**
 * The explicit repair path of D1: moves a corrupt store (and its -wal/-shm companions) aside as
 * `team.db.corrupt-<timestamp>` and leaves the path free for a fresh store. A healthy store is refused unless
 * `force` is set, so repair can never destroy good data by accident.
 */
export function repairStore(dbPath: string, options: { force?: boolean; clock?: Clock } = {}): RepairReport {
  const health = inspectStore(dbPath);
  if (health.status === "missing") return { db_path: dbPath, moved_to: [], previous_status: "missing" };
  if (health.status === "ok" && !options.force) {
    throw new TeamRuntimeError(
      "store_healthy",
      `the team store ${dbPath} is healthy (schema v${health.schema_version}); refusing to move it aside`,
      "Nothing to repair. Pass --force only if you really want to start from an empty store (the old file is kept).",
    );
  }
  const stamp = fileStamp(options.clock ?? systemClock);
  const movedTo: string[] = [];
  for (const suffix of ["", "-wal", "-shm"]) {
    const from = `${dbPath}${suffix}`;
    if (!existsSync(from)) continue;
    const to = `${dbPath}.corrupt-${stamp}${suffix}`;
    renameSync(from, to);
    movedTo.push(to);
  }
  return { db_path: dbPath, moved_to: movedTo, previous_status: health.status };
}
