import type Database from "better-sqlite3";
import { TeamRuntimeError } from "../errors.js";
import { assertSafeId } from "../ids.js";
import { fromJsonText, type StoreContext, toJsonText } from "./connection.js";
import { JsonAttrsMerger, RowPatcher } from "./patch.js";
import { assertTeamRegistered } from "./teams.js";

/** §2.3 agent entry: the typed launch and session-capture fields, plus subsystem-owned keys in `attrs`. */
export interface AgentRow {
  team_id: string;
  agent_id: string;
  /** Open string: `running`, `busy`, `paused`, `stopped`, `missing`, `awaiting_trust_prompt`, … */
  status: string;
  provider: string;
  role: string | null;
  model: string | null;
  auth_mode: string | null;
  profile: string | null;
  /** tmux window name (the agent id). */
  window: string | null;
  pane_id: string | null;
  /** Path of the agent's MCP config. */
  mcp_config: string | null;
  /** Resolved permissions, parsed. */
  permissions: unknown;
  spawn_cwd: string | null;
  spawned_at: string | null;
  session_id: string | null;
  rollout_path: string | null;
  captured_at: string | null;
  /** `fs_watch`, `fs_mtime_fallback`, … */
  captured_via: string | null;
  /** `high` / `low`. */
  attribution_confidence: string | null;
  /** `display`, `last_output_hash`, `trust_auto_answer_stage`, … (merged with `setAttrs`). */
  attrs: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export const AGENT_TYPED_COLUMNS = [
  "status",
  "provider",
  "role",
  "model",
  "auth_mode",
  "profile",
  "window",
  "pane_id",
  "mcp_config",
  "permissions",
  "spawn_cwd",
  "spawned_at",
  "session_id",
  "rollout_path",
  "captured_at",
  "captured_via",
  "attribution_confidence",
] as const;

type TypedColumn = (typeof AGENT_TYPED_COLUMNS)[number];

/** Any subset of the typed columns; `undefined` leaves a column alone, `null` clears it. */
export type AgentPatch = {
  [K in Exclude<TypedColumn, "status" | "provider" | "permissions">]?: string | null;
} & { status?: string; provider?: string; permissions?: unknown };

/** What launch writes: a new row needs at least a status and a provider. */
export type AgentLaunchFields = AgentPatch & { status: string; provider: string };

const AGENT_SELECT = `SELECT team_id, agent_id, ${AGENT_TYPED_COLUMNS.join(", ")}, attrs, created_at, updated_at FROM agents`;

type RawAgentRow = Omit<AgentRow, "permissions" | "attrs"> & { permissions: string | null; attrs: string };

function toAgentRow(raw: RawAgentRow): AgentRow {
  return { ...raw, permissions: fromJsonText(raw.permissions, null), attrs: fromJsonText(raw.attrs, {}) };
}

function agentNotFoundError(teamId: string, agentId: string): TeamRuntimeError {
  return new TeamRuntimeError(
    "agent_not_found",
    `agent "${agentId}" is not part of team "${teamId}"`,
    `Run \`team-agent status --team ${teamId}\` to list its agents.`,
    { details: { team: teamId, agent_id: agentId } },
  );
}

/** Agents of every team, one row per (team, agent); each write is one short transaction on that row. */
export class AgentsRepo {
  private readonly patcher: RowPatcher;
  private readonly attrsMerger: JsonAttrsMerger;
  private readonly selectOne: Database.Statement<[string, string], RawAgentRow>;
  private readonly selectTeam: Database.Statement<[string], RawAgentRow>;
  private readonly insertAgent: Database.Statement;
  private readonly deleteAgent: Database.Statement<[string, string]>;

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db;
    this.patcher = new RowPatcher(db, {
      table: "agents",
      keyColumns: ["team_id", "agent_id"],
      columns: AGENT_TYPED_COLUMNS,
      jsonColumns: ["permissions"],
    });
    this.attrsMerger = new JsonAttrsMerger(db, { table: "agents", keyColumns: ["team_id", "agent_id"] });
    this.selectOne = db.prepare<[string, string], RawAgentRow>(`${AGENT_SELECT} WHERE team_id = ? AND agent_id = ?`);
    this.selectTeam = db.prepare<[string], RawAgentRow>(`${AGENT_SELECT} WHERE team_id = ? ORDER BY agent_id`);
    const columns = ["team_id", "agent_id", ...AGENT_TYPED_COLUMNS, "attrs", "created_at", "updated_at"];
    this.insertAgent = db.prepare(
      `INSERT INTO agents (${columns.join(", ")}) VALUES (${columns.map((column) => `@${column}`).join(", ")})`,
    );
    this.deleteAgent = db.prepare<[string, string]>("DELETE FROM agents WHERE team_id = ? AND agent_id = ?");
  }

