import { beforeEach, describe, expect, it } from "vitest";
import { TeamRuntimeError, ValidationError } from "../../src/errors.js";
import type { MessageStatus } from "../../src/store/message-states.js";
import { MessagesRepo } from "../../src/store/messages.js";
import { useTempStore } from "../helpers/temp-store.js";

const store = useTempStore({ start: "2026-05-27T07:00:00.000Z" });
let messages: MessagesRepo;

beforeEach(() => {
  messages = new MessagesRepo(store.ctx);
});

const send = (teamId: string, recipient: string, extra: { taskId?: string; sender?: string; content?: string } = {}) =>
  messages.create(teamId, {
    sender: extra.sender ?? "leader",
    recipient,
    content: extra.content ?? `for ${recipient}`,
    ...(extra.taskId ? { taskId: extra.taskId } : {}),
  });

const rowCount = () => (store.ctx.db.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n;

describe("MessagesRepo.create", () => {
  it("stores an accepted message with its creation recorded", () => {
    const row = messages.create("team_a", {
      sender: "leader",
      recipient: "dev",
      content: "line one\nline two — ünïcode",
      taskId: "t1",
      requiresAck: true,
      artifactRefs: [{ path: "a.md" }],
    });
    expect(row).toEqual({
      message_id: expect.stringMatching(/^msg_[0-9a-f]{12}$/),
      team_id: "team_a",
      task_id: "t1",
      sender: "leader",
      recipient: "dev",
      reply_to: null,
      requires_ack: true,
      status: "accepted",
      content: "line one\nline two — ünïcode",
      artifact_refs: [{ path: "a.md" }],
      created_at: "2026-05-27T07:00:00.000Z",
      updated_at: "2026-05-27T07:00:00.000Z",
      delivered_at: null,
      acknowledged_at: null,
      error: null,
      delivery_attempts: 0,
    });
    expect(messages.get(row.message_id)).toEqual(row);
    expect(messages.attempts(row.message_id)).toEqual([
      {
        id: expect.any(Number),
        message_id: row.message_id,
        attempt: 0,
        from_status: null,
        to_status: "accepted",
        reason: "created",
        at: "2026-05-27T07:00:00.000Z",
      },
    ]);
  });

  it("refuses unsafe ids and writes nothing", () => {
    const bad = [
      { sender: "../etc", recipient: "dev", content: "x" },
      { sender: "leader", recipient: "dev; rm -rf", content: "x" },
      { sender: "leader", recipient: "dev", content: "x", taskId: "t 1" },
      { sender: "leader", recipient: "dev", content: "x", replyTo: "msg/../x" },
    ];
    for (const input of bad) {
      expect(() => messages.create("team_a", input)).toThrow(ValidationError);
    }
    expect(() => send("bad team", "dev")).toThrow(ValidationError);
    expect(rowCount()).toBe(0);
  });

  it("returns null for an unknown id and refuses to transition it", () => {
    expect(messages.get("msg_000000000000")).toBeNull();
    expect(() => messages.transition("msg_000000000000", "failed")).toThrow(
      expect.objectContaining({ code: "message_not_found" }),
    );
    const { message_id: id } = send("team_a", "dev");
    expect(() => messages.transition(id, "delivered" as MessageStatus)).toThrow(ValidationError);
    expect(messages.get(id)?.status).toBe("accepted");
  });
});

describe("delivery lifecycle", () => {
  it("claims once: the second claim and a claim of a non-accepted message get null", () => {
    const { message_id: id } = send("team_a", "dev");
    store.clock.advance(500);
    const claimed = messages.claimForDelivery(id);
    expect(claimed).toMatchObject({
      status: "target_resolved",
      delivery_attempts: 1,
      updated_at: "2026-05-27T07:00:00.500Z",
    });
    expect(messages.claimForDelivery(id)).toBeNull();
    expect(messages.get(id)?.delivery_attempts).toBe(1);
  });

  it("sets delivered_at on submitted and acknowledged_at on acknowledged", () => {
    const { message_id: id } = send("team_a", "dev");
    messages.claimForDelivery(id);
    messages.transition(id, "pasted");
    store.clock.advance(1_000);
    messages.transition(id, "visible");
    expect(messages.get(id)?.delivered_at).toBeNull();
    store.clock.advance(1_000);
    messages.transition(id, "submitted");
    expect(messages.get(id)).toMatchObject({ delivered_at: "2026-05-27T07:00:02.000Z", acknowledged_at: null });
    store.clock.advance(1_000);
    messages.transition(id, "acknowledged");
    expect(messages.get(id)).toMatchObject({
      status: "acknowledged",
      delivered_at: "2026-05-27T07:00:02.000Z",
      acknowledged_at: "2026-05-27T07:00:03.000Z",
      updated_at: "2026-05-27T07:00:03.000Z",
    });
  });

  it("retries a failed message and records every attempt", () => {
    const { message_id: id } = send("team_a", "dev");
    messages.claimForDelivery(id);
    messages.transition(id, "failed", { reason: "pane_missing", error: "pane %3 is gone" });
    messages.transition(id, "accepted", { reason: "retry" });
    expect(messages.get(id)).toMatchObject({ status: "accepted", error: "pane %3 is gone" });
    const second = messages.claimForDelivery(id);
    expect(second?.delivery_attempts).toBe(2);
    messages.transition(id, "pasted");
    messages.transition(id, "failed", { error: "not visible" });
    messages.transition(id, "accepted");
    messages.claimForDelivery(id);
    messages.transition(id, "pasted");
    messages.transition(id, "submitted");
    const final = messages.get(id);
    // The error is only ever replaced by a newer one, never cleared by a success.
    expect(final).toMatchObject({ status: "submitted", delivery_attempts: 3, error: "not visible" });
    expect(messages.attempts(id).map((a) => [a.attempt, a.from_status, a.to_status, a.reason])).toEqual([
      [0, null, "accepted", "created"],
      [1, "accepted", "target_resolved", "claimed"],
      [1, "target_resolved", "failed", "pane_missing"],
      [1, "failed", "accepted", "retry"],
      [2, "accepted", "target_resolved", "claimed"],
      [2, "target_resolved", "pasted", null],
      [2, "pasted", "failed", null],
      [2, "failed", "accepted", null],
      [3, "accepted", "target_resolved", "claimed"],
      [3, "target_resolved", "pasted", null],
      [3, "pasted", "submitted", null],
    ]);
  });

  it("keeps acknowledged when the deliverer reports progress after the worker acked", () => {
    const { message_id: id } = send("team_a", "dev", { taskId: "t1" });
    messages.claimForDelivery(id);
    messages.transition(id, "pasted");
    expect(messages.acknowledgeByTask("team_a", "dev", "t1")).toEqual([id]);
    const acked = messages.get(id);
    store.clock.advance(2_000);
    for (const late of ["visible", "submitted", "pasted", "target_resolved"] as const) {
      expect(messages.transition(id, late)).toEqual({ changed: false, status: "acknowledged", message: acked });
    }
    expect(messages.get(id)).toEqual(acked);
    expect(() => messages.transition(id, "failed")).toThrow(TeamRuntimeError);
  });
});

describe("acknowledgement", () => {
  it("acknowledges the recipient's open messages for the task, and nothing else", () => {
    const open = [send("team_a", "dev", { taskId: "t1" }), send("team_a", "dev", { taskId: "t1" })];
    messages.claimForDelivery(open[1]!.message_id);
    const submitted = send("team_a", "dev", { taskId: "t1" });
    messages.claimForDelivery(submitted.message_id);
    messages.transition(submitted.message_id, "pasted");
    messages.transition(submitted.message_id, "submitted");
    const failed = send("team_a", "dev", { taskId: "t1" });
    messages.transition(failed.message_id, "failed", { error: "x" });
    const otherTask = send("team_a", "dev", { taskId: "t2" });
    const otherAgent = send("team_a", "qa", { taskId: "t1" });
    const otherTeam = send("team_b", "dev", { taskId: "t1" });
    store.clock.advance(1_000);

    const acked = messages.acknowledgeByTask("team_a", "dev", "t1");
    expect(acked).toEqual([open[0]!.message_id, open[1]!.message_id, submitted.message_id]);
    for (const id of acked) {
      expect(messages.get(id)).toMatchObject({ status: "acknowledged", acknowledged_at: "2026-05-27T07:00:01.000Z" });
      expect(messages.attempts(id).at(-1)).toMatchObject({ to_status: "acknowledged", reason: "acknowledged_by_task" });
    }
    expect(messages.get(failed.message_id)?.status).toBe("failed");
    for (const untouched of [otherTask, otherAgent, otherTeam]) {
      expect(messages.get(untouched.message_id)?.status).toBe("accepted");
    }
    expect(messages.acknowledgeByTask("team_a", "dev", "t1")).toEqual([]);
  });

  it("acknowledges one message once", () => {
    const { message_id: id } = send("team_a", "dev");
    expect(messages.acknowledgeMessage(id)).toEqual([id]);
    expect(messages.acknowledgeMessage(id)).toEqual([]);
    expect(messages.acknowledgeMessage("msg_000000000000")).toEqual([]);
    expect(messages.attempts(id).filter((a) => a.to_status === "acknowledged")).toHaveLength(1);
  });
});

describe("pending work and stale claims", () => {
  it("lists accepted messages oldest first", () => {
    const first = send("team_a", "dev");
    store.clock.advance(10);
    const claimed = send("team_a", "dev");
    messages.claimForDelivery(claimed.message_id);
    const second = send("team_a", "qa");
    send("team_b", "dev");
    expect(messages.listPending("team_a").map((m) => m.message_id)).toEqual([first.message_id, second.message_id]);
    expect(messages.listPending("team_a", 1).map((m) => m.message_id)).toEqual([first.message_id]);
  });

  it("reclaims target_resolved and pasted messages whose deliverer went quiet", () => {
    const staleClaim = send("team_a", "dev");
    messages.claimForDelivery(staleClaim.message_id);
    const stalePaste = send("team_a", "dev");
    messages.claimForDelivery(stalePaste.message_id);
    messages.transition(stalePaste.message_id, "pasted");
    const staleVisible = send("team_a", "dev");
    messages.claimForDelivery(staleVisible.message_id);
    messages.transition(staleVisible.message_id, "pasted");
    messages.transition(staleVisible.message_id, "visible");
    const otherTeam = send("team_b", "dev");
    messages.claimForDelivery(otherTeam.message_id);
    store.clock.advance(120_000);
    const fresh = send("team_a", "dev");
    messages.claimForDelivery(fresh.message_id);
    const cutoff = new Date(store.clock.now().getTime() - 60_000).toISOString();

    expect(messages.reclaimStale("team_a", cutoff)).toEqual([staleClaim.message_id, stalePaste.message_id]);
    for (const id of [staleClaim.message_id, stalePaste.message_id]) {
      expect(messages.get(id)?.status).toBe("accepted");
      expect(messages.attempts(id).at(-1)).toMatchObject({ to_status: "accepted", reason: "stale_claim" });
      expect(messages.claimForDelivery(id)?.delivery_attempts).toBe(2);
    }
    expect(messages.get(staleVisible.message_id)?.status).toBe("visible");
    expect(messages.get(fresh.message_id)?.status).toBe("target_resolved");
    expect(messages.get(otherTeam.message_id)?.status).toBe("target_resolved");
  });

  it("reclaims in-flight messages whose claimer the predicate declares gone, whatever their age", () => {
    const dead = send("team_a", "dev");
    messages.claimForDelivery(dead.message_id, "claimed_by:dead");
    const deadPasted = send("team_a", "qa");
    messages.claimForDelivery(deadPasted.message_id, "claimed_by:dead");
    messages.transition(deadPasted.message_id, "pasted");
    const live = send("team_a", "dev");
    messages.claimForDelivery(live.message_id, "claimed_by:live");
    const delivered = send("team_a", "ops");
    messages.claimForDelivery(delivered.message_id, "claimed_by:dead");
    messages.transition(delivered.message_id, "pasted");
    messages.transition(delivered.message_id, "submitted");
    const deadVisible = send("team_a", "ops");
    messages.claimForDelivery(deadVisible.message_id, "claimed_by:dead");
    messages.transition(deadVisible.message_id, "pasted");
    messages.transition(deadVisible.message_id, "visible");
    const seen: (string | null)[] = [];

    const reclaimed = messages.reclaimAbandoned("team_a", (reason) => {
      seen.push(reason);
      return reason === "claimed_by:dead";
    });

    expect(reclaimed).toEqual([dead.message_id, deadPasted.message_id]);
    expect(seen).toEqual(["claimed_by:dead", "claimed_by:dead", "claimed_by:live"]);
    expect(messages.attempts(dead.message_id).at(-1)).toMatchObject({
      to_status: "accepted",
      reason: "abandoned_claim",
    });
    expect(messages.get(live.message_id)?.status).toBe("target_resolved");
    expect(messages.get(delivered.message_id)?.status).toBe("submitted");
    // A visible paste may already have been submitted: it is listed for its recovery, never put back.
    expect(messages.get(deadVisible.message_id)?.status).toBe("visible");
    expect(
      messages.listInFlight("team_a").map(({ message, claimReason }) => [message.message_id, claimReason]),
    ).toEqual([
      [live.message_id, "claimed_by:live"],
      [deadVisible.message_id, "claimed_by:dead"],
    ]);
  });
});

describe("inbox and counts", () => {
  it("returns the newest N messages sent by or to the agent, oldest first", () => {
    const ids: string[] = [];
    ids.push(send("team_a", "dev", { content: "1" }).message_id);
    store.clock.advance(1);
    ids.push(send("team_a", "leader", { sender: "dev", content: "2" }).message_id);
    send("team_a", "qa", { content: "unrelated" });
    send("team_b", "dev", { content: "other team" });
    store.clock.advance(1);
    // Two messages in the same millisecond keep their insertion order.
    ids.push(send("team_a", "dev", { content: "3" }).message_id);
    ids.push(send("team_a", "qa", { sender: "dev", content: "4" }).message_id);
    store.clock.advance(1);
    // A note to self is listed once, not once as sent and once as received.
    ids.push(send("team_a", "dev", { sender: "dev", content: "5" }).message_id);

    expect(messages.inbox("team_a", "dev", 3).map((m) => m.content)).toEqual(["3", "4", "5"]);
    expect(messages.inbox("team_a", "dev").map((m) => m.message_id)).toEqual(ids);
    expect(messages.inbox("team_b", "dev").map((m) => m.content)).toEqual(["other team"]);
  });

  it("counts every status of the team, zeros included", () => {
    send("team_a", "dev");
    const claimed = send("team_a", "dev");
    messages.claimForDelivery(claimed.message_id);
    const failed = send("team_a", "dev");
    messages.transition(failed.message_id, "failed", { error: "x" });
    send("team_b", "dev");
    expect(messages.countsByStatus("team_a")).toEqual({
      accepted: 1,
      target_resolved: 1,
      pasted: 0,
      visible: 0,
      submitted: 0,
      acknowledged: 0,
      failed: 1,
    });
    expect(messages.countsByStatus("team_c").accepted).toBe(0);
  });
});
