import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import type { EventSink } from "../events.js";
import { type Clock, fileStamp } from "../time.js";
import { SECRET_FILE_MODE } from "../workspace.js";
import type { Db } from "./connection.js";
import { StoreTooNewError } from "./errors.js";
import { MESSAGING_TABLES_V1 } from "./schema-messaging.js";
import { RUNTIME_TABLES_V1 } from "./schema-runtime.js";
import { TASK_TABLES_V2 } from "./schema-tasks.js";

/** One numbered schema step. `up` runs inside the migration transaction; it must not commit. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Db): void;
}

/** Ordered, append-only. Never edit a released migration: add the next number. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial runtime and messaging tables",
    up: (db) => {
      db.exec(RUNTIME_TABLES_V1);
      db.exec(MESSAGING_TABLES_V1);
    },
  },
  {
    version: 2,
    name: "task list",
    up: (db) => {
      db.exec(TASK_TABLES_V2);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export interface MigrationReport {
  fromVersion: number;
  toVersion: number;
  backupPath: string | null;
}

export function readUserVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}

function hasUserTables(db: Db): boolean {
  const row = db
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .get() as {
    n: number;
  };
  return row.n > 0;
}

export function backupPathFor(dbPath: string, fromVersion: number, clock: Clock): string {
  const base = `${dbPath}.pre-migration-${fileStamp(clock)}-from-v${fromVersion}`;
  let candidate = `${base}.bak`;
  for (let n = 2; existsSync(candidate); n += 1) candidate = `${base}-${n}.bak`;
  return candidate;
}

/**
 * Brings the store to the newest schema. A store that already holds data is first copied with SQLite's online
 * backup API (which includes WAL content); the steps then run in one IMMEDIATE transaction, so a crash leaves
 * the complete old schema or the complete new one. A concurrent opener that migrated first makes this a no-op.
 */
export async function migrate(
  db: Db,
  dbPath: string,
  options: { clock: Clock; events: EventSink; migrations?: readonly Migration[] },
): Promise<MigrationReport> {
  const migrations = options.migrations ?? MIGRATIONS;
  const target = migrations.at(-1)?.version ?? 0;
  const current = readUserVersion(db);
  if (current > target) throw new StoreTooNewError(dbPath, current, target);
  if (current === target) return { fromVersion: current, toVersion: current, backupPath: null };

  let backupPath: string | null = null;
  if (current > 0 || hasUserTables(db)) {
    backupPath = backupPathFor(dbPath, current, options.clock);
    // D8: the copy holds everything the 0600 store holds, so it is private from its first byte too.
    closeSync(openSync(backupPath, "a", SECRET_FILE_MODE));
    await db.backup(backupPath);
    chmodSync(backupPath, SECRET_FILE_MODE);
  }

  let fromVersion = current;
  db.transaction(() => {
    fromVersion = readUserVersion(db);
    for (const migration of migrations) {
      if (migration.version <= fromVersion) continue;
      migration.up(db);
    }
    db.pragma(`user_version = ${target}`);
  }).immediate();

  if (fromVersion !== target) {
    options.events.emit("schema.migrated", {
      db_path: dbPath,
      from_version: fromVersion,
      to_version: target,
      backup_path: backupPath,
    });
  }
  return { fromVersion, toVersion: target, backupPath };
}
