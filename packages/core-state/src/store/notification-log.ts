import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { ValidationError } from "../errors.js";
import { isoMinus } from "../time.js";
import type { StoreContext } from "./connection.js";

/**
 * The exactly-once gate for result notifications to the leader (spec 01 §8.3). Before a notification carrying
 * `Result id: res_…` is pasted into the leader pane, the sender claims (result_id, team_id, owner_epoch); only
 * the claimer may paste. A new owner epoch (a leader claim or takeover) legitimately allows one more.
 */
export interface NotificationClaim {
  resultId: string;
  teamId: string;
  ownerEpoch: number;
  leaderSessionUuid?: string | null;
  messageId: string;
  leaderPaneId?: string | null;
  /** The full notification text; only its hash is stored. */
  text: string;
}

export interface NotificationKey {
  resultId: string;
  teamId: string;
  ownerEpoch: number;
}

export interface AlreadyNotified {
  outcome: "already_notified_by";
  notified_message_id: string;
  notified_at: string;
  envelope_content_hash: string | null;
  leader_pane_id_at_notify: string | null;
}

export type ClaimOutcome = { outcome: "claimed_by_you" } | AlreadyNotified;

/** The error a deliverer records on a message it did not paste because the log already held its result. */
export const DEDUPE_SUPPRESSED_ERROR = "dedupe_suppressed_by_leader_notification_log";

export const DEFAULT_PRUNE_HOURS = 24;

const RESULT_ID_LINE = /^[ \t]*Result id:[ \t]*(res_[A-Za-z0-9_-]+)[ \t]*$/m;

/** The result id of a notification text (its `Result id: res_…` line), or null when it is not a notification. */
export function extractResultId(text: string): string | null {
  return RESULT_ID_LINE.exec(text)?.[1] ?? null;
}

/** First 16 hex digits of the SHA-256 of the text: enough to tell "same notification" from "different one". */
export function notificationContentHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}

type StoredRow = Omit<AlreadyNotified, "outcome">;

export class LeaderNotificationLog {
  private readonly ctx: StoreContext;
  private readonly insertStmt: Database.Statement;
  private readonly readStmt: Database.Statement<{ result_id: string; team_id: string; owner_epoch: number }, StoredRow>;
  private readonly pruneStmt: Database.Statement<[string]>;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
    const db = ctx.db;
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO leader_notification_log
         (result_id, team_id, owner_epoch, leader_session_uuid, notified_message_id, notified_at, leader_pane_id_at_notify, envelope_content_hash)
       VALUES (@result_id, @team_id, @owner_epoch, @leader_session_uuid, @notified_message_id, @notified_at, @leader_pane_id_at_notify, @envelope_content_hash)`,
    );
    this.readStmt = db.prepare(
      `SELECT notified_message_id, notified_at, envelope_content_hash, leader_pane_id_at_notify FROM leader_notification_log
       WHERE result_id = @result_id AND team_id = @team_id AND owner_epoch = @owner_epoch`,
    );
    this.pruneStmt = db.prepare("DELETE FROM leader_notification_log WHERE notified_at < ?");
  }

  /**
   * Claims the right to notify. Exactly one caller per key gets `claimed_by_you`; every other one gets the
   * winner's row and an event saying whether its text was the same notification or a different one.
   */
  claim(claim: NotificationClaim): ClaimOutcome {
    const key = toKeyParams(claim);
    const hash = notificationContentHash(claim.text);
    const outcome = this.ctx.write("leader_notification_log.claim", (): ClaimOutcome => {
      const inserted = this.insertStmt.run({
        ...key,
        leader_session_uuid: claim.leaderSessionUuid ?? null,
        notified_message_id: claim.messageId,
        notified_at: this.ctx.now(),
        leader_pane_id_at_notify: claim.leaderPaneId ?? null,
        envelope_content_hash: hash,
      });
      if (inserted.changes === 1) return { outcome: "claimed_by_you" };
      return { outcome: "already_notified_by", ...(this.readStmt.get(key) as StoredRow) };
    });
    // Events go out after the commit, so a retried transaction cannot report twice.
    if (outcome.outcome === "already_notified_by") {
      const same = outcome.envelope_content_hash === hash;
      this.ctx.events.emit(
        same ? "leader_notification.dedupe_skip" : "leader_notification.legitimate_duplicate_suspected",
        {
          result_id: claim.resultId,
          team_id: claim.teamId,
          owner_epoch: claim.ownerEpoch,
          message_id: claim.messageId,
          notified_message_id: outcome.notified_message_id,
          envelope_content_hash: outcome.envelope_content_hash,
          ...(same ? {} : { new_content_hash: hash }),
        },
      );
    }
    return outcome;
  }

  /** Read-only fast path: who already notified this key, or null. A null answer does not reserve anything. */
  peek(key: NotificationKey): AlreadyNotified | null {
    const row = this.ctx.read(() => this.readStmt.get(toKeyParams(key)));
    return row ? { outcome: "already_notified_by", ...row } : null;
  }

  /**
   * Deletes entries notified more than `olderThanHours` ago and returns how many went. Never fatal (it runs on
   * every coordinator tick): a failure is reported as `leader_notification.prune_failed` and counts as 0.
   */
  prune(olderThanHours = DEFAULT_PRUNE_HOURS): number {
    try {
      const cutoff = isoMinus(this.ctx.now(), olderThanHours * 3_600_000);
      const removed = this.ctx.write("leader_notification_log.prune", () => this.pruneStmt.run(cutoff).changes);
      if (removed > 0) this.ctx.events.emit("leader_notification.log_pruned", { removed });
      return removed;
    } catch (error) {
      this.ctx.events.emit("leader_notification.prune_failed", {
        error: error instanceof Error ? error.message : String(error),
      });
      return 0;
    }
  }
}

function toKeyParams(key: NotificationKey): { result_id: string; team_id: string; owner_epoch: number } {
  if (typeof key.resultId !== "string" || key.resultId === "") throw invalidKey("/result_id", "result id is required");
  if (typeof key.teamId !== "string" || key.teamId === "") throw invalidKey("/team_id", "team id is required");
  if (!Number.isSafeInteger(key.ownerEpoch) || key.ownerEpoch < 0) {
    throw invalidKey("/owner_epoch", `owner epoch must be a non-negative integer, got ${String(key.ownerEpoch)}`);
  }
  return { result_id: key.resultId, team_id: key.teamId, owner_epoch: key.ownerEpoch };
}

function invalidKey(pointer: string, message: string): ValidationError {
  return new ValidationError(message, [{ pointer, message }], {
    code: "invalid_notification_key",
    action: "Pass the result id, team id and the leader's current owner epoch.",
  });
}
