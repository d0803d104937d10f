// Public API of @team-agent/cli: run the command line in-process (tests, embedding) and start the MCP server.

export type { CommandDefinition, CommandModule, CommandOutput, ParsedArgs } from "./cli/command.js";
export { COMMANDS, findCommand } from "./cli/commands.js";
export { runCli } from "./cli/run.js";
