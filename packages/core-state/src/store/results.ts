import type Database from "better-sqlite3";
import { assertSafeId, newResultId } from "../ids.js";
import { type ResultEnvelopeV1, validateResultEnvelope } from "../result-envelope-v1.js";
import { fromJsonText, type StoreContext, toJsonText } from "./connection.js";
import { assertMessageId } from "./messages.js";

/** Where a stored result is in collection; kept apart from the envelope's own `status`. */
export type ResultCollection = "uncollected" | "collected" | "invalid";

export interface ResultRow {
  result_id: string;
  team_id: string;
  task_id: string;
  agent_id: string;
  message_id: string | null;
  /** The envelope as stored; a row marked invalid may hold something that no longer validates. */
  envelope: ResultEnvelopeV1;
  status: string;
  collection: ResultCollection;
  collection_error: string | null;
  created_at: string;
  collected_at: string | null;
}

export interface ResultCounts {
  total: number;
  uncollected: number;
  collected: number;
  invalid: number;
  /** Count per envelope status (success, blocked, failed, partial). */
  by_status: Record<string, number>;
}

type RawResult = Omit<ResultRow, "envelope"> & { envelope: string };

const RESULT_COLUMNS =
  "result_id, team_id, task_id, agent_id, message_id, envelope, status, collection, collection_error, created_at, collected_at";

/** Results workers report (spec 01 §8.3 "Results"): stored only after the envelope validates. */
export class ResultsRepo {
  private readonly ctx: StoreContext;
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[string], RawResult>;
  private readonly uncollectedStmt: Database.Statement<[string], RawResult>;
  private readonly collectStmt: Database.Statement<{ result_id: string; now: string }>;
  private readonly invalidStmt: Database.Statement<{ result_id: string; error: string }>;
  private readonly countsStmt: Database.Statement<[string], { collection: string; status: string; n: number }>;
  private readonly latestStmt: Database.Statement<[string, number], RawResult>;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
    const db = ctx.db;
    this.insertStmt = db.prepare(
      `INSERT INTO results (${RESULT_COLUMNS}) VALUES (@result_id, @team_id, @task_id, @agent_id, @message_id, @envelope, @status, 'uncollected', NULL, @created_at, NULL)`,
    );
    this.getStmt = db.prepare(`SELECT ${RESULT_COLUMNS} FROM results WHERE result_id = ?`);
    this.uncollectedStmt = db.prepare(
      `SELECT ${RESULT_COLUMNS} FROM results WHERE team_id = ? AND collection = 'uncollected' ORDER BY created_at, rowid`,
    );
    this.collectStmt = db.prepare(
      "UPDATE results SET collection = 'collected', collected_at = @now WHERE result_id = @result_id AND collection = 'uncollected'",
    );
    this.invalidStmt = db.prepare(
      "UPDATE results SET collection = 'invalid', collection_error = @error WHERE result_id = @result_id AND collection = 'uncollected'",
    );
    // One statement, so both breakdowns come from the same snapshot.
    this.countsStmt = db.prepare(
      "SELECT collection, status, count(*) AS n FROM results WHERE team_id = ? GROUP BY collection, status",
    );
    this.latestStmt = db.prepare(
      `SELECT ${RESULT_COLUMNS} FROM results WHERE team_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    );
  }

  /** Validates `envelope` (nothing is written when it is invalid) and stores it uncollected. */
  add(teamId: string, envelope: unknown, options: { messageId?: string | null } = {}): ResultRow {
    assertSafeId("team", teamId, "/team_id");
    const valid = validateResultEnvelope(envelope);
    const messageId = options.messageId ?? null;
    if (messageId !== null) assertMessageId(messageId, "/message_id");
    const resultId = newResultId();
    return this.ctx.write("results.add", () => {
      this.insertStmt.run({
        result_id: resultId,
        team_id: teamId,
        task_id: valid.task_id,
        agent_id: valid.agent_id,
        message_id: messageId,
        envelope: toJsonText(valid),
        status: valid.status,
        created_at: this.ctx.now(),
      });
      return toResult(this.getStmt.get(resultId) as RawResult);
    });
  }

  get(resultId: string): ResultRow | null {
    const raw = this.ctx.read(() => this.getStmt.get(resultId));
    return raw ? toResult(raw) : null;
  }

  /** Results not yet collected or rejected, oldest first. */
  listUncollected(teamId: string): ResultRow[] {
    return this.ctx.read(() => this.uncollectedStmt.all(teamId)).map(toResult);
  }

  /** Moves uncollected results to `collected`; returns the ids that moved (others were already settled). */
  markCollected(resultIds: readonly string[]): string[] {
    if (resultIds.length === 0) return [];
    return this.ctx.write("results.mark_collected", () => {
      const now = this.ctx.now();
      return resultIds.filter((resultId) => this.collectStmt.run({ result_id: resultId, now }).changes === 1);
    });
  }

  /** Rejects an uncollected result with the reason; returns whether it moved. */
  markInvalid(resultId: string, error: string): boolean {
    return this.ctx.write(
      "results.mark_invalid",
      () => this.invalidStmt.run({ result_id: resultId, error }).changes === 1,
    );
  }

  counts(teamId: string): ResultCounts {
    const counts: ResultCounts = { total: 0, uncollected: 0, collected: 0, invalid: 0, by_status: {} };
    for (const { collection, status, n } of this.ctx.read(() => this.countsStmt.all(teamId))) {
      counts.total += n;
      if (collection === "uncollected" || collection === "collected" || collection === "invalid") {
        counts[collection] += n;
      }
      counts.by_status[status] = (counts.by_status[status] ?? 0) + n;
    }
    return counts;
  }

  /** The newest `limit` results of the team, newest first. */
  latest(teamId: string, limit = 20): ResultRow[] {
    return this.ctx.read(() => this.latestStmt.all(teamId, limit)).map(toResult);
  }
}

function toResult(raw: RawResult): ResultRow {
  return { ...raw, envelope: fromJsonText<ResultEnvelopeV1>(raw.envelope, {} as ResultEnvelopeV1) };
}
