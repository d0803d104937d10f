import type Database from "better-sqlite3";
import { z } from "zod";
import { TeamRuntimeError, ValidationError } from "../errors.js";
import { assertSafeId, type IdKind, invalidIdMessage, isSafeId } from "../ids.js";
import { genericIssueMessage, issuesToProblems, toPointer } from "../spec/issues.js";
import { fromJsonText, type StoreContext, sqlStringList, toJsonText } from "./connection.js";
import { RowPatcher } from "./patch.js";
import { assertTeamRegistered } from "./teams.js";

/**
 * Statuses that end a task: spec 01 §2.4's done, failed and cancelled, plus `completed`, which is no spec status but
 * what leads often write for "done"; counting it keeps such a task from being re-opened or inferred as current work.
 * The status column itself stays an open string (the spec's list is `TASK_STATUSES`): leads write tasks freely.
 */
export const TERMINAL_TASK_STATUSES = ["done", "completed", "failed", "cancelled"] as const;

export const DEFAULT_TASK_STATUS = "pending";

/** Statuses are stored trimmed and lower-cased, so this check and the SQL filter agree. */
export function isTerminalTaskStatus(status: string): boolean {
  return (TERMINAL_TASK_STATUSES as readonly string[]).includes(status.trim().toLowerCase());
}

/**
 * A task as a lead or a spec gives it: `id` plus any §2.4 fields. `undefined` leaves a field as it is on upsert,
 * `null` clears it.
 */
export interface TaskInput {
  id: string;
  title?: string | null;
  assignee?: string | null;
  status?: string;
  accepted_result_id?: string | null;
  [field: string]: unknown;
}

/** The whole task entry as stored in `spec`: the typed columns mirror its `title`, `assignee`, `status`, … */
export interface TaskEntry {
  id: string;
  status: string;
  title?: string | null;
  assignee?: string | null;
  accepted_result_id?: string | null;
  [field: string]: unknown;
}

export interface TaskRow {
  team_id: string;
  task_id: string;
  title: string | null;
  assignee: string | null;
  status: string;
  accepted_result_id: string | null;
  spec: TaskEntry;
  /** Insertion order within the team (1, 2, …); an upsert of an existing task keeps it. */
  seq: number;
  created_at: string;
  updated_at: string;
}

export interface TaskUpsertResult {
  task: TaskRow;
  created: boolean;
  /** False when the stored row already said exactly this (nothing was written). */
  changed: boolean;
  /** The status the upsert offered but that was refused because the task had already ended; else null. */
  refusedStatus: string | null;
}

const TASK_COLUMNS = "team_id, task_id, title, assignee, status, accepted_result_id, spec, seq, created_at, updated_at";

type RawTaskRow = Omit<TaskRow, "spec"> & { spec: string };

const NON_BLANK = "must be a non-empty string";

function safeIdSchema(kind: IdKind) {
  return z.string().refine(isSafeId, { error: (issue) => invalidIdMessage(kind, issue.input) });
}

// Extra fields must be plain JSON: they are stored as JSON text and read back by other processes.
const taskInputSchema = z
  .object({
    id: safeIdSchema("task"),
    title: z.string().nullish(),
    assignee: safeIdSchema("agent").nullish(),
    status: z.string().trim().toLowerCase().min(1, { error: NON_BLANK }).optional(),
    accepted_result_id: z.string().nullish(),
  })
  .catchall(z.json({ error: "must be plain JSON (a string, number, boolean, null, list or object)" }));

type ParsedTask = z.infer<typeof taskInputSchema>;

/** Validates one task at `pointer` (e.g. `/tasks/2`), dropping `undefined` fields first (they mean "leave alone"). */
function parseTask(value: unknown, pointer = ""): ParsedTask {
  const defined =
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined))
      : value;
  const parsed = taskInputSchema.safeParse(defined, { error: genericIssueMessage });
  if (parsed.success) return parsed.data;
  const problems = issuesToProblems(parsed.error.issues).map((problem) => ({
    ...problem,
    pointer: `${pointer}${problem.pointer}`,
  }));
  const lines = problems.map((problem) => `- ${problem.pointer === "" ? "/" : problem.pointer}: ${problem.message}`);
  throw new ValidationError(`invalid task:\n${lines.join("\n")}`, problems, {
    code: "invalid_task",
    action: "Give the task a safe `id` (and optional title, assignee, status strings) and retry.",
  });
}

