#!/usr/bin/env node
// `team_orchestrator [--workspace DIR]`: the team MCP server on its own, for worker configs that name this bin
// rather than `team-agent mcp`. Same server, same identity rules (environment only).
import { parseArgs } from "node:util";
import { CLI_VERSION } from "../cli/version.js";
import { serverWorkspace, serveStdio } from "./server.js";

const USAGE = "usage: team_orchestrator [--workspace DIR]";

let workspace: string;
try {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { workspace: { type: "string" }, help: { type: "boolean", short: "h" }, version: { type: "boolean" } },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(
      `${USAGE}\nThe team's MCP server over stdio; workers' CLIs start it with their identity in the env.\n`,
    );
    process.exit(0);
  }
  if (values.version) {
    process.stderr.write(`${CLI_VERSION}\n`);
    process.exit(0);
  }
  workspace = serverWorkspace(values.workspace, process.env, process.cwd());
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
await serveStdio({ workspace, env: process.env, version: CLI_VERSION });
process.exit(0);
