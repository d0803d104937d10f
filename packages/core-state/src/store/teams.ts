import { resolve } from "node:path";
import type Database from "better-sqlite3";
import { TeamRuntimeError } from "../errors.js";
import { assertSafeId } from "../ids.js";
import { type Db, fromJsonText, type StoreContext, toJsonText } from "./connection.js";
import { JsonAttrsMerger, RowPatcher } from "./patch.js";
import { ACTIVE_TEAM_KEY, WorkspaceSettingsRepo } from "./settings.js";

/** One registered team (§2.2 team entry; agents, leader binding and coordinator state live in their own tables). */
export interface TeamRow {
  team_id: string;
  session_name: string;
  /** `alive` (any case) makes the team a selection candidate; anything else (`stopped`, …) excludes it. */
  status: string;
  workspace: string;
  team_dir: string | null;
  spec_path: string | null;
  display_backend: string | null;
  leader_id: string;
  leader_provider: string | null;
  /** The compiled spec recorded at launch, parsed. */
  spec: unknown;
  /** Subsystem-owned keys, merged with `setAttrs`. */
  attrs: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface RegisterTeamInput {
  teamId: string;
  sessionName: string;
  workspace: string;
  teamDir?: string | null;
  specPath?: string | null;
  displayBackend?: string | null;
  leaderId?: string;
  leaderProvider?: string | null;
  spec?: unknown;
}

export interface TeamPatch {
  session_name?: string;
  status?: string;
  workspace?: string;
  team_dir?: string | null;
  spec_path?: string | null;
  display_backend?: string | null;
  leader_id?: string;
  leader_provider?: string | null;
  spec?: unknown;
}

export interface MarkStoppedReport {
  /** The team row changed (false when it was already stopped). */
  changed: boolean;
  /** Agents moved to `stopped` (paused agents keep their status). */
  agents_stopped: string[];
  /** The workspace's active team pointed at this team and was cleared. */
  active_cleared: boolean;
}

const TEAM_UPDATABLE = [
  "session_name",
  "status",
  "workspace",
  "team_dir",
  "spec_path",
  "display_backend",
  "leader_id",
  "leader_provider",
  "spec",
] as const;

const TEAM_SELECT =
  "SELECT team_id, session_name, status, workspace, team_dir, spec_path, display_backend, leader_id, leader_provider, " +
  "spec, attrs, created_at, updated_at FROM teams";

type RawTeamRow = Omit<TeamRow, "spec" | "attrs"> & { spec: string | null; attrs: string };

function toTeamRow(raw: RawTeamRow): TeamRow {
  return { ...raw, spec: fromJsonText(raw.spec, null), attrs: fromJsonText(raw.attrs, {}) };
}

export function isAliveStatus(status: string | null | undefined): boolean {
  return status === null || status === undefined || status.toLowerCase() === "alive";
}

export function teamNotFoundError(teamId: string): TeamRuntimeError {
  return new TeamRuntimeError(
    "team_not_found",
    `team "${teamId}" is not registered in this workspace`,
    "Run `team-agent status` to see this workspace's teams, or launch the team first.",
    { details: { team: teamId } },
  );
}

const existsStatements = new WeakMap<Db, Database.Statement<[string], { one: number }>>();

/**
 * Throws team_not_found unless `teamId` is a registered team. Tables that reference `teams` call it inside their
 * write transaction, so callers get a named error instead of a foreign-key failure.
 */
export function assertTeamRegistered(ctx: StoreContext, teamId: string): void {
  let statement = existsStatements.get(ctx.db);
  if (statement === undefined) {
    statement = ctx.db.prepare<[string], { one: number }>("SELECT 1 AS one FROM teams WHERE team_id = ?");
    existsStatements.set(ctx.db, statement);
  }
  const found = statement.get(teamId);
  if (found === undefined) throw teamNotFoundError(teamId);
}

/** Teams of the workspace, one row each; launching one team never touches another team's row. */
export class TeamsRepo {
  private readonly settings: WorkspaceSettingsRepo;
  private readonly patcher: RowPatcher;
  private readonly attrsMerger: JsonAttrsMerger;
  private readonly selectOne: Database.Statement<[string], RawTeamRow>;
  private readonly selectAll: Database.Statement<[], RawTeamRow>;
  private readonly selectBySession: Database.Statement<[string], { team_id: string }>;
  private readonly insertTeam: Database.Statement;
  private readonly stopAgents: Database.Statement<[string, string], { agent_id: string }>;
  private readonly deleteTeam: Database.Statement<[string]>;
  private readonly agentIds: Database.Statement<[], { team_id: string; agent_id: string }>;