function normaliseStatus(status: string): string {
  const normalised = status.trim().toLowerCase();
  if (normalised !== "") return normalised;
  throw new ValidationError(`invalid task status: ${NON_BLANK}`, [{ pointer: "/status", message: NON_BLANK }], {
    code: "invalid_task",
  });
}

function toTaskRow(raw: RawTaskRow): TaskRow {
  const stored = fromJsonText<Record<string, unknown>>(raw.spec, {});
  return { ...raw, spec: { ...stored, id: raw.task_id, status: raw.status } };
}

/** The typed columns of an entry; a non-string value (never written by this repo) reads as null. */
function columnsOf(entry: TaskEntry) {
  const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
  return {
    title: text(entry.title),
    assignee: text(entry.assignee),
    status: entry.status,
    accepted_result_id: text(entry.accepted_result_id),
  };
}

function taskNotFoundError(teamId: string, taskId: string): TeamRuntimeError {
  return new TeamRuntimeError(
    "task_not_found",
    `task "${taskId}" is not in the task list of team "${teamId}"`,
    `Run \`team-agent status --team ${teamId} --json\` to list its tasks, or assign the task first.`,
    { details: { team: teamId, task_id: taskId } },
  );
}

/**
 * The team's task list (spec 01 §2.4), one row per (team, task) in insertion order. Upserts merge by id and never
 * move a task out of a terminal status (spec 04 §2.3): a lead re-sending an old task list cannot re-open finished
 * work. `setStatus` is the explicit path (result collection) and applies whatever it is given.
 */
