import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { PeerAllowlistRepo } from "../../src/store/peers.js";
import { type ScheduledKind, ScheduledMessagesRepo } from "../../src/store/scheduled.js";
import { useTempStore } from "../helpers/temp-store.js";

const store = useTempStore({ start: "2026-05-27T07:00:00.000Z" });

describe("ScheduledMessagesRepo", () => {
  it("returns due rows in (due_at, id) order, only for the team and only when pending", () => {
    const scheduled = new ScheduledMessagesRepo(store.ctx);
    const later = scheduled.schedule("team_a", { dueAt: "2026-05-27T07:00:20Z", target: "dev", kind: "send" });
    const first = scheduled.schedule("team_a", {
      dueAt: "2026-05-27T07:00:10.000000+00:00",
      target: "dev",
      kind: "health_ping",
    });
    const tie = scheduled.schedule("team_a", { dueAt: "2026-05-27T07:00:10Z", target: "qa", kind: "trust_retry" });
    const future = scheduled.schedule("team_a", { dueAt: "2026-05-27T08:00:00Z", target: "dev", kind: "send" });
    scheduled.schedule("team_b", { dueAt: "2026-05-27T07:00:00Z", target: "dev", kind: "send" });

    expect(first.due_at).toBe("2026-05-27T07:00:10.000Z");
    expect(scheduled.due("team_a", "2026-05-27T07:00:05Z")).toEqual([]);
    expect(scheduled.due("team_a", "2026-05-27T07:00:30Z").map((row) => row.id)).toEqual([first.id, tie.id, later.id]);
    store.clock.set("2026-05-27T09:00:00.000Z");
    expect(scheduled.due("team_a").map((row) => row.id)).toEqual([first.id, tie.id, later.id, future.id]);
    expect(scheduled.due("team_a", undefined, 2).map((row) => row.id)).toEqual([first.id, tie.id]);

    expect(scheduled.claim(first.id)).toMatchObject({ status: "claimed" });
    expect(scheduled.due("team_a").map((row) => row.id)).toEqual([tie.id, later.id, future.id]);
  });

  it("claims once and completes a claimed row once", () => {
    const scheduled = new ScheduledMessagesRepo(store.ctx);
    const row = scheduled.schedule("team_a", {
      dueAt: "2026-05-27T07:00:00Z",
      target: "dev",
      kind: "send",
      payload: { content: "ping", task_id: "t1", attempt: 1 },
    });
    expect(row).toMatchObject({
      status: "pending",
      payload: { content: "ping", task_id: "t1", attempt: 1 },
      created_at: "2026-05-27T07:00:00.000Z",
      fired_at: null,
      result: null,
    });
    expect(() => scheduled.complete(row.id, "done")).toThrow(
      expect.objectContaining({ code: "scheduled_not_claimed" }),
    );
    expect(scheduled.claim(row.id)?.claimed_at).toBe("2026-05-27T07:00:00.000Z");
    expect(scheduled.claim(row.id)).toBeNull();
    store.clock.advance(2_000);
    const done = scheduled.complete(row.id, "retry_scheduled", { retry_event_id: 9 });
    expect(done).toMatchObject({
      status: "retry_scheduled",
      fired_at: "2026-05-27T07:00:02.000Z",
      result: { retry_event_id: 9 },
    });
    expect(() => scheduled.complete(row.id, "failed")).toThrow(
      expect.objectContaining({ code: "scheduled_not_claimed" }),
    );
    expect(scheduled.get(row.id)).toEqual(done);
  });

  it("puts a claim that was never completed back to pending", () => {
    const scheduled = new ScheduledMessagesRepo(store.ctx);
    const stuck = scheduled.schedule("team_a", { dueAt: "2026-05-27T07:00:00Z", target: "dev", kind: "send" });
    scheduled.claim(stuck.id);
    store.clock.advance(120_000);
    const recent = scheduled.schedule("team_a", { dueAt: "2026-05-27T07:00:00Z", target: "dev", kind: "send" });
    scheduled.claim(recent.id);
    expect(scheduled.reclaimStale("team_b", "2026-05-27T07:01:00Z")).toEqual([]);
    expect(scheduled.reclaimStale("team_a", "2026-05-27T07:01:00Z")).toEqual([stuck.id]);
    expect(scheduled.get(stuck.id)).toMatchObject({ status: "pending", claimed_at: null });
    expect(scheduled.get(recent.id)?.status).toBe("claimed");
  });

  it("rejects unknown kinds, bad targets and bad times when scheduling", () => {
    const scheduled = new ScheduledMessagesRepo(store.ctx);
    const bad = [
      { dueAt: "2026-05-27T07:00:00Z", target: "dev", kind: "reboot" as ScheduledKind },
      { dueAt: "2026-05-27T07:00:00Z", target: "../dev", kind: "send" as const },
      { dueAt: "tomorrow", target: "dev", kind: "send" as const },
      { dueAt: "2026-05-27T07:00:00", target: "dev", kind: "send" as const },
    ];
    for (const input of bad) expect(() => scheduled.schedule("team_a", input)).toThrow(ValidationError);
    expect(scheduled.list("team_a")).toEqual([]);
  });
});

describe("PeerAllowlistRepo", () => {
  it("allows both directions idempotently, per team", () => {
    const peers = new PeerAllowlistRepo(store.ctx);
    expect(peers.allow("team_a", "dev", "qa")).toBe(2);
    expect(peers.allow("team_a", "qa", "dev")).toBe(0);
    expect(peers.allow("team_a", "dev", "dev")).toBe(1);
    expect(peers.isAllowed("team_a", "dev", "qa")).toBe(true);
    expect(peers.isAllowed("team_a", "qa", "dev")).toBe(true);
    expect(peers.isAllowed("team_a", "qa", "ops")).toBe(false);
    expect(peers.isAllowed("team_b", "dev", "qa")).toBe(false);
    expect(peers.list("team_a").map(({ a, b }) => [a, b])).toEqual([
      ["dev", "dev"],
      ["dev", "qa"],
      ["qa", "dev"],
    ]);
    expect(peers.list("team_b")).toEqual([]);
    expect(() => peers.allow("team_a", "dev", "q a")).toThrow(ValidationError);
  });
});
