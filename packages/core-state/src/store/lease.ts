import type Database from "better-sqlite3";
import { ValidationError } from "../errors.js";
import { assertSafeId } from "../ids.js";
import { isoPlus } from "../time.js";
import type { StoreContext } from "./connection.js";
import { assertTeamRegistered } from "./teams.js";

/** D3: the row that makes one coordinator daemon per team the active one. */
export interface CoordinatorLease {
  team_id: string;
  holder_id: string;
  pid: number | null;
  hostname: string | null;
  acquired_at: string;
  heartbeat_at: string;
  expires_at: string;
}

export interface CoordinatorLeaseStatus extends CoordinatorLease {
  /** `expires_at` is not yet in the past by the store's clock. */
  live: boolean;
}

export interface LeaseHolderInput {
  holderId: string;
  pid: number | null;
  hostname: string | null;
  ttlMs: number;
}

export type LeaseAcquireResult =
  | {
      acquired: true;
      lease: CoordinatorLease;
      /** The caller already held the lease; only its heartbeat and expiry moved. */
      renewed: boolean;
      /** The expired lease this acquisition replaced, if any. */
      taken_over_from: CoordinatorLease | null;
    }
  | { acquired: false; holder: CoordinatorLeaseStatus };

const LEASE_SELECT =
  "SELECT team_id, holder_id, pid, hostname, acquired_at, heartbeat_at, expires_at FROM coordinator_leases";

function assertTtl(ttlMs: number): number {
  if (Number.isInteger(ttlMs) && ttlMs > 0) return ttlMs;
  const message = `lease ttl must be a positive whole number of milliseconds, got ${String(ttlMs)}`;
  throw new ValidationError(message, [{ pointer: "/ttlMs", message }], { code: "invalid_lease_ttl" });
}

function assertHolderId(holderId: string): string {
  if (typeof holderId === "string" && holderId.length > 0 && holderId.length <= 200) return holderId;
  const message = "lease holder id must be a non-empty string of at most 200 characters";
  throw new ValidationError(message, [{ pointer: "/holderId", message }], { code: "invalid_lease_holder" });
}

/**
 * The coordinator lease (D3). Acquisition is one IMMEDIATE transaction, so of two daemons racing for a team
 * exactly one wins; a holder that stops heartbeating loses the lease once `expires_at` has passed.
 */
export class CoordinatorLeaseRepo {
  private readonly selectOne: Database.Statement<[string], CoordinatorLease>;
  private readonly upsertLease: Database.Statement;
  private readonly renew: Database.Statement<[string, string, string, string]>;
  private readonly deleteHeld: Database.Statement<[string, string]>;

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db;
    this.selectOne = db.prepare<[string], CoordinatorLease>(`${LEASE_SELECT} WHERE team_id = ?`);
    this.upsertLease = db.prepare(
      "INSERT INTO coordinator_leases (team_id, holder_id, pid, hostname, acquired_at, heartbeat_at, expires_at) " +
        "VALUES (@team_id, @holder_id, @pid, @hostname, @acquired_at, @now, @expires_at) " +
        "ON CONFLICT (team_id) DO UPDATE SET holder_id = excluded.holder_id, pid = excluded.pid, " +
        "hostname = excluded.hostname, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, " +
        "expires_at = excluded.expires_at",
    );
    this.renew = db.prepare<[string, string, string, string]>(
      "UPDATE coordinator_leases SET heartbeat_at = ?, expires_at = ? WHERE team_id = ? AND holder_id = ?",
    );
    this.deleteHeld = db.prepare<[string, string]>(
      "DELETE FROM coordinator_leases WHERE team_id = ? AND holder_id = ?",
    );
  }

  /**
   * Takes the lease when nobody holds it, when the holder's lease has expired, or when the caller already holds it
   * (a renewal that keeps `acquired_at`). Otherwise reports the live holder.
   */
  acquire(teamId: string, input: LeaseHolderInput): LeaseAcquireResult {
    assertSafeId("team", teamId);
    const holderId = assertHolderId(input.holderId);
    const ttlMs = assertTtl(input.ttlMs);
    const result = this.ctx.write("coordinator.lease_acquire", (): LeaseAcquireResult => {
      assertTeamRegistered(this.ctx, teamId);
      const now = this.ctx.now();
      const current = this.selectOne.get(teamId) ?? null;
      const mine = current !== null && current.holder_id === holderId;
      const expired = current !== null && current.expires_at < now;
      if (current !== null && !mine && !expired) return { acquired: false, holder: { ...current, live: true } };
      this.upsertLease.run({
        team_id: teamId,
        holder_id: holderId,
        pid: input.pid,
        hostname: input.hostname,
        acquired_at: mine ? current.acquired_at : now,
        now,
        expires_at: isoPlus(now, ttlMs),
      });
      return {
        acquired: true,
        lease: this.selectOne.get(teamId)!,
        renewed: mine,
        taken_over_from: mine ? null : current,
      };
    });
    if (result.acquired && result.taken_over_from !== null) {
      const previous = result.taken_over_from;
      this.ctx.events.emit("coordinator.lease_taken_over", {
        team_id: teamId,
        holder_id: holderId,
        pid: input.pid,
        hostname: input.hostname,
        previous_holder_id: previous.holder_id,
        previous_pid: previous.pid,
        previous_hostname: previous.hostname,
        previous_expires_at: previous.expires_at,
      });
    } else if (result.acquired && !result.renewed) {
      // Renewals are ticks, not changes, so they log nothing (D2).
      this.ctx.events.emit("coordinator.lease_acquired", {
        team_id: teamId,
        holder_id: holderId,
        pid: input.pid,
        hostname: input.hostname,
        expires_at: result.lease.expires_at,
      });
    }
    return result;
  }

  /** Extends the caller's lease by `ttlMs` from now; false when the lease is gone or held by someone else. */
  heartbeat(teamId: string, holderId: string, ttlMs: number): boolean {
    assertSafeId("team", teamId);
    assertHolderId(holderId);
    assertTtl(ttlMs);
    return this.ctx.write("coordinator.lease_heartbeat", () => {
      const now = this.ctx.now();
      return this.renew.run(now, isoPlus(now, ttlMs), teamId, holderId).changes > 0;
    });
  }

  /** Gives the lease up; true when the caller held it. */
  release(teamId: string, holderId: string): boolean {
    assertSafeId("team", teamId);
    assertHolderId(holderId);
    const released = this.ctx.write(
      "coordinator.lease_release",
      () => this.deleteHeld.run(teamId, holderId).changes > 0,
    );
    if (released) this.ctx.events.emit("coordinator.lease_released", { team_id: teamId, holder_id: holderId });
    return released;
  }

  /** The stored lease, with `live` telling whether it is still within its ttl. */
  current(teamId: string): CoordinatorLeaseStatus | null {
    assertSafeId("team", teamId);
    return this.ctx.read(() => {
      const row = this.selectOne.get(teamId);
      if (row === undefined) return null;
      return { ...row, live: row.expires_at >= this.ctx.now() };
    });
  }
}
