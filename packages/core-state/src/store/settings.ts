import type Database from "better-sqlite3";
import { ValidationError } from "../errors.js";
import type { StoreContext } from "./connection.js";

/** The workspace setting that names the team commands act on when no `--team` is given (§2.2). */
export const ACTIVE_TEAM_KEY = "active_team_key";

const SETTING_KEY = /^[a-z][a-z0-9_.]{0,63}$/;

function assertSettingKey(key: string): string {
  if (SETTING_KEY.test(key)) return key;
  const message = `invalid workspace setting key ${JSON.stringify(key)}: use lowercase snake_case`;
  throw new ValidationError(message, [{ pointer: "", message }], { code: "invalid_setting_key" });
}

/** Workspace-level key/value settings (text values; `null` is a stored value, `delete` removes the key). */
export class WorkspaceSettingsRepo {
  private readonly selectOne: Database.Statement<[string], { value: string | null }>;
  private readonly upsert: Database.Statement;
  private readonly deleteOne: Database.Statement;

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db;
    this.selectOne = db.prepare<[string], { value: string | null }>(
      "SELECT value FROM workspace_settings WHERE key = ?",
    );
    // The WHERE on the conflict branch skips a write that would not change the value (D1).
    this.upsert = db.prepare(
      "INSERT INTO workspace_settings (key, value, updated_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at " +
        "WHERE workspace_settings.value IS NOT excluded.value",
    );
    this.deleteOne = db.prepare("DELETE FROM workspace_settings WHERE key = ?");
  }

  /** The stored value, or `null` when the key is absent (or stored as null). */
  get(key: string): string | null {
    assertSettingKey(key);
    return this.ctx.read(() => this.selectOne.get(key)?.value ?? null);
  }

  has(key: string): boolean {
    assertSettingKey(key);
    return this.ctx.read(() => this.selectOne.get(key) !== undefined);
  }

  /** True when the stored value changed. */
  set(key: string, value: string | null): boolean {
    assertSettingKey(key);
    return this.ctx.write("workspace_settings.set", () => this.upsert.run(key, value, this.ctx.now()).changes > 0);
  }

  /** True when a key went away. */
  delete(key: string): boolean {
    assertSettingKey(key);
    return this.ctx.write("workspace_settings.delete", () => this.deleteOne.run(key).changes > 0);
  }
}
