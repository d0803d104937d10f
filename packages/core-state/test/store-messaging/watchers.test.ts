import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import {
  MAX_NOTIFY_ATTEMPTS,
  ResultWatchersRepo,
  type WatcherMark,
  watcherMatches,
  watcherNeedsDelivery,
} from "../../src/store/watchers.js";
import { useTempStore } from "../helpers/temp-store.js";

const store = useTempStore({ start: "2026-05-27T07:00:00.000Z" });
let watchers: ResultWatchersRepo;

beforeEach(() => {
  watchers = new ResultWatchersRepo(store.ctx);
});

describe("ResultWatchersRepo", () => {
  it("creates a pending watcher for the leader", () => {
    const watcher = watchers.create("team_a", { taskId: "t1", agentId: "dev", messageId: "msg_0123456789ab" });
    expect(watcher).toEqual({
      watcher_id: expect.stringMatching(/^watch_[0-9a-f]{12}$/),
      team_id: "team_a",
      task_id: "t1",
      agent_id: "dev",
      message_id: "msg_0123456789ab",
      leader_id: "leader",
      status: "pending",
      attempts: 0,
      created_at: "2026-05-27T07:00:00.000Z",
      completed_at: null,
      result_id: null,
      notified_message_id: null,
      error: null,
    });
    expect(watchers.get(watcher.watcher_id)).toEqual(watcher);
    expect(watchers.get("watch_000000000000")).toBeNull();
  });

  it("matches results by empty-or-equal task and agent ids", () => {
    const result = { task_id: "t1", agent_id: "dev" };
    expect(watcherMatches({ task_id: null, agent_id: null }, result)).toBe(true);
    expect(watcherMatches({ task_id: "", agent_id: "dev" }, result)).toBe(true);
    expect(watcherMatches({ task_id: "t1", agent_id: "dev" }, result)).toBe(true);
    expect(watcherMatches({ task_id: "t2", agent_id: null }, result)).toBe(false);
    expect(watcherMatches({ task_id: "t1", agent_id: "qa" }, result)).toBe(false);

    const any = watchers.create("team_a");
    store.clock.advance(1);
    const byTask = watchers.create("team_a", { taskId: "t1" });
    watchers.create("team_a", { taskId: "t2" });
    watchers.create("team_b", { taskId: "t1" });
    const done = watchers.create("team_a", { taskId: "t1" });
    watchers.mark(done.watcher_id, "notified", { notifiedMessageId: "msg_aaaaaaaaaaaa" });
    expect(watchers.findMatching("team_a", result).map((w) => w.watcher_id)).toEqual([
      any.watcher_id,
      byTask.watcher_id,
    ]);
  });

  it("marks outcomes without ever clearing result, message or error", () => {
    const watcher = watchers.create("team_a", { taskId: "t1" });
    store.clock.advance(1_000);
    const failed = watchers.mark(watcher.watcher_id, "notify_failed", {
      resultId: "res_0123456789ab",
      error: "pane gone",
    });
    expect(failed).toMatchObject({
      status: "notify_failed",
      attempts: 1,
      result_id: "res_0123456789ab",
      error: "pane gone",
      completed_at: "2026-05-27T07:00:01.000Z",
    });
    expect(watcherNeedsDelivery(failed)).toBe(true);
    store.clock.advance(1_000);
    const notified = watchers.mark(watcher.watcher_id, "notified", { notifiedMessageId: "msg_0123456789ab" });
    expect(notified).toMatchObject({
      status: "notified",
      attempts: 2,
      result_id: "res_0123456789ab",
      notified_message_id: "msg_0123456789ab",
      error: "pane gone",
      completed_at: "2026-05-27T07:00:02.000Z",
    });
    expect(watcherNeedsDelivery(notified)).toBe(false);
  });

  it("supersedes without counting an attempt and refuses to mark pending or unknown statuses", () => {
    const watcher = watchers.create("team_a");
    expect(watchers.mark(watcher.watcher_id, "superseded", { resultId: "res_0123456789ab" })).toMatchObject({
      status: "superseded",
      attempts: 0,
    });
    for (const status of ["pending", "done"]) {
      expect(() => watchers.mark(watcher.watcher_id, status as WatcherMark)).toThrow(ValidationError);
    }
    expect(() => watchers.mark("watch_000000000000", "notified")).toThrow(
      expect.objectContaining({ code: "watcher_not_found" }),
    );
  });

  it("gives up after five failed attempts and can be requeued keeping notified_message_id", () => {
    const watcher = watchers.create("team_a", { taskId: "t1" });
    // The message id survives an earlier (lost) notification: its presence must block re-delivery later.
    watchers.mark(watcher.watcher_id, "notify_failed", { notifiedMessageId: "msg_0123456789ab", error: "e1" });
    for (let attempt = 2; attempt < MAX_NOTIFY_ATTEMPTS; attempt += 1) {
      expect(watchers.mark(watcher.watcher_id, "notify_failed", { error: `e${attempt}` }).status).toBe("notify_failed");
    }
    const exhausted = watchers.mark(watcher.watcher_id, "notify_failed", { error: "e5" });
    expect(exhausted).toMatchObject({ status: "delivery_exhausted", attempts: MAX_NOTIFY_ATTEMPTS, error: "e5" });
    expect(watchers.listRetryable("team_a")).toEqual([]);

    const other = watchers.create("team_b");
    for (let i = 0; i < MAX_NOTIFY_ATTEMPTS; i += 1) watchers.mark(other.watcher_id, "notify_failed");

    expect(watchers.requeueExhausted("team_a", "leader re-attached")).toEqual([watcher.watcher_id]);
    const requeued = watchers.get(watcher.watcher_id);
    expect(requeued).toMatchObject({
      status: "notify_failed",
      attempts: 0,
      completed_at: null,
      error: "leader re-attached",
      notified_message_id: "msg_0123456789ab",
    });
    expect(watchers.listRetryable("team_a").map((w) => w.watcher_id)).toEqual([watcher.watcher_id]);
    expect(watcherNeedsDelivery(requeued!)).toBe(false);
    expect(watchers.get(other.watcher_id)?.status).toBe("delivery_exhausted");
    expect(watchers.requeueExhausted("team_a", "again")).toEqual([]);
  });

  it("requeues unnotified watchers after a leader claim, optionally only recent ones", () => {
    const old = watchers.create("team_a");
    watchers.mark(old.watcher_id, "notify_failed", { error: "x" });
    store.clock.advance(60_000);
    const incident = store.clock.iso();
    const recent = watchers.create("team_a");
    for (let i = 0; i < MAX_NOTIFY_ATTEMPTS; i += 1) watchers.mark(recent.watcher_id, "notify_failed");
    const notified = watchers.create("team_a");
    watchers.mark(notified.watcher_id, "notified", { notifiedMessageId: "msg_0123456789ab" });
    const superseded = watchers.create("team_a");
    watchers.mark(superseded.watcher_id, "superseded");
    const pending = watchers.create("team_a");

    expect(watchers.requeueUnnotified("team_a", { error: "claimed", sinceIso: incident })).toEqual([recent.watcher_id]);
    expect(watchers.requeueUnnotified("team_a", { error: "claimed" })).toEqual([old.watcher_id, recent.watcher_id]);
    expect(watchers.get(recent.watcher_id)).toMatchObject({ status: "notify_failed", attempts: 0, error: "claimed" });
    expect(watchers.get(notified.watcher_id)?.status).toBe("notified");
    expect(watchers.get(superseded.watcher_id)?.status).toBe("superseded");
    expect(watchers.get(pending.watcher_id)?.status).toBe("pending");
  });
});
