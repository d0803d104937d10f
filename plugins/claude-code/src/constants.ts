/** Names the Claude Code CLI and Team Agent agree on. One place, so argv, MCP config and tool names never drift. */

export const PROVIDER_NAME = "claude_code";
export const PROVIDER_ALIASES: readonly string[] = ["claude"];
export const DISPLAY_NAME = "Claude Code";
export const CLAUDE_COMMAND = "claude";

/** The team's MCP server, under the name every CLI sees. */
export const MCP_SERVER_NAME = "team_orchestrator";

/** The Claude Code release these flags, screens and transcript shapes were checked against. */
export const VERIFIED_CLI_VERSION = "2.1.332";
