import type Database from "better-sqlite3";
import { ValidationError } from "../errors.js";
import type { Db } from "./connection.js";
import { toJsonText } from "./connection.js";

/** What better-sqlite3 binds; booleans and objects must be converted first. */
export type SqlValue = string | number | bigint | null;

/** Column and table names are code constants; this guard keeps a mistake from ever reaching SQL text. */
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function assertIdentifier(name: string): string {
  if (!SQL_IDENTIFIER.test(name)) throw new TypeError(`not a safe SQL identifier: ${JSON.stringify(name)}`);
  return name;
}

export interface PatchTable {
  table: string;
  keyColumns: readonly string[];
  /** The allow-list: the only column names a patch may name, and the only ones ever written into the SQL text. */
  columns: readonly string[];
  /** Columns stored as JSON text; their patch values are serialised before comparing and writing. */
  jsonColumns?: readonly string[];
  /** Timestamp column set to `now` whenever a row really changes; `null` for none. Default `updated_at`. */
  touchColumn?: string | null;
}

export interface PatchOptions {
  now: string;
  /** Allow-listed columns written only when the patch changes the row (e.g. `claimed_at`); never compared. */
  alsoSet?: Record<string, unknown>;
}

/**
 * "Update only changed columns" (D1): one `UPDATE … SET <patched cols>, updated_at = ? WHERE <keys> AND
 * (a IS NOT ? OR b IS NOT ? …)`, so a write that would not change the row touches nothing and reports `false`.
 * Statements are prepared once per column set.
 */
export class RowPatcher {
  private readonly table: string;
  private readonly keyColumns: readonly string[];
  private readonly allowed: readonly string[];
  private readonly jsonColumns: ReadonlySet<string>;
  private readonly touchColumn: string | null;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Db,
    spec: PatchTable,
  ) {
    this.table = assertIdentifier(spec.table);
    this.keyColumns = spec.keyColumns.map(assertIdentifier);
    this.allowed = spec.columns.map(assertIdentifier);
    this.jsonColumns = new Set(spec.jsonColumns ?? []);
    const touch = spec.touchColumn === undefined ? "updated_at" : spec.touchColumn;
    this.touchColumn = touch === null ? null : assertIdentifier(touch);
  }

  /** Applies `patch` (undefined values are ignored) to the row with `keys`; true when a row changed. */
  update(keys: readonly SqlValue[], patch: Record<string, unknown>, options: PatchOptions): boolean {
    if (keys.length !== this.keyColumns.length) {
      throw new TypeError(`${this.table}: expected ${this.keyColumns.length} key values, got ${keys.length}`);
    }
    const compared = this.pick(patch);
    if (compared.length === 0) return false;
    const extra = this.pick(options.alsoSet ?? {}).filter(([column]) => !compared.some(([c]) => c === column));
    const statement = this.statementFor(
      compared.map(([column]) => column),
      extra.map(([column]) => column),
    );
    const values = compared.map(([, value]) => value);
    const params: SqlValue[] = [...values, ...extra.map(([, value]) => value)];
    if (this.touchColumn !== null) params.push(options.now);
    params.push(...keys, ...values);
    return statement.run(params).changes > 0;
  }

  /** Allow-listed `[column, bindable value]` pairs in allow-list order (a stable cache key). */
  private pick(patch: Record<string, unknown>): Array<[string, SqlValue]> {
    for (const name of Object.keys(patch)) {
      if (!this.allowed.includes(name) && patch[name] !== undefined) {
        const message = `${this.table} has no updatable field ${JSON.stringify(name)}`;
        throw new ValidationError(message, [{ pointer: `/${name}`, message }], {
          code: "invalid_patch_field",
          action: `Use only these fields: ${this.allowed.join(", ")}.`,
        });
      }
    }
    const picked: Array<[string, SqlValue]> = [];
    for (const column of this.allowed) {
      const value = patch[column];
      if (value === undefined) continue;
      picked.push([column, this.toSql(column, value)]);
    }
    return picked;
  }

  private toSql(column: string, value: unknown): SqlValue {
    if (this.jsonColumns.has(column)) return value === null ? null : toJsonText(value);
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "bigint") {
      return value;
    }
    const message = `${this.table}.${column} must be a string, a number or null, not ${typeof value}`;
    throw new ValidationError(message, [{ pointer: `/${column}`, message }], { code: "invalid_patch_value" });
  }

  private statementFor(columns: readonly string[], extra: readonly string[]): Database.Statement {
    const cacheKey = `${columns.join(",")}|${extra.join(",")}`;
    let statement = this.statements.get(cacheKey);
    if (statement === undefined) {
      const assignments = [...columns, ...extra].map((column) => `${column} = ?`);
      if (this.touchColumn !== null) assignments.push(`${this.touchColumn} = ?`);
      const keys = this.keyColumns.map((column) => `${column} = ?`).join(" AND ");
      const differs = columns.map((column) => `${column} IS NOT ?`).join(" OR ");
      statement = this.db.prepare(`UPDATE ${this.table} SET ${assignments.join(", ")} WHERE ${keys} AND (${differs})`);
      this.statements.set(cacheKey, statement);
    }
    return statement;
  }
}

