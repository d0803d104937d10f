import type Database from "better-sqlite3";
import { TeamRuntimeError, ValidationError } from "../errors.js";
import { assertSafeId, newWatcherId } from "../ids.js";
import { isOneOf } from "../spec/constants.js";
import { normalizeIso } from "../time.js";
import { type StoreContext, sqlStringList } from "./connection.js";
import { assertMessageId } from "./messages.js";

/**
 * Result watchers (spec 01 §8.3): "tell the leader when this task's result arrives". A watcher starts `pending`;
 * delivery marks it `notified` or `notify_failed`; duplicates for one result become `superseded`; the
 * MAX_NOTIFY_ATTEMPTS-th failed attempt makes it `delivery_exhausted`. Requeueing puts it back to `notify_failed`.
 */
export const WATCHER_STATUSES = ["pending", "notified", "notify_failed", "superseded", "delivery_exhausted"] as const;
export type WatcherStatus = (typeof WATCHER_STATUSES)[number];

/** Statuses a delivery pass picks up. */
export const RETRYABLE_WATCHER_STATUSES: readonly WatcherStatus[] = ["pending", "notify_failed"];

/** Delivery attempts (`notified` + `notify_failed` marks) before a watcher gives up. */
export const MAX_NOTIFY_ATTEMPTS = 5;

/** Statuses `mark` may set; `pending` comes back only through a requeue. */
export type WatcherMark = Exclude<WatcherStatus, "pending">;

export interface ResultWatcherRow {
  watcher_id: string;
  team_id: string;
  task_id: string | null;
  agent_id: string | null;
  message_id: string | null;
  leader_id: string;
  status: WatcherStatus;
  attempts: number;
  created_at: string;
  completed_at: string | null;
  result_id: string | null;
  notified_message_id: string | null;
  error: string | null;
}

export interface NewWatcher {
  taskId?: string | null;
  agentId?: string | null;
  messageId?: string | null;
  leaderId?: string;
}

export interface WatcherMarkFields {
  resultId?: string | null;
  notifiedMessageId?: string | null;
  error?: string | null;
}

const WATCHER_COLUMNS =
  "watcher_id, team_id, task_id, agent_id, message_id, leader_id, status, attempts, created_at, completed_at, result_id, notified_message_id, error";

/** A watcher matches a result when each of its task/agent ids is empty or equal to the result's. */
export function watcherMatches(
  watcher: Pick<ResultWatcherRow, "task_id" | "agent_id">,
  result: { task_id: string; agent_id: string },
): boolean {
  const fits = (wanted: string | null, actual: string) => wanted === null || wanted === "" || wanted === actual;
  return fits(watcher.task_id, result.task_id) && fits(watcher.agent_id, result.agent_id);
}

/** A watcher is delivered to only while retryable and never after a notification message was recorded for it. */
export function watcherNeedsDelivery(watcher: Pick<ResultWatcherRow, "status" | "notified_message_id">): boolean {
  return RETRYABLE_WATCHER_STATUSES.includes(watcher.status) && watcher.notified_message_id === null;
}

