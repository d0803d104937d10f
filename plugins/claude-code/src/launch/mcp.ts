/**
 * The team's MCP server as Claude Code wants it: one stdio entry under `team_orchestrator`. Its environment names
 * the worker and the team that owns it (the server refuses to act for other teams), so both come from the worker,
 * never from whatever the caller put in `mcp.env`.
 */
import { TeamRuntimeError } from "@team-agent/core-state";
import type { McpServerLaunch, WorkerLaunchSpec } from "@team-agent/provider-registry";
import { MCP_SERVER_NAME } from "../constants.js";

export interface ClaudeMcpServerEntry {
  type: "stdio";
  command: string;
  args: string[];
  env: Record<string, string>;
}

// The MCP config travels in argv (`--mcp-config <json>`) or in a config file; neither may hold a secret (D8).
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)/i;

/** Throws `secret_in_mcp_env` when a variable name looks like it carries a secret. */
export function assertNoSecretNames(env: Readonly<Record<string, string>>): void {
  const suspicious = Object.keys(env).filter((name) => SECRET_NAME.test(name));
  if (suspicious.length === 0) return;
  throw new TeamRuntimeError(
    "secret_in_mcp_env",
    `the MCP server environment names ${suspicious.join(", ")}, which look like secrets; the MCP config is passed in argv or a plain file`,
    "Put secrets in the agent's 0600 provider env file instead; the MCP server environment may only carry ids and paths.",
    { details: { variables: suspicious } },
  );
}

export function mcpServerEntry(worker: WorkerLaunchSpec, mcp: McpServerLaunch): ClaudeMcpServerEntry {
  const env = { ...mcp.env, TEAM_AGENT_ID: worker.agentId, TEAM_AGENT_OWNER_TEAM_ID: worker.teamId };
  assertNoSecretNames(env);
  return { type: "stdio", command: mcp.command, args: [...mcp.args], env };
}

/** `{"mcpServers": {"team_orchestrator": …}}`, the document `--mcp-config` takes. */
export function mcpConfigDocument(worker: WorkerLaunchSpec, mcp: McpServerLaunch): string {
  return JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: mcpServerEntry(worker, mcp) } });
}

/** How Claude Code names a tool of the team's MCP server (`mcp__team_orchestrator__report_result`). */
export function mcpToolName(tool: string): string {
  return `mcp__${MCP_SERVER_NAME}__${tool}`;
}
