/**
 * How Codex names the team's MCP tools to the model. 0.169 exposes MCP servers as tool namespaces
 * `mcp__<server>` and each tool as `mcp__<server>__<tool>` (the model-visible prompt lists
 * "Deferred tool namespaces: - mcp__team_orchestrator"); rollouts record the call under that name.
 */
import { ValidationError } from "@team-agent/core-state";
import { MCP_SERVER_NAME } from "./constants.js";

const TOOL_RE = /^[A-Za-z0-9_-]+$/;

export function codexMcpToolName(tool: string): string {
  if (!TOOL_RE.test(tool)) {
    throw new ValidationError(`'${tool}' is not an MCP tool name`, [], {
      code: "invalid_mcp_tool_name",
      action: "Pass the bare tool name, e.g. report_result.",
    });
  }
  return `mcp__${MCP_SERVER_NAME}__${tool}`;
}
