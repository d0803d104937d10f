import { TeamRuntimeError } from "../errors.js";

/** The command that moves a broken store aside; named in every error about one. */
export const REPAIR_STORE_COMMAND = "team-agent doctor --repair-store";

/** The store file exists but SQLite cannot read it as a database. It is never replaced silently (D1). */
export class CorruptStoreError extends TeamRuntimeError {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "store_corrupt",
      `the team store ${path} is corrupt or not a database (${reason}); it has been left untouched`,
      `Run \`${REPAIR_STORE_COMMAND}\` to move it aside (kept as team.db.corrupt-<timestamp>) and start a fresh store.`,
      { cause, details: { db_path: path } },
    );
    this.path = path;
  }
}

/** The store file cannot be opened at all (permissions, a directory in its place, a missing parent). */
export class UnreadableStoreError extends TeamRuntimeError {
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "store_unreadable",
      `cannot open the team store ${path}: ${reason}`,
      `Check that ${path} is a readable and writable file owned by you, then retry; if it is damaged run \`${REPAIR_STORE_COMMAND}\`.`,
      { cause, details: { db_path: path } },
    );
  }
}

/** A write still failed after the bounded retries of D1. Callers such as the coordinator tick report it and go on. */
export class PersistenceDegradedError extends TeamRuntimeError {
  readonly reason = "persistence_degraded";
  readonly retriesUsed: number;
  constructor(path: string, operation: string, retriesUsed: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "persistence_degraded",
      `could not save ${operation} to ${path} after ${retriesUsed} retries: ${reason}`,
      "Nothing was written. Check disk space and permissions of .team/runtime/, and whether another process holds a long write lock; the operation can be retried.",
      { cause, details: { db_path: path, operation, retries_used: retriesUsed } },
    );
    this.retriesUsed = retriesUsed;
  }
}

/** The store was written by a newer Team Agent than this one. */
export class StoreTooNewError extends TeamRuntimeError {
  constructor(path: string, found: number, supported: number) {
    super(
      "store_too_new",
      `the team store ${path} has schema version ${found}, newer than the ${supported} this team-agent understands`,
      "Upgrade team-agent (`npx @team-agent/installer@latest install`) and retry; the store was not changed.",
      { details: { db_path: path, schema_version: found, supported_version: supported } },
    );
  }
}

export type SqliteErrorClass = "transient" | "corrupt" | "other";

const TRANSIENT_ERRNO = new Set(["EACCES", "EBUSY", "EPERM", "EAGAIN"]);

/** Sorts a thrown error into what D1 retries (busy/locked/permission/IO), what means a broken file, and the rest. */
export function classifySqliteError(error: unknown): SqliteErrorClass {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return "other";
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") return "corrupt";
  if (
    code.startsWith("SQLITE_BUSY") ||
    code.startsWith("SQLITE_LOCKED") ||
    code.startsWith("SQLITE_IOERR") ||
    code.startsWith("SQLITE_READONLY") ||
    code === "SQLITE_CANTOPEN" ||
    code === "SQLITE_PERM" ||
    TRANSIENT_ERRNO.has(code)
  ) {
    return "transient";
  }
  return "other";
}