export class TasksRepo {
  private readonly patcher: RowPatcher;
  private readonly selectOne: Database.Statement<[string, string], RawTaskRow>;
  private readonly selectTeam: Database.Statement<[string], RawTaskRow>;
  private readonly selectCurrent: Database.Statement<[string, string], RawTaskRow>;
  private readonly nextSeq: Database.Statement<[string], { next: number }>;
  private readonly insertTask: Database.Statement;

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db;
    this.patcher = new RowPatcher(db, {
      table: "tasks",
      keyColumns: ["team_id", "task_id"],
      columns: ["title", "assignee", "status", "accepted_result_id", "spec"],
      jsonColumns: ["spec"],
    });
    const select = `SELECT ${TASK_COLUMNS} FROM tasks`;
    this.selectOne = db.prepare<[string, string], RawTaskRow>(`${select} WHERE team_id = ? AND task_id = ?`);
    this.selectTeam = db.prepare<[string], RawTaskRow>(`${select} WHERE team_id = ? ORDER BY seq`);
    this.selectCurrent = db.prepare<[string, string], RawTaskRow>(
      `${select} WHERE team_id = ? AND assignee = ? AND status NOT IN (${sqlStringList(TERMINAL_TASK_STATUSES)}) ` +
        "ORDER BY seq DESC LIMIT 1",
    );
    this.nextSeq = db.prepare<[string], { next: number }>(
      "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM tasks WHERE team_id = ?",
    );
    this.insertTask = db.prepare(
      `INSERT INTO tasks (${TASK_COLUMNS}) VALUES (@team_id, @task_id, @title, @assignee, @status, ` +
        "@accepted_result_id, @spec, @seq, @now, @now)",
    );
  }

  /**
   * Adds the task (status `pending` unless given) or merges its fields into the stored entry. A task whose stored
   * status is terminal keeps it when the upsert offers a non-terminal one; the other fields still merge.
   */
  upsert(teamId: string, task: TaskInput): TaskUpsertResult {
    assertSafeId("team", teamId, "/team_id");
    const incoming = parseTask(task);
    const result = this.ctx.write("tasks.upsert", () => {
      assertTeamRegistered(this.ctx, teamId);
      const raw = this.selectOne.get(teamId, incoming.id);
      if (raw === undefined) {
        this.insert(teamId, { ...incoming, status: incoming.status ?? DEFAULT_TASK_STATUS });
        return { task: this.mustGet(teamId, incoming.id), created: true, changed: true, refusedStatus: null };
      }
      const stored = toTaskRow(raw);
      const offered = incoming.status;
      const refusedStatus =
        offered !== undefined && isTerminalTaskStatus(stored.status) && !isTerminalTaskStatus(offered) ? offered : null;
      const entry: TaskEntry = {
        ...stored.spec,
        ...incoming,
        status: refusedStatus === null ? (offered ?? stored.status) : stored.status,
      };
      const changed = this.patcher.update(
        [teamId, incoming.id],
        { ...columnsOf(entry), spec: entry },
        {
          now: this.ctx.now(),
        },
      );
      return { task: changed ? this.mustGet(teamId, incoming.id) : stored, created: false, changed, refusedStatus };
    });
    if (result.refusedStatus !== null) {
      this.ctx.events.emit("task.status_regression_refused", {
        team_id: teamId,
        task_id: incoming.id,
        status: result.task.status,
        offered_status: result.refusedStatus,
      });
    }
    return result;
  }

  get(teamId: string, taskId: string): TaskRow | null {
    this.assertIds(teamId, taskId);
    return this.ctx.read(() => {
      const raw = this.selectOne.get(teamId, taskId);
      return raw === undefined ? null : toTaskRow(raw);
    });
  }

  /** The team's tasks in the order they were added. */
  list(teamId: string): TaskRow[] {
    assertSafeId("team", teamId, "/team_id");
    return this.ctx.read(() => this.selectTeam.all(teamId).map(toTaskRow));
  }

  /**
   * Sets the status (and, when given, `accepted_result_id`; null clears it) of a known task, whatever its current
   * status. False when nothing would change; an unknown task is an error.
   */
  setStatus(
    teamId: string,
    taskId: string,
    status: string,
    options: { acceptedResultId?: string | null } = {},
  ): boolean {
    this.assertIds(teamId, taskId);
    const nextStatus = normaliseStatus(status);
    return this.ctx.write("tasks.set_status", () => {
      const raw = this.selectOne.get(teamId, taskId);
      if (raw === undefined) throw taskNotFoundError(teamId, taskId);
      const entry: TaskEntry = { ...toTaskRow(raw).spec, status: nextStatus };
      if (options.acceptedResultId !== undefined) entry.accepted_result_id = options.acceptedResultId;
      return this.patcher.update([teamId, taskId], { ...columnsOf(entry), spec: entry }, { now: this.ctx.now() });
    });
  }

  /**
   * What `report_result` falls back to when a worker names no task (spec 04 §2.3): the most recently added task
   * assigned to `agentId` that has not ended, or null.
   */
  inferForAgent(teamId: string, agentId: string): TaskRow | null {
    assertSafeId("team", teamId, "/team_id");
    assertSafeId("agent", agentId, "/agent_id");
    return this.ctx.read(() => {
      const raw = this.selectCurrent.get(teamId, agentId);
      return raw === undefined ? null : toTaskRow(raw);
    });
  }

  /**
   * Adds the spec's tasks that the team does not have yet, in the given order; stored tasks are left exactly as
   * they are (a restart must not reset progress). Every task is validated before anything is written. Returns the
   * ids added.
   */
  seedFromSpec(teamId: string, tasks: readonly TaskInput[]): string[] {
    assertSafeId("team", teamId, "/team_id");
    const parsed = tasks.map((task, index) => parseTask(task, toPointer([index])));
    return this.ctx.write("tasks.seed_from_spec", () => {
      assertTeamRegistered(this.ctx, teamId);
      const added: string[] = [];
      for (const task of parsed) {
        if (this.selectOne.get(teamId, task.id) !== undefined) continue;
        this.insert(teamId, { ...task, status: task.status ?? DEFAULT_TASK_STATUS });
        added.push(task.id);
      }
      return added;
    });
  }

  /** Inside a write transaction: appends the entry after the team's last task. */
  private insert(teamId: string, entry: TaskEntry): void {
    const { next } = this.nextSeq.get(teamId) as { next: number };
    this.insertTask.run({
      team_id: teamId,
      task_id: entry.id,
      ...columnsOf(entry),
      spec: toJsonText(entry),
      seq: next,
      now: this.ctx.now(),
    });
  }

  private mustGet(teamId: string, taskId: string): TaskRow {
    const raw = this.selectOne.get(teamId, taskId);
    if (raw === undefined) throw taskNotFoundError(teamId, taskId);
    return toTaskRow(raw);
  }

  private assertIds(teamId: string, taskId: string): void {
    assertSafeId("team", teamId, "/team_id");
    assertSafeId("task", taskId, "/task_id");
  }
}
