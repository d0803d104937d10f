import type Database from "better-sqlite3";
import { ValidationError, type ValidationProblem } from "../errors.js";
import { assertSafeId } from "../ids.js";
import { isOneOf } from "../spec/constants.js";
import { normalizeIso } from "../time.js";
import type { StoreContext } from "./connection.js";
import { assertTeamRegistered } from "./teams.js";

/** §8.3 agent health statuses. */
export const AGENT_HEALTH_STATUSES = [
  "IDLE",
  "RUNNING",
  "WORKING",
  "STUCK",
  "UNCERTAIN",
  "BLOCKED",
  "ERROR",
  "DONE",
  "AWAITING_APPROVAL",
] as const;

export type AgentHealthStatus = (typeof AGENT_HEALTH_STATUSES)[number];

export interface AgentHealthRow {
  team_id: string;
  agent_id: string;
  status: AgentHealthStatus;
  last_output_at: string | null;
  context_usage_pct: number | null;
  current_task_id: string | null;
  /** When the row last changed (an identical report is skipped and leaves it alone). */
  updated_at: string;
}

export interface AgentHealthInput {
  status: AgentHealthStatus;
  /** `null`/omitted keeps the stored value: a report without output must not erase when output was last seen. */
  lastOutputAt?: string | null;
  contextUsagePct?: number | null;
  currentTaskId?: string | null;
}

const HEALTH_SELECT =
  "SELECT team_id, agent_id, status, last_output_at, context_usage_pct, current_task_id, updated_at FROM agent_health";

function invalid(code: string, problems: ValidationProblem[]): ValidationError {
  return new ValidationError(problems.map((problem) => problem.message).join("; "), problems, { code });
}

function checkInput(input: AgentHealthInput): { lastOutputAt: string | null; contextUsagePct: number | null } {
  const problems: ValidationProblem[] = [];
  if (!isOneOf(AGENT_HEALTH_STATUSES, input.status)) {
    problems.push({
      pointer: "/status",
      message: `health status ${JSON.stringify(input.status)} is not one of ${AGENT_HEALTH_STATUSES.join(", ")}`,
    });
  }
  let lastOutputAt: string | null = null;
  if (input.lastOutputAt !== undefined && input.lastOutputAt !== null) {
    try {
      lastOutputAt = normalizeIso(input.lastOutputAt);
    } catch (error) {
      problems.push({ pointer: "/lastOutputAt", message: (error as Error).message });
    }
  }
  const pct = input.contextUsagePct ?? null;
  if (pct !== null && !(Number.isFinite(pct) && pct >= 0)) {
    problems.push({ pointer: "/contextUsagePct", message: `context usage must be a number >= 0, got ${String(pct)}` });
  }
  if (problems.length > 0) throw invalid("invalid_agent_health", problems);
  return { lastOutputAt, contextUsagePct: pct === null ? null : Math.round(pct) };
}

