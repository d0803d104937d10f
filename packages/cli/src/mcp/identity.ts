/**
 * Who is calling (spec 04 §2.1, D3): only the environment the runtime set when it spawned the worker says so:
 * `TEAM_AGENT_ID` (the worker), `TEAM_AGENT_OWNER_TEAM_ID` (its team) and `TEAM_AGENT_WORKSPACE`. Nothing is guessed
 * from the store or taken from tool arguments: a call that names another identity is refused.
 */

/** The server's registered name; every spelling of a tool name starts from it. */
export const SERVER_NAME = "team_orchestrator";

export interface CallerIdentity {
  /** The worker's id; null in a server started without one (then messages come from `unknown`). */
  agentId: string | null;
  /** The team the worker belongs to; null means the workspace's active team, without cross-team refusals. */
  ownerTeamId: string | null;
}

const present = (value: string | undefined): string | null => {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
};

export function identityFromEnv(env: NodeJS.ProcessEnv): CallerIdentity {
  return { agentId: present(env["TEAM_AGENT_ID"]), ownerTeamId: present(env["TEAM_AGENT_OWNER_TEAM_ID"]) };
}

/** The workspace: the `--workspace` the server was started with, else `TEAM_AGENT_WORKSPACE`, else null. */
export function workspaceFrom(option: string | undefined, env: NodeJS.ProcessEnv): string | null {
  return present(option) ?? present(env["TEAM_AGENT_WORKSPACE"]);
}

/** What messages from this caller say as sender. Never `leader`: a server without identity is `unknown`. */
export function senderOf(identity: CallerIdentity): string {
  return identity.agentId ?? "unknown";
}

/**
 * The dotted spelling (`team_orchestrator.send_message`), used when the caller's CLI is unknown; when it is known,
 * its provider plugin's `mcpToolName` gives the spelling that CLI shows (spec 04 §2.7).
 */
export function dottedToolName(tool: string): string {
  return `${SERVER_NAME}.${tool}`;
}