  /** `settings` lets RuntimeStore share its settings repo instead of preparing the same statements twice. */
  constructor(
    private readonly ctx: StoreContext,
    settings: WorkspaceSettingsRepo = new WorkspaceSettingsRepo(ctx),
  ) {
    const db = ctx.db;
    this.settings = settings;
    this.patcher = new RowPatcher(db, {
      table: "teams",
      keyColumns: ["team_id"],
      columns: TEAM_UPDATABLE,
      jsonColumns: ["spec"],
    });
    this.attrsMerger = new JsonAttrsMerger(db, { table: "teams", keyColumns: ["team_id"] });
    this.selectOne = db.prepare<[string], RawTeamRow>(`${TEAM_SELECT} WHERE team_id = ?`);
    this.selectAll = db.prepare<[], RawTeamRow>(`${TEAM_SELECT} ORDER BY team_id`);
    this.selectBySession = db.prepare<[string], { team_id: string }>(
      "SELECT team_id FROM teams WHERE session_name = ?",
    );
    this.insertTeam = db.prepare(
      "INSERT INTO teams (team_id, session_name, status, workspace, team_dir, spec_path, display_backend, leader_id, " +
        "leader_provider, spec, attrs, created_at, updated_at) " +
        "VALUES (@team_id, @session_name, 'alive', @workspace, @team_dir, @spec_path, @display_backend, @leader_id, " +
        "@leader_provider, @spec, '{}', @now, @now)",
    );
    this.stopAgents = db.prepare<[string, string], { agent_id: string }>(
      "UPDATE agents SET status = 'stopped', updated_at = ? WHERE team_id = ? AND status NOT IN ('stopped', 'paused') " +
        "RETURNING agent_id",
    );
    this.deleteTeam = db.prepare<[string]>("DELETE FROM teams WHERE team_id = ?");
    this.agentIds = db.prepare<[], { team_id: string; agent_id: string }>(
      "SELECT team_id, agent_id FROM agents ORDER BY team_id, agent_id",
    );
  }

  /**
   * Inserts the team, or refreshes its row at relaunch: status becomes `alive`, the given fields overwrite, fields
   * left undefined keep their stored value, and `created_at` and `attrs` are kept.
   */
  register(input: RegisterTeamInput): TeamRow {
    const teamId = assertSafeId("team", input.teamId, "/teamId");
    const leaderId = input.leaderId === undefined ? undefined : assertSafeId("leader", input.leaderId, "/leaderId");
    return this.ctx.write("teams.register", () => {
      const now = this.ctx.now();
      const holder = this.selectBySession.get(input.sessionName);
      if (holder !== undefined && holder.team_id !== teamId) {
        throw new TeamRuntimeError(
          "team_session_conflict",
          `tmux session "${input.sessionName}" is already registered to team "${holder.team_id}"`,
          `Use another session name for team "${teamId}", or remove team "${holder.team_id}" first.`,
          { details: { team: teamId, session_name: input.sessionName, owner_team: holder.team_id } },
        );
      }
      if (this.selectOne.get(teamId) === undefined) {
        this.insertTeam.run({
          team_id: teamId,
          session_name: input.sessionName,
          workspace: input.workspace,
          team_dir: input.teamDir ?? null,
          spec_path: input.specPath ?? null,
          display_backend: input.displayBackend ?? null,
          leader_id: leaderId ?? "leader",
          leader_provider: input.leaderProvider ?? null,
          spec: input.spec === undefined || input.spec === null ? null : toJsonText(input.spec),
          now,
        });
      } else {
        this.patcher.update(
          [teamId],
          {
            session_name: input.sessionName,
            status: "alive",
            workspace: input.workspace,
            team_dir: input.teamDir,
            spec_path: input.specPath,
            display_backend: input.displayBackend,
            leader_id: leaderId,
            leader_provider: input.leaderProvider,
            spec: input.spec,
          },
          { now },
        );
      }
      return toTeamRow(this.selectOne.get(teamId)!);
    });
  }