/** Per-agent health snapshots written by the coordinator; scoped by team. */
export class AgentHealthRepo {
  private readonly upsertRow: Database.Statement;
  private readonly selectOne: Database.Statement<[string, string], AgentHealthRow>;
  private readonly selectTeam: Database.Statement<[string], AgentHealthRow>;
  private readonly deleteOne: Database.Statement<[string, string]>;
  private readonly deleteNotIn: Database.Statement<[string, string], { agent_id: string }>;

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db;
    // The conflict branch keeps last_output_at on a null report and skips a report that changes nothing.
    this.upsertRow = db.prepare(
      "INSERT INTO agent_health (team_id, agent_id, status, last_output_at, context_usage_pct, current_task_id, " +
        "updated_at) VALUES (@team_id, @agent_id, @status, @last_output_at, @context_usage_pct, @current_task_id, @now) " +
        "ON CONFLICT (team_id, agent_id) DO UPDATE SET status = excluded.status, " +
        "last_output_at = COALESCE(excluded.last_output_at, agent_health.last_output_at), " +
        "context_usage_pct = excluded.context_usage_pct, current_task_id = excluded.current_task_id, " +
        "updated_at = excluded.updated_at " +
        "WHERE agent_health.status IS NOT excluded.status " +
        "OR (excluded.last_output_at IS NOT NULL AND agent_health.last_output_at IS NOT excluded.last_output_at) " +
        "OR agent_health.context_usage_pct IS NOT excluded.context_usage_pct " +
        "OR agent_health.current_task_id IS NOT excluded.current_task_id",
    );
    this.selectOne = db.prepare<[string, string], AgentHealthRow>(
      `${HEALTH_SELECT} WHERE team_id = ? AND agent_id = ?`,
    );
    this.selectTeam = db.prepare<[string], AgentHealthRow>(`${HEALTH_SELECT} WHERE team_id = ? ORDER BY agent_id`);
    this.deleteOne = db.prepare<[string, string]>("DELETE FROM agent_health WHERE team_id = ? AND agent_id = ?");
    this.deleteNotIn = db.prepare<[string, string], { agent_id: string }>(
      "DELETE FROM agent_health WHERE team_id = ? AND agent_id NOT IN (SELECT value FROM json_each(?)) " +
        "RETURNING agent_id",
    );
  }

  /** Records a health report; false when it matched the stored row exactly. */
  upsert(teamId: string, agentId: string, input: AgentHealthInput): boolean {
    assertSafeId("team", teamId, "/team_id");
    assertSafeId("agent", agentId, "/agent_id");
    const checked = checkInput(input);
    return this.ctx.write("agent_health.upsert", () => {
      assertTeamRegistered(this.ctx, teamId);
      const params = {
        team_id: teamId,
        agent_id: agentId,
        status: input.status,
        last_output_at: checked.lastOutputAt,
        context_usage_pct: checked.contextUsagePct,
        current_task_id: input.currentTaskId ?? null,
        now: this.ctx.now(),
      };
      return this.upsertRow.run(params).changes > 0;
    });
  }

  get(teamId: string, agentId: string): AgentHealthRow | null {
    assertSafeId("team", teamId, "/team_id");
    assertSafeId("agent", agentId, "/agent_id");
    return this.ctx.read(() => this.selectOne.get(teamId, agentId) ?? null);
  }

  /** The team's health rows keyed by agent id. */
  read(teamId: string): Record<string, AgentHealthRow> {
    assertSafeId("team", teamId, "/team_id");
    return this.ctx.read(() => {
      const byAgent: Record<string, AgentHealthRow> = {};
      for (const row of this.selectTeam.all(teamId)) byAgent[row.agent_id] = row;
      return byAgent;
    });
  }

  /** True when a row went away. */
  delete(teamId: string, agentId: string): boolean {
    assertSafeId("team", teamId, "/team_id");
    assertSafeId("agent", agentId, "/agent_id");
    return this.ctx.write("agent_health.delete", () => this.deleteOne.run(teamId, agentId).changes > 0);
  }

  /**
   * Deletes the team's rows whose agent is not in `liveIds` and returns their ids (sorted). Every live id is
   * checked first: one bad entry throws and nothing is deleted, because a garbage set would wipe healthy rows.
   */
  gc(teamId: string, liveIds: Iterable<unknown>): string[] {
    assertSafeId("team", teamId, "/team_id");
    const ids = [...liveIds];
    const problems: ValidationProblem[] = [];
    ids.forEach((id, index) => {
      if (typeof id !== "string" || id === "") {
        problems.push({ pointer: `/${index}`, message: `live agent id #${index} must be a non-empty string` });
      }
    });
    if (problems.length > 0) throw invalid("invalid_live_agent_ids", problems);
    const live = JSON.stringify(ids);
    return this.ctx.write("agent_health.gc", () =>
      this.deleteNotIn
        .all(teamId, live)
        .map((row) => row.agent_id)
        .sort(),
    );
  }
}
