/**
 * The team's MCP server as Codex config overrides: `mcp_servers.team_orchestrator.{command,args,env.*}` plus
 * timeouts and `tools.<tool>.approval_mode = "approve"` for the pre-approved team tools. Its environment names the worker and the team that owns it (the server refuses to act for other
 * teams), so both come from the worker spec, never from whatever the caller put into `mcp.env`.
 */
import { ValidationError } from "@team-agent/core-state";
import { type McpServerLaunch, PREAPPROVED_TEAM_TOOLS, type WorkerLaunchSpec } from "@team-agent/provider-registry";
import { MCP_SERVER_NAME, MCP_STARTUP_TIMEOUT_SEC, MCP_TOOL_TIMEOUT_SEC } from "../constants.js";
import { configOverride, tomlFloat, tomlString, tomlStringArray } from "./toml.js";

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The server's environment: the caller's non-secret variables, then the worker's identity on top. */
export function mcpEnvironment(worker: WorkerLaunchSpec, mcp: McpServerLaunch): Record<string, string> {
  const env: Record<string, string> = { ...mcp.env };
  env.TEAM_AGENT_ID = worker.agentId;
  env.TEAM_AGENT_OWNER_TEAM_ID = worker.teamId;
  env.TEAM_AGENT_WORKSPACE = worker.workspace;
  for (const name of Object.keys(env)) {
    if (!ENV_NAME_RE.test(name)) {
      throw new ValidationError(`MCP server environment variable name '${name}' is not a valid name`, [], {
        code: "invalid_mcp_env_name",
        action: "Use environment variable names made of letters, digits and '_' (not starting with a digit).",
      });
    }
  }
  return env;
}

/** `-c` arguments that define the team's MCP server for this Codex process only. */
export function mcpOverrides(worker: WorkerLaunchSpec, mcp: McpServerLaunch): string[] {
  const prefix = `mcp_servers.${MCP_SERVER_NAME}`;
  const argv = [
    ...configOverride(`${prefix}.command`, tomlString(mcp.command)),
    ...configOverride(`${prefix}.args`, tomlStringArray(mcp.args)),
  ];
  const env = mcpEnvironment(worker, mcp);
  for (const name of Object.keys(env).sort()) {
    argv.push(...configOverride(`${prefix}.env.${name}`, tomlString(env[name] ?? "")));
  }
  argv.push(...configOverride(`${prefix}.startup_timeout_sec`, tomlFloat(MCP_STARTUP_TIMEOUT_SEC)));
  argv.push(...configOverride(`${prefix}.tool_timeout_sec`, tomlFloat(MCP_TOOL_TIMEOUT_SEC)));
  // Without this, 0.169 stops at "Allow the team_orchestrator MCP server to run tool …?" on every report.
  for (const tool of PREAPPROVED_TEAM_TOOLS) {
    argv.push(...configOverride(`${prefix}.tools.${tool}.approval_mode`, tomlString("approve")));
  }
  return argv;
}