  get(teamId: string): TeamRow | null {
    assertSafeId("team", teamId);
    return this.ctx.read(() => {
      const raw = this.selectOne.get(teamId);
      return raw === undefined ? null : toTeamRow(raw);
    });
  }

  /** All teams ordered by id; `status: "alive"` matches case-insensitively, as selection does. */
  list(filter: { status?: string } = {}): TeamRow[] {
    const rows = this.ctx.read(() => this.selectAll.all().map(toTeamRow));
    if (filter.status === undefined) return rows;
    const wanted = filter.status.toLowerCase();
    return rows.filter((row) => row.status.toLowerCase() === wanted);
  }

  /** Changes only the given columns; false when nothing would change. */
  update(teamId: string, patch: TeamPatch): boolean {
    assertSafeId("team", teamId);
    if (patch.leader_id !== undefined) assertSafeId("leader", patch.leader_id, "/leader_id");
    return this.ctx.write("teams.update", () => {
      assertTeamRegistered(this.ctx, teamId);
      return this.patcher.update([teamId], { ...patch }, { now: this.ctx.now() });
    });
  }

  /** Merges keys into the team's `attrs` in SQL (a `null` value removes the key); false when nothing changed. */
  setAttrs(teamId: string, attrs: Record<string, unknown>): boolean {
    assertSafeId("team", teamId);
    return this.ctx.write("teams.set_attrs", () => {
      assertTeamRegistered(this.ctx, teamId);
      return this.attrsMerger.merge([teamId], attrs, this.ctx.now());
    });
  }

  /**
   * Shutdown bookkeeping in one transaction: the team becomes `stopped`, its agents `stopped` (paused ones stay
   * paused), and the active-team setting is cleared if it pointed here.
   */
  markStopped(teamId: string): MarkStoppedReport {
    assertSafeId("team", teamId);
    return this.ctx.write("teams.mark_stopped", () => {
      assertTeamRegistered(this.ctx, teamId);
      const now = this.ctx.now();
      const changed = this.patcher.update([teamId], { status: "stopped" }, { now });
      const agentsStopped = this.stopAgents.all(now, teamId).map((row) => row.agent_id);
      const activeCleared = this.clearActiveIf(teamId);
      return { changed, agents_stopped: agentsStopped.sort(), active_cleared: activeCleared };
    });
  }

  /** Removes the team and everything that references it (agents, leader binding, lease, monitor, health). */
  delete(teamId: string): boolean {
    assertSafeId("team", teamId);
    return this.ctx.write("teams.delete", () => {
      const removed = this.deleteTeam.run(teamId).changes > 0;
      this.clearActiveIf(teamId);
      return removed;
    });
  }

  activeTeamId(): string | null {
    return this.settings.get(ACTIVE_TEAM_KEY);
  }

  /** Points `active_team_key` at a registered team, or clears it with `null`. */
  setActiveTeam(teamId: string | null): boolean {
    if (teamId === null) return this.settings.delete(ACTIVE_TEAM_KEY);
    assertSafeId("team", teamId);
    return this.ctx.write("teams.set_active", () => {
      assertTeamRegistered(this.ctx, teamId);
      return this.settings.set(ACTIVE_TEAM_KEY, teamId);
    });
  }

