/** Names Codex and Team Agent agree on, in one place so argv, MCP config and tool names never drift apart. */

export const PROVIDER_NAME = "codex";
export const PROVIDER_ALIASES: readonly string[] = [];
export const DISPLAY_NAME = "Codex CLI";
export const CODEX_COMMAND = "codex";

/** The team's MCP server, under the name every CLI sees. */
export const MCP_SERVER_NAME = "team_orchestrator";

/** The Codex release whose flags, config keys, screens and rollout shapes this plugin was checked against. */
export const VERIFIED_CLI_VERSION = "0.169.0";

/** The variable a compatible-API provider entry reads its key from; the value comes from the agent's 0600 env file. */
export const PROVIDER_API_KEY_ENV = "TEAM_AGENT_PROVIDER_API_KEY";

/** MCP tool calls may run long (a worker waiting on `report_result` bookkeeping); Codex's default is much shorter. */
export const MCP_TOOL_TIMEOUT_SEC = 600;
/** The MCP server is a Node process; a cold start on a busy machine can exceed Codex's default of 10 s. */
export const MCP_STARTUP_TIMEOUT_SEC = 30;
