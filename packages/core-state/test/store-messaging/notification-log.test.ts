import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import {
  extractResultId,
  LeaderNotificationLog,
  type NotificationClaim,
  notificationContentHash,
} from "../../src/store/notification-log.js";
import { useTempStore } from "../helpers/temp-store.js";
import { race } from "./race.js";

const store = useTempStore({ start: "2026-05-27T07:00:00.000Z" });
let log: LeaderNotificationLog;

beforeEach(() => {
  log = new LeaderNotificationLog(store.ctx);
});

const TEXT = "Task t1 reported success from dev: done\nResult id: res_0123456789ab\nThe result was collected.";

function claimOf(overrides: Partial<NotificationClaim> = {}): NotificationClaim {
  return {
    resultId: "res_0123456789ab",
    teamId: "team_a",
    ownerEpoch: 3,
    leaderSessionUuid: "0123456789abcdef0123456789abcdef",
    messageId: "msg_000000000001",
    leaderPaneId: "%1",
    text: TEXT,
    ...overrides,
  };
}

describe("extractResultId and the content hash", () => {
  it("finds the Result id line of a notification", () => {
    expect(extractResultId(TEXT)).toBe("res_0123456789ab");
    expect(extractResultId("  Result id: res_abc  ")).toBe("res_abc");
    expect(extractResultId("mentions Result id: res_abc inline")).toBeNull();
    expect(extractResultId("Result id: not-a-result")).toBeNull();
    expect(extractResultId("plain message")).toBeNull();
  });

  it("hashes to the first 16 hex digits of SHA-256", () => {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(notificationContentHash("abc")).toBe("ba7816bf8f01cfea");
  });
});

describe("LeaderNotificationLog.claim", () => {
  it("lets the first claim through and reports it to every later one", () => {
    expect(log.peek(claimOf())).toBeNull();
    expect(log.claim(claimOf())).toEqual({ outcome: "claimed_by_you" });
    store.clock.advance(5_000);
    const again = log.claim(claimOf({ messageId: "msg_000000000002", leaderPaneId: "%9" }));
    const first = {
      outcome: "already_notified_by",
      notified_message_id: "msg_000000000001",
      notified_at: "2026-05-27T07:00:00.000Z",
      envelope_content_hash: notificationContentHash(TEXT),
      leader_pane_id_at_notify: "%1",
    };
    expect(again).toEqual(first);
    expect(log.peek(claimOf())).toEqual(first);
    expect(store.events.named("leader_notification.dedupe_skip")).toHaveLength(1);
    expect(store.events.named("leader_notification.dedupe_skip")[0]).toMatchObject({
      result_id: "res_0123456789ab",
      message_id: "msg_000000000002",
      notified_message_id: "msg_000000000001",
    });
    expect(store.events.named("leader_notification.legitimate_duplicate_suspected")).toEqual([]);
  });

  it("keeps the first hash and flags a different text as a suspected legitimate duplicate", () => {
    log.claim(claimOf());
    const other = log.claim(claimOf({ messageId: "msg_000000000002", text: `${TEXT}\nTests: cmd=passed` }));
    expect(other).toMatchObject({
      outcome: "already_notified_by",
      envelope_content_hash: notificationContentHash(TEXT),
    });
    const [event] = store.events.named("leader_notification.legitimate_duplicate_suspected");
    expect(event).toMatchObject({
      envelope_content_hash: notificationContentHash(TEXT),
      new_content_hash: notificationContentHash(`${TEXT}\nTests: cmd=passed`),
    });
    expect(store.events.named("leader_notification.dedupe_skip")).toEqual([]);
  });

  it("allows one more notification per new owner epoch and keeps teams apart", () => {
    expect(log.claim(claimOf())).toEqual({ outcome: "claimed_by_you" });
    expect(log.claim(claimOf({ ownerEpoch: 4, messageId: "msg_000000000002" }))).toEqual({ outcome: "claimed_by_you" });
    expect(log.claim(claimOf({ teamId: "team_b", messageId: "msg_000000000003" }))).toEqual({
      outcome: "claimed_by_you",
    });
    expect(log.claim(claimOf({ ownerEpoch: 4, messageId: "msg_000000000004" }))).toMatchObject({
      notified_message_id: "msg_000000000002",
    });
  });

  it("refuses a key without a usable owner epoch", () => {
    for (const ownerEpoch of [-1, 1.5, Number.NaN]) {
      expect(() => log.claim(claimOf({ ownerEpoch }))).toThrow(ValidationError);
    }
    expect(() => log.claim(claimOf({ resultId: "" }))).toThrow(ValidationError);
  });

  it("gives exactly one of 8 racing processes the claim; the rest see the winner", async () => {
    const outcomes = await race(
      Array.from({ length: 8 }, (_, index) => [
        "notify",
        store.dbPath,
        "team_a",
        "res_0123456789ab",
        "7",
        `msg_00000000000${index}`,
        TEXT,
      ]),
    );
    for (const outcome of outcomes) expect(outcome.code, outcome.stderr).toBe(0);
    const winners = outcomes.filter((outcome) => outcome.result.outcome === "claimed_by_you");
    expect(winners).toHaveLength(1);
    const winnerMessage = winners[0]?.result.message_id;
    const losers = outcomes.filter((outcome) => outcome.result.outcome === "already_notified_by");
    expect(losers).toHaveLength(7);
    for (const loser of losers) {
      expect(loser.result.notified_message_id).toBe(winnerMessage);
      expect(loser.result.events).toEqual(["leader_notification.dedupe_skip"]);
    }
    expect(log.peek({ resultId: "res_0123456789ab", teamId: "team_a", ownerEpoch: 7 })?.notified_message_id).toBe(
      winnerMessage,
    );
  });
});

describe("LeaderNotificationLog.prune", () => {
  it("removes entries older than 24 hours and keeps recent ones", () => {
    log.claim(claimOf({ resultId: "res_old" }));
    store.clock.advance(24 * 3_600_000);
    log.claim(claimOf({ resultId: "res_fresh" }));
    store.clock.advance(1 * 3_600_000);
    // Now the first entry is 25 h old and the second 1 h old.
    expect(log.prune()).toBe(1);
    expect(log.peek(claimOf({ resultId: "res_old" }))).toBeNull();
    expect(log.peek(claimOf({ resultId: "res_fresh" }))).not.toBeNull();
    expect(store.events.named("leader_notification.log_pruned")).toEqual([expect.objectContaining({ removed: 1 })]);
    expect(log.prune()).toBe(0);
    expect(store.events.named("leader_notification.log_pruned")).toHaveLength(1);
  });

  it("never throws: a failing prune is reported as an event", () => {
    store.ctx.db.close();
    expect(log.prune()).toBe(0);
    expect(store.events.named("leader_notification.prune_failed")).toHaveLength(1);
  });
});
