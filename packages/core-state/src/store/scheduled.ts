import type Database from "better-sqlite3";
import { TeamRuntimeError, ValidationError } from "../errors.js";
import { assertSafeId } from "../ids.js";
import { isOneOf } from "../spec/constants.js";
import { normalizeIso } from "../time.js";
import { fromJsonText, type StoreContext, toJsonText } from "./connection.js";

/**
 * Messages and checks the coordinator fires later (spec 01 §8.3 "Scheduled events"). A row goes
 * pending → claimed (one firer won the compare-and-set) → done | failed | retry_scheduled.
 */
export const SCHEDULED_KINDS = ["send", "health_ping", "trust_retry"] as const;
export type ScheduledKind = (typeof SCHEDULED_KINDS)[number];

export const SCHEDULED_OUTCOMES = ["done", "failed", "retry_scheduled"] as const;
export type ScheduledOutcome = (typeof SCHEDULED_OUTCOMES)[number];
export type ScheduledStatus = "pending" | "claimed" | ScheduledOutcome;

export interface ScheduledMessageRow {
  id: number;
  team_id: string;
  due_at: string;
  target: string;
  kind: ScheduledKind;
  payload: unknown;
  status: ScheduledStatus;
  created_at: string;
  claimed_at: string | null;
  fired_at: string | null;
  result: unknown;
}

export interface NewScheduledMessage {
  dueAt: string;
  target: string;
  kind: ScheduledKind;
  payload?: unknown;
}

type RawScheduled = Omit<ScheduledMessageRow, "payload" | "result"> & { payload: string; result: string | null };

const SCHEDULED_COLUMNS =
  "id, team_id, due_at, target, kind, payload, status, created_at, claimed_at, fired_at, result";

