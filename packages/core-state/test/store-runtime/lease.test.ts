import { beforeEach, describe, expect, it } from "vitest";
import { type TeamRuntimeError, ValidationError } from "../../src/errors.js";
import { CoordinatorLeaseRepo, type LeaseHolderInput } from "../../src/store/lease.js";
import { fixtureScript, useChildPool } from "../helpers/children.js";
import { thrownBy } from "../helpers/errors.js";
import { registerTeam, useTempStore } from "../helpers/temp-store.js";

const TTL = 30_000;
const daemon = (holderId: string, pid = 100): LeaseHolderInput => ({ holderId, pid, hostname: "host-a", ttlMs: TTL });

describe("CoordinatorLeaseRepo", () => {
  const store = useTempStore({ teams: ["alpha", "beta"] });
  let leases: CoordinatorLeaseRepo;

  beforeEach(() => {
    leases = new CoordinatorLeaseRepo(store.ctx);
  });

  it("acquires a free lease and reports it as live", () => {
    const start = store.clock.iso();
    const result = leases.acquire("alpha", daemon("d1"));
    expect(result).toEqual({
      acquired: true,
      renewed: false,
      taken_over_from: null,
      lease: {
        team_id: "alpha",
        holder_id: "d1",
        pid: 100,
        hostname: "host-a",
        acquired_at: start,
        heartbeat_at: start,
        expires_at: new Date(Date.parse(start) + TTL).toISOString(),
      },
    });
    expect(leases.current("alpha")).toMatchObject({ holder_id: "d1", live: true });
    expect(leases.current("beta")).toBeNull();
    expect(store.events.named("coordinator.lease_acquired")).toEqual([
      expect.objectContaining({ team_id: "alpha", holder_id: "d1", pid: 100 }),
    ]);
  });

  it("a second daemon sees the live holder and does nothing", () => {
    leases.acquire("alpha", daemon("d1"));
    store.clock.advance(TTL - 1);
    const second = leases.acquire("alpha", daemon("d2", 200));
    expect(second).toEqual({ acquired: false, holder: expect.objectContaining({ holder_id: "d1", live: true }) });
    expect(leases.current("alpha")?.holder_id).toBe("d1");
    // Leases are per team.
    expect(leases.acquire("beta", daemon("d2", 200)).acquired).toBe(true);
  });

  it("the holder re-acquiring renews without a new acquisition event", () => {
    const start = store.clock.iso();
    leases.acquire("alpha", daemon("d1"));
    store.clock.advance(10_000);
    const again = leases.acquire("alpha", daemon("d1"));
    expect(again).toMatchObject({
      acquired: true,
      renewed: true,
      lease: { acquired_at: start, heartbeat_at: store.clock.iso() },
    });
    expect(store.events.named("coordinator.lease_acquired")).toHaveLength(1);
  });

  it("heartbeats extend the lease; a lease nobody renews expires and is taken over", () => {
    leases.acquire("alpha", daemon("d1"));
    store.clock.advance(20_000);
    expect(leases.heartbeat("alpha", "d1", TTL)).toBe(true);
    expect(leases.current("alpha")?.expires_at).toBe(new Date(Date.parse(store.clock.iso()) + TTL).toISOString());
    store.clock.advance(TTL); // exactly at expires_at: still live
    expect(leases.current("alpha")?.live).toBe(true);
    expect(leases.acquire("alpha", daemon("d2", 200)).acquired).toBe(false);

    store.clock.advance(1); // past expires_at: the holder is presumed dead
    expect(leases.current("alpha")?.live).toBe(false);
    const taken = leases.acquire("alpha", daemon("d2", 200));
    expect(taken).toMatchObject({
      acquired: true,
      renewed: false,
      lease: { holder_id: "d2", pid: 200, acquired_at: store.clock.iso() },
      taken_over_from: { holder_id: "d1", pid: 100 },
    });
    expect(store.events.named("coordinator.lease_taken_over")).toEqual([
      expect.objectContaining({ team_id: "alpha", holder_id: "d2", previous_holder_id: "d1", previous_pid: 100 }),
    ]);
    // The old holder finds out on its next heartbeat, and cannot release what it no longer holds.
    expect(leases.heartbeat("alpha", "d1", TTL)).toBe(false);
    expect(leases.release("alpha", "d1")).toBe(false);
    expect(leases.current("alpha")?.holder_id).toBe("d2");
  });

  it("release frees the lease for the next daemon", () => {
    leases.acquire("alpha", daemon("d1"));
    expect(leases.release("alpha", "d1")).toBe(true);
    expect(leases.current("alpha")).toBeNull();
    expect(leases.heartbeat("alpha", "d1", TTL)).toBe(false);
    expect(store.events.named("coordinator.lease_released")).toHaveLength(1);
    expect(leases.acquire("alpha", daemon("d2")).acquired).toBe(true);
  });

  it("validates its inputs and requires a registered team", () => {
    expect(() => leases.acquire("alpha", { ...daemon("d1"), ttlMs: 0 })).toThrow(ValidationError);
    expect(() => leases.acquire("alpha", { ...daemon("d1"), ttlMs: 1.5 })).toThrow(ValidationError);
    expect(() => leases.acquire("alpha", daemon(""))).toThrow(ValidationError);
    expect(() => leases.heartbeat("alpha", "d1", -1)).toThrow(ValidationError);
    const error = thrownBy<TeamRuntimeError>(() => leases.acquire("ghost", daemon("d1")));
    expect(error.code).toBe("team_not_found");
  });
});

describe("coordinator lease race between processes", () => {
  // Real time, like the children, so this process judges their leases as they do.
  const store = useTempStore({ clock: "system" });
  const pool = useChildPool();

  it("of 4 daemons racing for each of 40 teams exactly one wins each team, and all agree on who", async () => {
    const teamIds = Array.from({ length: 40 }, (_, i) => `race-${i}`);
    for (const teamId of teamIds) registerTeam(store.ctx, teamId);
    const holders = ["daemon-a", "daemon-b", "daemon-c", "daemon-d"];
    const racers = await pool.startTogether(
      fixtureScript("runtime/lease-racer.ts"),
      holders.map((holderId) => [store.dbPath, holderId, teamIds.join(",")]),
    );
    const exits = await Promise.all(racers.map((racer) => racer.waitForExit()));
    for (const [index, racer] of racers.entries())
      expect(exits[index], racer.stderr).toEqual({ code: 0, signal: null });

    const outcomes = racers.map(
      (racer) => racer.jsonLines().find((line) => "won" in line) as { won: string[]; seen: Record<string, string> },
    );
    const leaseRepo = new CoordinatorLeaseRepo(store.ctx);
    for (const teamId of teamIds) {
      const winners = holders.filter((_, index) => outcomes[index]!.won.includes(teamId));
      expect(winners, teamId).toHaveLength(1);
      expect(
        outcomes.map((outcome) => outcome.seen[teamId]),
        teamId,
      ).toEqual(holders.map(() => winners[0]));
      expect(leaseRepo.current(teamId)?.holder_id).toBe(winners[0]);
    }
  });
});
