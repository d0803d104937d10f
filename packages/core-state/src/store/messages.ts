import type Database from "better-sqlite3";
import { TeamRuntimeError, ValidationError } from "../errors.js";
import { assertSafeId, isSafeId, newMessageId } from "../ids.js";
import { isOneOf } from "../spec/constants.js";
import { normalizeIso } from "../time.js";
import { fromJsonText, type StoreContext, sqlStringList, toJsonText } from "./connection.js";
import {
  ACKNOWLEDGEABLE_STATUSES,
  decideTransition,
  isMessageStatus,
  MESSAGE_STATUSES,
  type MessageStatus,
  STALE_RECLAIMABLE_STATUSES,
} from "./message-states.js";

/** Claimed and not yet submitted: a deliverer owns these. */
const IN_FLIGHT_STATUSES: readonly MessageStatus[] = [...STALE_RECLAIMABLE_STATUSES, "visible"];

export interface MessageRow {
  message_id: string;
  team_id: string;
  task_id: string | null;
  sender: string;
  recipient: string;
  reply_to: string | null;
  requires_ack: boolean;
  status: MessageStatus;
  content: string;
  artifact_refs: unknown[];
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  acknowledged_at: string | null;
  error: string | null;
  delivery_attempts: number;
}

export interface MessageAttemptRow {
  id: number;
  message_id: string;
  attempt: number;
  from_status: MessageStatus | null;
  to_status: MessageStatus;
  reason: string | null;
  at: string;
}

export interface NewMessage {
  sender: string;
  recipient: string;
  content: string;
  taskId?: string | null;
  replyTo?: string | null;
  requiresAck?: boolean;
  artifactRefs?: unknown[];
}

export interface TransitionResult {
  /** False when the transition was a sticky no-op on an acknowledged message. */
  changed: boolean;
  status: MessageStatus;
  message: MessageRow;
}

type RawMessage = Omit<MessageRow, "requires_ack" | "artifact_refs"> & { requires_ack: number; artifact_refs: string };

const MESSAGE_COLUMNS =
  "message_id, team_id, task_id, sender, recipient, reply_to, requires_ack, status, content, artifact_refs, created_at, updated_at, delivered_at, acknowledged_at, error, delivery_attempts";

const ATTEMPT_COLUMNS = "id, message_id, attempt, from_status, to_status, reason, at";

/**
 * Messages and their delivery attempts (D4). A message is stored before anyone tries to deliver it; each status
 * change is checked against the state table and leaves one `message_attempts` row, so `status` can always say
 * where a message is and why.
 */