export class ScheduledMessagesRepo {
  private readonly ctx: StoreContext;
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[number | bigint], RawScheduled>;
  private readonly dueStmt: Database.Statement<{ team_id: string; now: string; limit: number }, RawScheduled>;
  private readonly listStmt: Database.Statement<[string], RawScheduled>;
  private readonly claimStmt: Database.Statement<{ id: number; now: string }, RawScheduled>;
  private readonly completeStmt: Database.Statement<
    { id: number; status: string; now: string; result: string },
    RawScheduled
  >;
  private readonly releaseStmt: Database.Statement<{ team_id: string; cutoff: string }, { id: number }>;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
    const db = ctx.db;
    this.insertStmt = db.prepare(
      `INSERT INTO scheduled_messages (team_id, due_at, target, kind, payload, status, created_at)
       VALUES (@team_id, @due_at, @target, @kind, @payload, 'pending', @created_at)`,
    );
    this.getStmt = db.prepare(`SELECT ${SCHEDULED_COLUMNS} FROM scheduled_messages WHERE id = ?`);
    this.dueStmt = db.prepare(
      `SELECT ${SCHEDULED_COLUMNS} FROM scheduled_messages WHERE team_id = @team_id AND status = 'pending'
         AND due_at <= @now ORDER BY due_at, id LIMIT @limit`,
    );
    this.listStmt = db.prepare(
      `SELECT ${SCHEDULED_COLUMNS} FROM scheduled_messages WHERE team_id = ? ORDER BY due_at, id`,
    );
    this.claimStmt = db.prepare(
      `UPDATE scheduled_messages SET status = 'claimed', claimed_at = @now WHERE id = @id AND status = 'pending'
       RETURNING ${SCHEDULED_COLUMNS}`,
    );
    this.completeStmt = db.prepare(
      `UPDATE scheduled_messages SET status = @status, fired_at = @now, result = @result WHERE id = @id AND status = 'claimed'
       RETURNING ${SCHEDULED_COLUMNS}`,
    );
    this.releaseStmt = db.prepare(
      `UPDATE scheduled_messages SET status = 'pending', claimed_at = NULL
       WHERE team_id = @team_id AND status = 'claimed' AND claimed_at < @cutoff RETURNING id`,
    );
  }

  schedule(teamId: string, input: NewScheduledMessage): ScheduledMessageRow {
    assertSafeId("team", teamId, "/team_id");
    if (!isOneOf(SCHEDULED_KINDS, input.kind)) {
      throw invalidSchedule("/kind", `unknown scheduled message kind ${JSON.stringify(input.kind)}`);
    }
    assertSafeId("agent", input.target, "/target");
    let dueAt: string;
    try {
      dueAt = normalizeIso(input.dueAt);
    } catch {
      throw invalidSchedule(
        "/due_at",
        `due_at must be an ISO-8601 time with a zone, got ${JSON.stringify(input.dueAt)}`,
      );
    }
    return this.ctx.write("scheduled_messages.schedule", () => {
      const { lastInsertRowid } = this.insertStmt.run({
        team_id: teamId,
        due_at: dueAt,
        target: input.target,
        kind: input.kind,
        payload: toJsonText(input.payload ?? {}),
        created_at: this.ctx.now(),
      });
      return toScheduled(this.getStmt.get(lastInsertRowid) as RawScheduled);
    });
  }

  get(id: number): ScheduledMessageRow | null {
    const raw = this.ctx.read(() => this.getStmt.get(id));
    return raw ? toScheduled(raw) : null;
  }

  list(teamId: string): ScheduledMessageRow[] {
    return this.ctx.read(() => this.listStmt.all(teamId)).map(toScheduled);
  }

  /** Pending rows of the team due at `nowIso` (default: now), in firing order `(due_at, id)`. */
  due(teamId: string, nowIso?: string, limit = 100): ScheduledMessageRow[] {
    const now = nowIso === undefined ? this.ctx.now() : normalizeIso(nowIso);
    return this.ctx.read(() => this.dueStmt.all({ team_id: teamId, now, limit })).map(toScheduled);
  }

  /** Compare-and-set pending → claimed; only the winner gets the row, everyone else null. */
  claim(id: number): ScheduledMessageRow | null {
    const raw = this.ctx.write("scheduled_messages.claim", () => this.claimStmt.get({ id, now: this.ctx.now() }));
    return raw ? toScheduled(raw) : null;
  }

  /** Records how a claimed row fired. Completing a row nobody claimed is refused. */
  complete(id: number, status: ScheduledOutcome, result: unknown = {}): ScheduledMessageRow {
    if (!isOneOf(SCHEDULED_OUTCOMES, status)) {
      throw invalidSchedule("/status", `a scheduled message ends done, failed or retry_scheduled, not ${status}`);
    }
    const raw = this.ctx.write("scheduled_messages.complete", () =>
      this.completeStmt.get({ id, status, now: this.ctx.now(), result: toJsonText(result) }),
    );
    if (raw) return toScheduled(raw);
    throw new TeamRuntimeError(
      "scheduled_not_claimed",
      `scheduled message ${id} is not claimed (missing, or already completed)`,
      "Claim the row with claim() before completing it; a row is completed once.",
      { details: { id } },
    );
  }

  /** Puts rows claimed before `olderThanIso` whose firer never completed them back to pending; returns their ids. */
  reclaimStale(teamId: string, olderThanIso: string): number[] {
    const cutoff = normalizeIso(olderThanIso);
    return this.ctx.write("scheduled_messages.reclaim_stale", () =>
      this.releaseStmt.all({ team_id: teamId, cutoff }).map((row) => row.id),
    );
  }
}

function toScheduled(raw: RawScheduled): ScheduledMessageRow {
  return { ...raw, payload: fromJsonText(raw.payload, null), result: fromJsonText(raw.result, null) };
}

function invalidSchedule(pointer: string, message: string): ValidationError {
  return new ValidationError(message, [{ pointer, message }], {
    code: "invalid_scheduled_message",
    action: `Schedule one of ${SCHEDULED_KINDS.join(", ")} for an agent id, due at an ISO-8601 time.`,
  });
}