/** Keys of free-form JSON maps (`attrs`, monitor state): they become JSON paths, so keep them plain. */
export const ATTR_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_:.-]{0,127}$/;

export function assertAttrKey(key: string, pointer = `/${key}`): string {
  if (ATTR_KEY_PATTERN.test(key)) return key;
  const message = `invalid key ${JSON.stringify(key)}: use 1-128 characters from A-Z a-z 0-9 _ : . -, starting with a letter, digit or _`;
  throw new ValidationError(message, [{ pointer, message }], { code: "invalid_attr_key" });
}

/** JSON text of an attr value; rejects what JSON cannot represent instead of silently storing nothing. */
export function attrValueJson(key: string, value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) {
    const message = `value of ${JSON.stringify(key)} cannot be stored as JSON (${typeof value})`;
    throw new ValidationError(message, [{ pointer: `/${key}`, message }], { code: "invalid_attr_value" });
  }
  return text;
}

export interface AttrsTable {
  table: string;
  keyColumns: readonly string[];
  /** The JSON object column, `attrs` by default. */
  column?: string;
  touchColumn?: string;
}

/**
 * Merges top-level keys into a JSON object column inside SQL (`json_set` / `json_remove`), so two processes
 * writing different keys of one row never lose each other's keys. A `null` value removes the key; a value
 * replaces the key's previous value whole. The write is skipped when the merged object equals the stored one.
 */
export class JsonAttrsMerger {
  private readonly table: string;
  private readonly keyColumns: readonly string[];
  private readonly column: string;
  private readonly touchColumn: string;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Db,
    spec: AttrsTable,
  ) {
    this.table = assertIdentifier(spec.table);
    this.keyColumns = spec.keyColumns.map(assertIdentifier);
    this.column = assertIdentifier(spec.column ?? "attrs");
    this.touchColumn = assertIdentifier(spec.touchColumn ?? "updated_at");
  }

  /** True when the row changed; false when it was already equal or does not exist. */
  merge(keys: readonly SqlValue[], attrs: Record<string, unknown>, now: string): boolean {
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined) continue;
      const path = `$."${assertAttrKey(key)}"`;
      if (value === null) removes.push(path);
      else sets.push(path, attrValueJson(key, value));
    }
    if (sets.length === 0 && removes.length === 0) return false;
    const expressionParams = [...sets, ...removes];
    const statement = this.statementFor(sets.length / 2, removes.length);
    return statement.run([...expressionParams, now, ...keys, ...expressionParams]).changes > 0;
  }

  private statementFor(setCount: number, removeCount: number): Database.Statement {
    const cacheKey = `${setCount}:${removeCount}`;
    let statement = this.statements.get(cacheKey);
    if (statement === undefined) {
      let expression = this.column;
      if (setCount > 0) expression = `json_set(${expression}${", ?, json(?)".repeat(setCount)})`;
      if (removeCount > 0) expression = `json_remove(${expression}${", ?".repeat(removeCount)})`;
      const keys = this.keyColumns.map((column) => `${column} = ?`).join(" AND ");
      statement = this.db.prepare(
        `UPDATE ${this.table} SET ${this.column} = ${expression}, ${this.touchColumn} = ? ` +
          `WHERE ${keys} AND ${this.column} IS NOT ${expression}`,
      );
      this.statements.set(cacheKey, statement);
    }
    return statement;
  }
}
