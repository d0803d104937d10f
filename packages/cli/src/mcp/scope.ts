/**
 * Team scope (spec 04 §2.3, D3): a worker acts on its own team. Its server knows the team from the environment; a
 * call that names a member of another team of the workspace is refused (`peer_not_in_scope`), except a message sent
 * with `scope: "workspace"`, the explicit cross-team opt-in. Every recipient is checked before anything is written,
 * so a refused call leaves no half-sent fan-out behind.
 */
import type { TeamRuntime } from "@team-agent/coordinator";
import { type TeamRow, teamNotFoundError } from "@team-agent/core-state";
import { ToolArgumentError } from "./errors.js";
import type { CallerIdentity } from "./identity.js";

export type Refusal = {
  ok: false;
  status: "refused";
  reason: string;
  to?: string;
  agent_id?: string;
  hint: string;
};

export interface Route {
  team: TeamRow;
  /** The member id as stored (`leader` spellings become the team's lead id). */
  recipient: string;
}

const LEADER_ALIASES: ReadonlySet<string> = new Set(["leader", "Leader"]);

export function isRefusal(value: unknown): value is Refusal {
  return (value as Refusal | null)?.ok === false && (value as Refusal).status === "refused";
}

/** The caller's team: the owner team from the environment (alive or not), else the workspace's active team. */
export function callerTeam(runtime: TeamRuntime, identity: CallerIdentity): TeamRow {
  if (identity.ownerTeamId === null) return runtime.team(null);
  const team = runtime.store.teams.get(identity.ownerTeamId);
  if (team === null) throw teamNotFoundError(identity.ownerTeamId);
  return team;
}

/** Members of `team`: its worker rows, its spec's workers and its lead. */
function isMember(runtime: TeamRuntime, team: TeamRow, id: string): boolean {
  if (id === team.leader_id || runtime.store.agents.get(team.team_id, id) !== null) return true;
  try {
    return runtime.spec(team).agents.some((agent) => agent.id === id);
  } catch {
    return false; // a team without a usable spec has only its rows
  }
}

function membersOf(runtime: TeamRuntime, team: TeamRow): string[] {
  return [team.leader_id, ...runtime.store.agents.list(team.team_id).map((agent) => agent.agent_id)];
}

/** Other alive teams of the workspace that have a member `id`. */
function otherTeamsWith(runtime: TeamRuntime, own: TeamRow, id: string): TeamRow[] {
  return runtime.store.teams
    .list({ status: "alive" })
    .filter((team) => team.team_id !== own.team_id && runtime.store.agents.get(team.team_id, id) !== null);
}

function unknownMember(runtime: TeamRuntime, team: TeamRow, id: string): ToolArgumentError {
  return new ToolArgumentError(
    `team ${team.team_id} has no member ${JSON.stringify(id)} (members: ${membersOf(runtime, team).join(", ")})`,
    "Use a member id from the team status.",
  );
}

export interface ScopeOptions {
  /** The caller asked for `scope: "workspace"` (messages only). */
  workspaceScope: boolean;
  /** What a `peer_not_in_scope` refusal tells the caller to do instead. */
  outOfScopeHint: string;
}

function outOfScope(field: "to" | "agent_id", id: string, hint: string): Refusal {
  return { ok: false, status: "refused", reason: "peer_not_in_scope", [field]: id, hint };
}

/**
 * Where one named member lives: the caller's team, or (with the workspace opt-in) exactly one other alive team.
 * Refused when the name is a member of another team and the caller did not opt in while it has an owner team.
 */
function routeOne(
  runtime: TeamRuntime,
  own: TeamRow,
  identity: CallerIdentity,
  name: string,
  options: ScopeOptions,
): Route | Refusal {
  if (LEADER_ALIASES.has(name) || name === own.leader_id) return { team: own, recipient: own.leader_id };
  if (isMember(runtime, own, name)) return { team: own, recipient: name };
  const elsewhere = otherTeamsWith(runtime, own, name);
  if (elsewhere.length === 0) throw unknownMember(runtime, own, name);
  if (!options.workspaceScope) {
    if (identity.ownerTeamId !== null) return outOfScope("to", name, options.outOfScopeHint);
    throw unknownMember(runtime, own, name);
  }
  if (elsewhere.length > 1) {
    throw new ToolArgumentError(
      `${JSON.stringify(name)} is a member of several teams (${elsewhere.map((team) => team.team_id).join(", ")})`,
      "Address a member whose id is unique in the workspace.",
    );
  }
  return { team: elsewhere[0] as TeamRow, recipient: name };
}

/** A stored worker whose conversation drifted refuses messages until it is reset (checked here, before any write). */
function driftRefusal(runtime: TeamRuntime, route: Route): Refusal | null {
  const row = runtime.store.agents.get(route.team.team_id, route.recipient);
  if (!row?.attrs["session_drift"]) return null;
  return {
    ok: false,
    status: "refused",
    reason: "session_drift",
    to: route.recipient,
    hint: `${route.recipient} is in a different conversation than the one recorded; the lead must reset it first.`,
  };
}

/**
 * The routes of a message: `"*"` is every other member of the caller's team (its workers, not the lead); a list is
 * deduplicated. The first refusal wins and nothing is routed.
 */
export function routeRecipients(
  runtime: TeamRuntime,
  own: TeamRow,
  identity: CallerIdentity,
  to: string | readonly string[],
  options: ScopeOptions,
): Route[] | Refusal {
  let names: string[];
  if (to === "*") {
    names = runtime.store.agents
      .list(own.team_id)
      .map((agent) => agent.agent_id)
      .filter((id) => id !== identity.agentId);
    if (names.length === 0) throw new ToolArgumentError(`team ${own.team_id} has no other member to send to`);
  } else {
    names = typeof to === "string" ? [to] : [...to];
  }
  const routes: Route[] = [];
  const seen = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === "") throw new ToolArgumentError("a recipient id is empty");
    if (name === "*") throw new ToolArgumentError(`"*" stands alone: pass to: "*" to reach every other member`);
    const route = routeOne(runtime, own, identity, name, options);
    if (isRefusal(route)) return route;
    const refusal = driftRefusal(runtime, route);
    if (refusal !== null) return refusal;
    const key = `${route.team.team_id}\0${route.recipient}`;
    if (!seen.has(key)) {
      seen.add(key);
      routes.push(route);
    }
  }
  return routes;
}

/**
 * A lifecycle or alert target must belong to the caller's team. A member of another team is refused; an unknown id
 * is left to the operation, which names the team's workers.
 */
export function targetRefusal(
  runtime: TeamRuntime,
  own: TeamRow,
  identity: CallerIdentity,
  agentId: string,
): Refusal | null {
  if (identity.ownerTeamId === null || isMember(runtime, own, agentId)) return null;
  if (otherTeamsWith(runtime, own, agentId).length === 0) return null;
  return outOfScope(
    "agent_id",
    agentId,
    "the requested worker is not part of your team; only its own team acts on it.",
  );
}
