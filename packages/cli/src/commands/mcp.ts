/**
 * `team-agent mcp [--workspace DIR]`: the team_orchestrator MCP server over stdio, as worker CLIs start it. stdout
 * belongs to the protocol, so this command never returns an envelope to print: it serves until the client closes
 * stdin and then ends the process itself.
 */
import type { CommandModule } from "../cli/command.js";
import { CLI_VERSION } from "../cli/version.js";
import { serverWorkspace, serveStdio } from "../mcp/server.js";

export const mcpCommand: CommandModule = {
  async run(context) {
    // Throws a usage error (exit 2, on stderr) before anything is served when the workspace does not exist.
    const workspace = serverWorkspace(context.options.workspace, context.io.env, context.io.cwd);
    await serveStdio({ workspace, env: context.io.env, version: CLI_VERSION });
    process.exit(0);
  },
};
