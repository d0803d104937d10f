import type Database from "better-sqlite3";
import { assertSafeId } from "../ids.js";
import type { StoreContext } from "./connection.js";

export interface PeerPairRow {
  team_id: string;
  a: string;
  b: string;
  created_at: string;
}

/** Which workers of a team may message each other directly. Allowing a pair allows both directions. */
export class PeerAllowlistRepo {
  private readonly ctx: StoreContext;
  private readonly insertStmt: Database.Statement<{ team_id: string; a: string; b: string; created_at: string }>;
  private readonly existsStmt: Database.Statement<{ team_id: string; a: string; b: string }, { found: number }>;
  private readonly listStmt: Database.Statement<[string], PeerPairRow>;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
    const db = ctx.db;
    this.insertStmt = db.prepare(
      "INSERT OR IGNORE INTO peer_allowlist (team_id, a, b, created_at) VALUES (@team_id, @a, @b, @created_at)",
    );
    this.existsStmt = db.prepare(
      "SELECT 1 AS found FROM peer_allowlist WHERE team_id = @team_id AND a = @a AND b = @b",
    );
    this.listStmt = db.prepare("SELECT team_id, a, b, created_at FROM peer_allowlist WHERE team_id = ? ORDER BY a, b");
  }

  /** Allows a↔b; returns how many directions were new (0 when the pair was already allowed). */
  allow(teamId: string, a: string, b: string): number {
    assertSafeId("team", teamId, "/team_id");
    assertSafeId("agent", a, "/a");
    assertSafeId("agent", b, "/b");
    return this.ctx.write("peer_allowlist.allow", () => {
      const created_at = this.ctx.now();
      let added = this.insertStmt.run({ team_id: teamId, a, b, created_at }).changes;
      if (a !== b) added += this.insertStmt.run({ team_id: teamId, a: b, b: a, created_at }).changes;
      return added;
    });
  }

  isAllowed(teamId: string, from: string, to: string): boolean {
    return this.ctx.read(() => this.existsStmt.get({ team_id: teamId, a: from, b: to })) !== undefined;
  }

  list(teamId: string): PeerPairRow[] {
    return this.ctx.read(() => this.listStmt.all(teamId));
  }
}