  /**
   * §2.2 selection over alive teams. Without a selector: the active team if alive, else the only alive team. With
   * one: the alive team whose id, tmux session or team dir equals it. Anything else is `team_target_ambiguous` or
   * `team_target_unresolved`, with the candidates in the message.
   */
  selectTeam(selector?: string | null): TeamRow {
    return this.ctx.read(() =>
      // One read transaction, so the teams, agents and active key are seen as one snapshot.
      this.ctx.db.transaction(() => this.selectWithin(selector ?? null)).deferred(),
    );
  }

  private selectWithin(selector: string | null): TeamRow {
    const alive = this.selectAll
      .all()
      .map(toTeamRow)
      .filter((row) => isAliveStatus(row.status));
    if (selector === null || selector === "") {
      const activeId = this.settings.get(ACTIVE_TEAM_KEY);
      const active = alive.find((row) => row.team_id === activeId);
      if (active !== undefined) return active;
      if (alive.length === 1) return alive[0]!;
      if (alive.length === 0) {
        throw new TeamRuntimeError(
          "team_target_unresolved",
          `no running team found in this workspace. ${this.describeCandidates(alive)}`,
          "Launch a team first, or pass --team <team> naming a registered team.",
          { details: { team: null, candidates: [] } },
        );
      }
      throw new TeamRuntimeError(
        "team_target_ambiguous",
        `multiple teams found in this workspace; pass --team <team> to choose. ${this.describeCandidates(alive)}`,
        "Pass --team <team> with one of the candidates listed.",
        { details: { candidates: alive.map((row) => row.team_id) } },
      );
    }
    const matches = alive.filter((row) => matchesSelector(row, selector));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new TeamRuntimeError(
        "team_target_ambiguous",
        `team selector "${selector}" is ambiguous. ${this.describeCandidates(matches)}`,
        "Pass --team <team> with the team id of one of the candidates listed.",
        { details: { team: selector, candidates: matches.map((row) => row.team_id) } },
      );
    }
    throw new TeamRuntimeError(
      "team_target_unresolved",
      `team "${selector}" not found. ${this.describeCandidates(alive)}`,
      "Pass --team <team> with one of the candidates listed, or launch that team first.",
      { details: { team: selector, candidates: alive.map((row) => row.team_id) } },
    );
  }

  /** `Candidates: <key> session=<s> agents=<a,b|->; …` sorted by key, or the no-state sentence. */
  private describeCandidates(teams: readonly TeamRow[]): string {
    if (teams.length === 0) return "No team state was found.";
    const agentsByTeam = new Map<string, string[]>();
    for (const { team_id, agent_id } of this.agentIds.all()) {
      const list = agentsByTeam.get(team_id) ?? [];
      list.push(agent_id);
      agentsByTeam.set(team_id, list);
    }
    const parts = [...teams]
      .sort((a, b) => (a.team_id < b.team_id ? -1 : a.team_id > b.team_id ? 1 : 0))
      .map((team) => {
        const agents = agentsByTeam.get(team.team_id)?.join(",") || "-";
        return `${team.team_id} session=${team.session_name || "-"} agents=${agents}`;
      });
    return `Candidates: ${parts.join("; ")}`;
  }

  private clearActiveIf(teamId: string): boolean {
    return this.settings.get(ACTIVE_TEAM_KEY) === teamId && this.settings.delete(ACTIVE_TEAM_KEY);
  }
}

function matchesSelector(team: TeamRow, selector: string): boolean {
  if (team.team_id === selector || team.session_name === selector || team.team_dir === selector) return true;
  // A path selector may be relative to the caller's directory.
  return team.team_dir !== null && selector.includes("/") && resolve(selector) === team.team_dir;
}
