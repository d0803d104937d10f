#!/usr/bin/env node
// The main job on a fresh machine. Until the CLI lands this prints the packages and how far each has come;
// the CLI issue replaces it with a demo team run by the built-in fake provider.
import { listWorkspaces } from "./workspaces.mjs";

// The shape the repository grows into (see README); a package shows as "planned" until its folder exists.
const PLANNED = [
  ["@team-agent/core-state", "workspace layout, team spec, SQLite runtime store, event log, envelope, errors"],
  ["@team-agent/tmux-prompt", "tmux client, pane-screen classifier, verified delivery, workspace-trust policy"],
  ["@team-agent/idle-predicate", "worker turn states and the all-idle takeover reminder"],
  ["@team-agent/provider-registry", "provider plugin contract, discovery and conformance kit"],
  ["@team-agent/provider-codex", "Codex CLI provider plugin"],
  ["@team-agent/provider-claude-code", "Claude Code provider plugin"],
  ["@team-agent/provider-fake", "scripted fake agent CLI for tests and the demo"],
  ["@team-agent/coordinator", "team runtime operations and the coordinator daemon"],
  ["@team-agent/cli", "the team-agent command, the lead's skill and the workers' MCP server"],
  ["@team-agent/installer", "npx @team-agent/installer@latest install"],
];

const present = new Map(listWorkspaces().map(({ manifest }) => [manifest.name, manifest]));
const rows = PLANNED.map(([name, job]) => {
  const manifest = present.get(name);
  return [name, manifest ? manifest.version : "-", manifest ? "built" : "planned", job];
});
for (const [name, manifest] of present) {
  if (!PLANNED.some(([planned]) => planned === name))
    rows.push([name, manifest.version, "built", manifest.description ?? ""]);
}
const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length), 7));
const line = (row) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell)).join("  ");
console.log("Team Agent packages in this checkout\n");
console.log(line(["package", "version", "status", "job"]));
for (const row of rows) console.log(line(row));
console.log("\nThe demo team (fake provider) arrives with the team-agent CLI. `npm test` runs every check.");
