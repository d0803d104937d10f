import type Database from "better-sqlite3";
import type { EventSink } from "../events.js";
import { nullEventSink } from "../events.js";
import { type Clock, isoNow, systemClock } from "../time.js";
import { CorruptStoreError, classifySqliteError, PersistenceDegradedError } from "./errors.js";

export type Db = Database.Database;

/** D1: bounded retries of a write that hit a busy, locked or permission-denied store. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [50, 200, 500];
export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

export interface StoreContextOptions {
  clock?: Clock;
  events?: EventSink;
  retryDelaysMs?: readonly number[];
}

/**
 * One open connection plus the rules every repository follows: writes are short IMMEDIATE transactions with
 * bounded retries, reads and writes turn a broken file into CorruptStoreError, and time comes from one clock.
 */
export class StoreContext {
  readonly db: Db;
  readonly path: string;
  readonly clock: Clock;
  readonly events: EventSink;
  private readonly retryDelaysMs: readonly number[];

  constructor(db: Db, path: string, options: StoreContextOptions = {}) {
    this.db = db;
    this.path = path;
    this.clock = options.clock ?? systemClock;
    this.events = options.events ?? nullEventSink;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  now(): string {
    return isoNow(this.clock);
  }

  /** Runs `fn` in a `BEGIN IMMEDIATE` transaction; all of it lands or none of it does. */
  write<T>(operation: string, fn: () => T): T {
    const transaction = this.db.transaction(fn);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return transaction.immediate();
      } catch (error) {
        const kind = classifySqliteError(error);
        if (kind === "corrupt") throw new CorruptStoreError(this.path, error);
        if (kind !== "transient") throw error;
        const delay = this.retryDelaysMs[attempt];
        const code = (error as { code?: string }).code ?? null;
        if (delay === undefined) {
          this.events.emit("runtime.state.save_failed", {
            phase: operation,
            final_errno: code,
            error: String((error as Error).message ?? error),
            retries_used: attempt,
          });
          throw new PersistenceDegradedError(this.path, operation, attempt, error);
        }
        this.events.emit("runtime.state.save_retry", {
          phase: operation,
          attempt: attempt + 1,
          errno_name: code,
          error: String((error as Error).message ?? error),
        });
        sleepSync(delay);
      }
    }
  }

  /** Runs a read; a broken file surfaces as CorruptStoreError instead of a raw SQLite error. */
  read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (classifySqliteError(error) === "corrupt") throw new CorruptStoreError(this.path, error);
      throw error;
    }
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** better-sqlite3 is synchronous, so its retries wait synchronously too (never on the event loop's timers). */
export function sleepSync(milliseconds: number): void {
  Atomics.wait(sleepCell, 0, 0, milliseconds);
}

/** `'a', 'b'` for an `IN (…)` clause built from code constants (status names), never from input. */
export function sqlStringList(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(", ");
}

/** JSON column helpers: objects are stored as compact JSON text and read back tolerantly. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJsonText<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
