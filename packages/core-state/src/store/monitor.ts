import type Database from "better-sqlite3";
import { assertSafeId } from "../ids.js";
import { fromJsonText, type StoreContext } from "./connection.js";
import { assertAttrKey, attrValueJson } from "./patch.js";
import { assertTeamRegistered } from "./teams.js";

/**
 * §2.6 coordinator sub-state, one JSON value per (team, key): `idle_takeover_monitor`, `unknown_ticks`,
 * `suppressed_idle_alerts`, `last_stuck_push_at:<agent>`, … Times inside values must be wall-clock ISO strings
 * (D1): a monotonic reading means nothing to the next process that reads it.
 */
export class MonitorStateRepo {
  private readonly selectOne: Database.Statement<[string, string], { value: string }>;
  private readonly selectTeam: Database.Statement<[string], { key: string; value: string }>;
  private readonly upsert: Database.Statement<[string, string, string, string]>;
  private readonly deleteOne: Database.Statement<[string, string]>;

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db;
    this.selectOne = db.prepare<[string, string], { value: string }>(
      "SELECT value FROM coordinator_monitor WHERE team_id = ? AND key = ?",
    );
    this.selectTeam = db.prepare<[string], { key: string; value: string }>(
      "SELECT key, value FROM coordinator_monitor WHERE team_id = ? ORDER BY key",
    );
    // The conflict branch's WHERE skips a write that would store the same JSON text (D1).
    this.upsert = db.prepare<[string, string, string, string]>(
      "INSERT INTO coordinator_monitor (team_id, key, value, updated_at) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (team_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at " +
        "WHERE coordinator_monitor.value IS NOT excluded.value",
    );
    this.deleteOne = db.prepare<[string, string]>("DELETE FROM coordinator_monitor WHERE team_id = ? AND key = ?");
  }

  /** The parsed value, or `undefined` when the key is not set. */
  get<T = unknown>(teamId: string, key: string): T | undefined {
    this.assertKeys(teamId, key);
    return this.ctx.read(() => {
      const row = this.selectOne.get(teamId, key);
      return row === undefined ? undefined : fromJsonText<T | undefined>(row.value, undefined);
    });
  }

  /** Every key of the team's monitor state (unknown keys included, so nothing is lost on a round trip). */
  getAll(teamId: string): Record<string, unknown> {
    assertSafeId("team", teamId);
    return this.ctx.read(() => {
      const state: Record<string, unknown> = {};
      for (const row of this.selectTeam.all(teamId)) state[row.key] = fromJsonText(row.value, null);
      return state;
    });
  }

  /** Stores `value` as JSON; false when the stored value was already equal. */
  set(teamId: string, key: string, value: unknown): boolean {
    this.assertKeys(teamId, key);
    const text = attrValueJson(key, value);
    return this.ctx.write("coordinator_monitor.set", () => {
      assertTeamRegistered(this.ctx, teamId);
      return this.upsert.run(teamId, key, text, this.ctx.now()).changes > 0;
    });
  }

  /**
   * Read-modify-write of one key inside one write transaction, so concurrent updaters of a nested map (e.g.
   * `unknown_ticks`) never lose each other's changes. Returning `undefined` deletes the key.
   */
  update<T>(teamId: string, key: string, fn: (current: T | undefined) => T | undefined): boolean {
    this.assertKeys(teamId, key);
    return this.ctx.write("coordinator_monitor.update", () => {
      assertTeamRegistered(this.ctx, teamId);
      const row = this.selectOne.get(teamId, key);
      const next = fn(row === undefined ? undefined : fromJsonText<T | undefined>(row.value, undefined));
      if (next === undefined) return this.deleteOne.run(teamId, key).changes > 0;
      return this.upsert.run(teamId, key, attrValueJson(key, next), this.ctx.now()).changes > 0;
    });
  }

  /** True when the key existed. */
  delete(teamId: string, key: string): boolean {
    this.assertKeys(teamId, key);
    return this.ctx.write("coordinator_monitor.delete", () => this.deleteOne.run(teamId, key).changes > 0);
  }

  private assertKeys(teamId: string, key: string): void {
    assertSafeId("team", teamId);
    assertAttrKey(key, "/key");
  }
}