  /**
   * Launch/start: inserts the agent, or updates the given fields of an existing row (keeping its `attrs` and
   * `created_at`). True when the row was created or changed.
   */
  upsert(teamId: string, agentId: string, fields: AgentLaunchFields): boolean {
    this.assertIds(teamId, agentId);
    return this.ctx.write("agents.upsert", () => {
      assertTeamRegistered(this.ctx, teamId);
      const now = this.ctx.now();
      if (this.selectOne.get(teamId, agentId) !== undefined) {
        return this.patcher.update([teamId, agentId], { ...fields }, { now });
      }
      const row: Record<string, unknown> = { team_id: teamId, agent_id: agentId, attrs: "{}", created_at: now };
      for (const column of AGENT_TYPED_COLUMNS) {
        const value = fields[column];
        row[column] = column === "permissions" ? (value == null ? null : toJsonText(value)) : (value ?? null);
      }
      row["updated_at"] = now;
      this.insertAgent.run(row);
      return true;
    });
  }

  get(teamId: string, agentId: string): AgentRow | null {
    this.assertIds(teamId, agentId);
    return this.ctx.read(() => {
      const raw = this.selectOne.get(teamId, agentId);
      return raw === undefined ? null : toAgentRow(raw);
    });
  }

  /** The team's agents ordered by id. */
  list(teamId: string): AgentRow[] {
    assertSafeId("team", teamId);
    return this.ctx.read(() => this.selectTeam.all(teamId).map(toAgentRow));
  }

  /** Changes only the given typed columns; false when nothing would change. Unknown agents are an error. */
  update(teamId: string, agentId: string, patch: AgentPatch): boolean {
    this.assertIds(teamId, agentId);
    return this.ctx.write("agents.update", () => {
      const changed = this.patcher.update([teamId, agentId], { ...patch }, { now: this.ctx.now() });
      if (!changed) this.assertExists(teamId, agentId);
      return changed;
    });
  }

  /** Merges subsystem-owned keys into `attrs` in SQL (`null` removes a key); false when nothing changed. */
  setAttrs(teamId: string, agentId: string, attrs: Record<string, unknown>): boolean {
    this.assertIds(teamId, agentId);
    return this.ctx.write("agents.set_attrs", () => {
      const changed = this.attrsMerger.merge([teamId, agentId], attrs, this.ctx.now());
      if (!changed) this.assertExists(teamId, agentId);
      return changed;
    });
  }

  /** True when the agent existed. */
  remove(teamId: string, agentId: string): boolean {
    this.assertIds(teamId, agentId);
    return this.ctx.write("agents.remove", () => this.deleteAgent.run(teamId, agentId).changes > 0);
  }

  private assertIds(teamId: string, agentId: string): void {
    assertSafeId("team", teamId, "/team_id");
    assertSafeId("agent", agentId, "/agent_id");
  }

  private assertExists(teamId: string, agentId: string): void {
    if (this.selectOne.get(teamId, agentId) === undefined) throw agentNotFoundError(teamId, agentId);
  }
}