export class MessagesRepo {
  private readonly ctx: StoreContext;
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[string], RawMessage>;
  private readonly claimStmt: Database.Statement<{ message_id: string; now: string }, RawMessage>;
  private readonly updateStatusStmt: Database.Statement;
  private readonly attemptStmt: Database.Statement;
  private readonly attemptsStmt: Database.Statement<[string], MessageAttemptRow>;
  private readonly ackCandidatesByTaskStmt: Database.Statement<[string, string, string], RawMessage>;
  private readonly ackStmt: Database.Statement;
  private readonly pendingStmt: Database.Statement<[string, number], RawMessage>;
  private readonly staleStmt: Database.Statement<[string, string], RawMessage>;
  private readonly inFlightStmt: Database.Statement<[string], RawMessage & { claim_reason: string | null }>;
  private readonly inboxStmt: Database.Statement<{ team_id: string; agent_id: string; limit: number }, RawMessage>;
  private readonly countsStmt: Database.Statement<[string], { status: string; n: number }>;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
    const db = ctx.db;
    this.insertStmt = db.prepare(
      `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (@message_id, @team_id, @task_id, @sender, @recipient, @reply_to, @requires_ack, @status, @content, @artifact_refs, @created_at, @updated_at, NULL, NULL, NULL, 0)`,
    );
    this.getStmt = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE message_id = ?`);
    this.claimStmt = db.prepare(
      `UPDATE messages SET status = 'target_resolved', delivery_attempts = delivery_attempts + 1, updated_at = @now
       WHERE message_id = @message_id AND status = 'accepted' RETURNING ${MESSAGE_COLUMNS}`,
    );
    this.updateStatusStmt = db.prepare(
      `UPDATE messages SET status = @to, updated_at = @now,
         delivered_at = CASE WHEN @to = 'submitted' THEN @now ELSE delivered_at END,
         acknowledged_at = CASE WHEN @to = 'acknowledged' THEN @now ELSE acknowledged_at END,
         error = COALESCE(@error, error)
       WHERE message_id = @message_id`,
    );
    this.attemptStmt = db.prepare(
      "INSERT INTO message_attempts (message_id, attempt, from_status, to_status, reason, at) VALUES (@message_id, @attempt, @from_status, @to_status, @reason, @at)",
    );
    this.attemptsStmt = db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM message_attempts WHERE message_id = ? ORDER BY id`);
    this.ackCandidatesByTaskStmt = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE team_id = ? AND recipient = ? AND task_id = ?
         AND status IN (${sqlStringList(ACKNOWLEDGEABLE_STATUSES)}) ORDER BY created_at, rowid`,
    );
    this.ackStmt = db.prepare(
      "UPDATE messages SET status = 'acknowledged', updated_at = @now, acknowledged_at = @now WHERE message_id = @message_id",
    );
    this.pendingStmt = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE team_id = ? AND status = 'accepted' ORDER BY created_at, rowid LIMIT ?`,
    );
    this.staleStmt = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE team_id = ? AND status IN (${sqlStringList(STALE_RECLAIMABLE_STATUSES)})
         AND updated_at < ? ORDER BY created_at, rowid`,
    );
    this.inFlightStmt = db.prepare(
      `SELECT ${MESSAGE_COLUMNS}, (SELECT reason FROM message_attempts AS a WHERE a.message_id = messages.message_id
         AND a.to_status = 'target_resolved' ORDER BY a.id DESC LIMIT 1) AS claim_reason
       FROM messages WHERE team_id = ? AND status IN (${sqlStringList(IN_FLIGHT_STATUSES)}) ORDER BY created_at, rowid`,
    );
    // Two index-backed "newest N" picks (to the agent, from the agent) merged, instead of one OR that scans the team.
    this.inboxStmt = db.prepare(
      `WITH picked AS (
         SELECT seq, created_at FROM (SELECT rowid AS seq, created_at FROM messages
           WHERE team_id = @team_id AND recipient = @agent_id ORDER BY created_at DESC, rowid DESC LIMIT @limit)
         UNION ALL
         SELECT seq, created_at FROM (SELECT rowid AS seq, created_at FROM messages
           WHERE team_id = @team_id AND sender = @agent_id AND recipient <> @agent_id ORDER BY created_at DESC, rowid DESC LIMIT @limit)
       ), newest AS (SELECT seq, created_at FROM picked ORDER BY created_at DESC, seq DESC LIMIT @limit)
       SELECT ${MESSAGE_COLUMNS.replace(/(\w+)/g, "m.$1")} FROM newest JOIN messages AS m ON m.rowid = newest.seq
       ORDER BY newest.created_at, newest.seq`,
    );
    this.countsStmt = db.prepare("SELECT status, count(*) AS n FROM messages WHERE team_id = ? GROUP BY status");
  }

  create(teamId: string, input: NewMessage): MessageRow {
    assertSafeId("team", teamId, "/team_id");
    assertSafeId("agent", input.sender, "/sender");
    assertSafeId("agent", input.recipient, "/recipient");
    if (input.taskId != null) assertSafeId("task", input.taskId, "/task_id");
    if (input.replyTo != null) assertMessageId(input.replyTo, "/reply_to");
    if (typeof input.content !== "string") throw invalidInput("/content", "message content must be a string");
    const artifactRefs = input.artifactRefs ?? [];
    if (!Array.isArray(artifactRefs)) throw invalidInput("/artifact_refs", "artifact_refs must be a list");
    const messageId = newMessageId();
    return this.ctx.write("messages.create", () => {
      const now = this.ctx.now();
      this.insertStmt.run({
        message_id: messageId,
        team_id: teamId,
        task_id: input.taskId ?? null,
        sender: input.sender,
        recipient: input.recipient,
        reply_to: input.replyTo ?? null,
        requires_ack: input.requiresAck ? 1 : 0,
        status: "accepted",
        content: input.content,
        artifact_refs: toJsonText(artifactRefs),
        created_at: now,
        updated_at: now,
      });
      this.recordAttempt(messageId, 0, null, "accepted", "created", now);
      return this.mustGet(messageId);
    });
  }

  get(messageId: string): MessageRow | null {
    const raw = this.ctx.read(() => this.getStmt.get(messageId));
    return raw ? toMessage(raw) : null;
  }

  /**
   * Compare-and-set `accepted → target_resolved`, counting one more delivery attempt. Only the caller whose update
   * hit the row gets it back and may inject; every other concurrent caller gets null.
   */
  claimForDelivery(messageId: string, reason = "claimed"): MessageRow | null {
    return this.ctx.write("messages.claim", () => {
      const now = this.ctx.now();
      const raw = this.claimStmt.get({ message_id: messageId, now });
      if (!raw) return null;
      this.recordAttempt(messageId, raw.delivery_attempts, "accepted", "target_resolved", reason, now);
      return toMessage(raw);
    });
  }

  /** Applies one state-table transition; see message-states.ts for what is allowed. */
  transition(
    messageId: string,
    to: MessageStatus,
    options: { reason?: string; error?: string | null } = {},
  ): TransitionResult {
    if (!isMessageStatus(to)) throw invalidInput("/status", `unknown message status ${JSON.stringify(to)}`);
    return this.ctx.write("messages.transition", (): TransitionResult => {
      const current = this.mustGet(messageId);
      if (decideTransition(messageId, current.status, to) === "sticky_noop") {
        return { changed: false, status: current.status, message: current };
      }
      const now = this.ctx.now();
      this.updateStatusStmt.run({ message_id: messageId, to, now, error: options.error ?? null });
      this.recordAttempt(messageId, current.delivery_attempts, current.status, to, options.reason ?? null, now);
      return { changed: true, status: to, message: this.mustGet(messageId) };
    });
  }

  attempts(messageId: string): MessageAttemptRow[] {
    return this.ctx.read(() => this.attemptsStmt.all(messageId));
  }

  /** The worker reported a result for `taskId`: every open message to it for that task is acknowledged. */
  acknowledgeByTask(teamId: string, recipient: string, taskId: string): string[] {
    return this.ctx.write("messages.acknowledge_by_task", () =>
      this.acknowledgeRows(this.ackCandidatesByTaskStmt.all(teamId, recipient, taskId), "acknowledged_by_task"),
    );
  }

  /** Acknowledges one message if it is still open; returns `[id]` when it moved, `[]` otherwise. */
  acknowledgeMessage(messageId: string): string[] {
    return this.ctx.write("messages.acknowledge", () => {
      const raw = this.getStmt.get(messageId);
      const open = raw && isOneOf(ACKNOWLEDGEABLE_STATUSES, raw.status) ? [raw] : [];
      return this.acknowledgeRows(open, "acknowledged");
    });
  }

  /** Messages waiting for a deliverer, oldest first. */
  listPending(teamId: string, limit = 100): MessageRow[] {
    return this.ctx.read(() => this.pendingStmt.all(teamId, limit)).map(toMessage);
  }

  /**
   * Returns claimed (`target_resolved`) or half-delivered (`pasted`) messages not updated since `olderThanIso` to
   * `accepted` with reason `stale_claim`, so a deliverer that died does not strand them. Returns the moved ids.
   */
  reclaimStale(teamId: string, olderThanIso: string): string[] {
    const cutoff = normalizeIso(olderThanIso);
    return this.ctx.write("messages.reclaim_stale", () => {
      const now = this.ctx.now();
      return this.staleStmt.all(teamId, cutoff).map((raw) => {
        this.updateStatusStmt.run({ message_id: raw.message_id, to: "accepted", now, error: null });
        this.recordAttempt(raw.message_id, raw.delivery_attempts, raw.status, "accepted", "stale_claim", now);
        return raw.message_id;
      });
    });
  }

  /**
   * Like `reclaimStale`, but asks `isAbandoned` about each in-flight message, given the reason its last claim
   * recorded (deliverers put their process identity there), so a dead deliverer's messages come back at once
   * instead of after an age limit. Returns the moved ids.
   */
  reclaimAbandoned(
    teamId: string,
    isAbandoned: (claimReason: string | null, message: MessageRow) => boolean,
  ): string[] {
    return this.ctx.write("messages.reclaim_abandoned", () => {
      const now = this.ctx.now();
      return this.inFlightStmt.all(teamId).flatMap(({ claim_reason, ...raw }) => {
        if (!isOneOf(STALE_RECLAIMABLE_STATUSES, raw.status) || !isAbandoned(claim_reason, toMessage(raw))) return [];
        this.updateStatusStmt.run({ message_id: raw.message_id, to: "accepted", now, error: null });
        this.recordAttempt(raw.message_id, raw.delivery_attempts, raw.status, "accepted", "abandoned_claim", now);
        return [raw.message_id];
      });
    });
  }

  /** Messages a deliverer is working on (claimed, pasted or visible), each with the reason its last claim recorded. */
  listInFlight(teamId: string): { message: MessageRow; claimReason: string | null }[] {
    return this.ctx
      .read(() => this.inFlightStmt.all(teamId))
      .map(({ claim_reason, ...raw }) => ({ message: toMessage(raw), claimReason: claim_reason }));
  }

  /** Messages sent by or to `agentId`: the newest `limit`, returned oldest first. */
  inbox(teamId: string, agentId: string, limit = 50): MessageRow[] {
    return this.ctx.read(() => this.inboxStmt.all({ team_id: teamId, agent_id: agentId, limit })).map(toMessage);
  }

  /** Every status with its count for the team (zero included). */
  countsByStatus(teamId: string): Record<MessageStatus, number> {
    const counts = Object.fromEntries(MESSAGE_STATUSES.map((status) => [status, 0])) as Record<MessageStatus, number>;
    for (const { status, n } of this.ctx.read(() => this.countsStmt.all(teamId))) {
      if (isMessageStatus(status)) counts[status] = n;
    }
    return counts;
  }

  private acknowledgeRows(rows: readonly RawMessage[], reason: string): string[] {
    const now = this.ctx.now();
    return rows.map((raw) => {
      this.ackStmt.run({ message_id: raw.message_id, now });
      this.recordAttempt(raw.message_id, raw.delivery_attempts, raw.status, "acknowledged", reason, now);
      return raw.message_id;
    });
  }

  private recordAttempt(
    messageId: string,
    attempt: number,
    from: MessageStatus | null,
    to: MessageStatus,
    reason: string | null,
    at: string,
  ): void {
    this.attemptStmt.run({ message_id: messageId, attempt, from_status: from, to_status: to, reason, at });
  }

  private mustGet(messageId: string): MessageRow {
    const raw = this.getStmt.get(messageId);
    if (!raw) {
      throw new TeamRuntimeError(
        "message_not_found",
        `message ${messageId} does not exist`,
        "Check the message id (`team-agent inbox <agent>` lists messages).",
        { details: { message_id: messageId } },
      );
    }
    return toMessage(raw);
  }
}

function toMessage(raw: RawMessage): MessageRow {
  return {
    ...raw,
    requires_ack: raw.requires_ack === 1,
    artifact_refs: fromJsonText<unknown[]>(raw.artifact_refs, []),
  };
}

/** Message ids come from newMessageId; anything stored as a reference to one must at least be a safe id. */
export function assertMessageId(value: unknown, pointer: string): string {
  if (isSafeId(value)) return value;
  throw invalidInput(pointer, `${pointer.slice(1)} must be a message id, got ${JSON.stringify(value)}`, "invalid_id");
}

function invalidInput(pointer: string, message: string, code = "invalid_message"): ValidationError {
  return new ValidationError(message, [{ pointer, message }], {
    code,
    action: "Fix the message field named above and send again.",
  });
}