export class ResultWatchersRepo {
  private readonly ctx: StoreContext;
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[string], ResultWatcherRow>;
  private readonly retryableStmt: Database.Statement<[string], ResultWatcherRow>;
  private readonly listStmt: Database.Statement<[string], ResultWatcherRow>;
  private readonly markStmt: Database.Statement;
  private readonly requeueStmt: Database.Statement;
  private readonly exhaustedStmt: Database.Statement<[string], { watcher_id: string }>;
  private readonly unnotifiedStmt: Database.Statement<
    { team_id: string; since: string | null },
    { watcher_id: string }
  >;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
    const db = ctx.db;
    this.insertStmt = db.prepare(
      `INSERT INTO result_watchers (${WATCHER_COLUMNS}) VALUES (@watcher_id, @team_id, @task_id, @agent_id, @message_id, @leader_id, 'pending', 0, @created_at, NULL, NULL, NULL, NULL)`,
    );
    this.getStmt = db.prepare(`SELECT ${WATCHER_COLUMNS} FROM result_watchers WHERE watcher_id = ?`);
    this.retryableStmt = db.prepare(
      `SELECT ${WATCHER_COLUMNS} FROM result_watchers WHERE team_id = ? AND status IN (${sqlStringList(RETRYABLE_WATCHER_STATUSES)}) ORDER BY created_at, watcher_id`,
    );
    this.listStmt = db.prepare(
      `SELECT ${WATCHER_COLUMNS} FROM result_watchers WHERE team_id = ? ORDER BY created_at, watcher_id`,
    );
    this.markStmt = db.prepare(
      `UPDATE result_watchers SET status = @status, attempts = @attempts, completed_at = @now,
         result_id = COALESCE(@result_id, result_id),
         notified_message_id = COALESCE(@notified_message_id, notified_message_id),
         error = COALESCE(@error, error)
       WHERE watcher_id = @watcher_id`,
    );
    // Requeue restarts the attempt count and clears completed_at but keeps notified_message_id, which is what
    // stops a watcher whose notification did go out from being delivered twice.
    this.requeueStmt = db.prepare(
      "UPDATE result_watchers SET status = 'notify_failed', attempts = 0, completed_at = NULL, error = @error WHERE watcher_id = @watcher_id",
    );
    this.exhaustedStmt = db.prepare(
      "SELECT watcher_id FROM result_watchers WHERE team_id = ? AND status = 'delivery_exhausted' ORDER BY created_at, watcher_id",
    );
    // Superseded watchers are left alone: their primary carries the notification for that result.
    this.unnotifiedStmt = db.prepare(
      `SELECT watcher_id FROM result_watchers WHERE team_id = @team_id AND notified_message_id IS NULL
         AND status NOT IN ('pending', 'superseded')
         AND (@since IS NULL OR created_at >= @since OR completed_at >= @since)
       ORDER BY created_at, watcher_id`,
    );
  }

  create(teamId: string, input: NewWatcher = {}): ResultWatcherRow {
    assertSafeId("team", teamId, "/team_id");
    if (input.taskId) assertSafeId("task", input.taskId, "/task_id");
    if (input.agentId) assertSafeId("agent", input.agentId, "/agent_id");
    if (input.messageId != null) assertMessageId(input.messageId, "/message_id");
    const leaderId = assertSafeId("leader", input.leaderId ?? "leader", "/leader_id");
    const watcherId = newWatcherId();
    return this.ctx.write("result_watchers.create", () => {
      this.insertStmt.run({
        watcher_id: watcherId,
        team_id: teamId,
        task_id: input.taskId || null,
        agent_id: input.agentId || null,
        message_id: input.messageId ?? null,
        leader_id: leaderId,
        created_at: this.ctx.now(),
      });
      return this.mustGet(watcherId);
    });
  }

  get(watcherId: string): ResultWatcherRow | null {
    return this.ctx.read(() => this.getStmt.get(watcherId)) ?? null;
  }

  list(teamId: string): ResultWatcherRow[] {
    return this.ctx.read(() => this.listStmt.all(teamId));
  }

  /** Pending and notify_failed watchers, earliest first (the first match for a result is its primary). */
  listRetryable(teamId: string): ResultWatcherRow[] {
    return this.ctx.read(() => this.retryableStmt.all(teamId));
  }

  /** Retryable watchers waiting for this result, primary first. */
  findMatching(teamId: string, result: { task_id: string; agent_id: string }): ResultWatcherRow[] {
    return this.listRetryable(teamId).filter((watcher) => watcherMatches(watcher, result));
  }

  /**
   * Records an outcome. `completed_at` is always set; result_id, notified_message_id and error are only ever
   * replaced by non-null values. `notified` and `notify_failed` each count one attempt; the failure that reaches
   * MAX_NOTIFY_ATTEMPTS turns into `delivery_exhausted`.
   */
  mark(watcherId: string, status: WatcherMark, fields: WatcherMarkFields = {}): ResultWatcherRow {
    // Checked at run time too: callers outside TypeScript (CLI, MCP) may pass any string.
    const requested: string = status;
    if (!isOneOf(WATCHER_STATUSES, requested) || requested === "pending") {
      const message = `cannot mark a result watcher ${JSON.stringify(status)}`;
      throw new ValidationError(message, [{ pointer: "/status", message }], {
        code: "invalid_watcher_status",
        action: `Use one of ${WATCHER_STATUSES.filter((s) => s !== "pending").join(", ")}; requeue to retry.`,
      });
    }
    return this.ctx.write("result_watchers.mark", () => {
      const current = this.mustGet(watcherId);
      const counts = status === "notified" || status === "notify_failed";
      const attempts = current.attempts + (counts ? 1 : 0);
      const finalStatus = status === "notify_failed" && attempts >= MAX_NOTIFY_ATTEMPTS ? "delivery_exhausted" : status;
      this.markStmt.run({
        watcher_id: watcherId,
        status: finalStatus,
        attempts,
        now: this.ctx.now(),
        result_id: fields.resultId ?? null,
        notified_message_id: fields.notifiedMessageId ?? null,
        error: fields.error ?? null,
      });
      return this.mustGet(watcherId);
    });
  }

  /** Gives exhausted watchers a fresh round of attempts (e.g. after the leader re-attached). Returns their ids. */
  requeueExhausted(teamId: string, error: string): string[] {
    return this.requeue("result_watchers.requeue_exhausted", error, () => this.exhaustedStmt.all(teamId));
  }

  /**
   * After a leader claim: every watcher of the team that never got a notification message out (optionally only
   * those created or completed since `sinceIso`) goes back to `notify_failed`. Pending ones are already queued.
   */
  requeueUnnotified(teamId: string, options: { error: string; sinceIso?: string }): string[] {
    const since = options.sinceIso === undefined ? null : normalizeIso(options.sinceIso);
    return this.requeue("result_watchers.requeue_unnotified", options.error, () =>
      this.unnotifiedStmt.all({ team_id: teamId, since }),
    );
  }

  private requeue(operation: string, error: string, select: () => Array<{ watcher_id: string }>): string[] {
    return this.ctx.write(operation, () =>
      select().map(({ watcher_id }) => {
        this.requeueStmt.run({ watcher_id, error });
        return watcher_id;
      }),
    );
  }

  private mustGet(watcherId: string): ResultWatcherRow {
    const row = this.getStmt.get(watcherId);
    if (row) return row;
    throw new TeamRuntimeError(
      "watcher_not_found",
      `result watcher ${watcherId} does not exist`,
      "Check the watcher id (`team-agent status --json` lists watchers).",
      { details: { watcher_id: watcherId } },
    );
  }
}
