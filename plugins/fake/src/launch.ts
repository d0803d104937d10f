/**
 * The fake agent's command lines. The CLI is this package's own program, run by the current Node binary: the
 * compiled `dist/cli/main.js` when the plugin itself runs compiled, the TypeScript source through tsx when the
 * plugin runs from source (tests, dev), so the program in the pane is always the code under test, never a stale build.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { type NodeEntry, resolveExistingPath, resolveNodeEntry, TeamRuntimeError } from "@team-agent/core-state";
import type { LaunchPlan, McpServerLaunch, WorkerLaunchSpec } from "@team-agent/provider-registry";
import { defaultProjectsRoot, isSessionId } from "./transcript/paths.js";

/** How to start the CLI: the Node arguments before the CLI's own flags. */
export type CliEntry = NodeEntry;

/** Resolves the CLI next to the module at `moduleUrl` (this module by default). */
export function resolveCliEntry(moduleUrl: string = import.meta.url): CliEntry {
  return resolveNodeEntry(moduleUrl, "cli/main");
}

/** The `--mcp-config` value: the team server under `mcpServers.team_orchestrator`, as Claude Code takes it. */
export function mcpConfigJson(mcp: McpServerLaunch): string {
  const server = { type: "stdio", command: mcp.command, args: [...mcp.args], env: { ...mcp.env } };
  return JSON.stringify({ mcpServers: { [mcp.name]: server } });
}

/**
 * Settings a worker's profile may pass (`profileSettings`): `SCRIPT` (a behaviour script file) and `TRUST_PROMPT`
 * (`true`/`1`: ask for workspace trust first).
 */
function optionalFlags(worker: WorkerLaunchSpec): string[] {
  const flags: string[] = [];
  const script = worker.profileSettings["SCRIPT"];
  if (script) flags.push("--script", script);
  const trust = worker.profileSettings["TRUST_PROMPT"];
  if (trust === "true" || trust === "1") flags.push("--trust-prompt");
  return flags;
}

/** Where this worker's transcripts go: the managed config dir when there is one, else inside the workspace. */
export function projectsRootFor(worker: WorkerLaunchSpec): string {
  return worker.providerConfigDir !== null
    ? join(worker.providerConfigDir, "projects")
    : defaultProjectsRoot(worker.workspace);
}

function plan(worker: WorkerLaunchSpec, mcp: McpServerLaunch, session: string[], sessionId: string): LaunchPlan {
  const workspace = resolveExistingPath(worker.workspace);
  const argv = [
    process.execPath,
    ...resolveCliEntry().nodeArgs,
    "--workspace",
    workspace,
    "--agent-id",
    worker.agentId,
    "--mcp-config",
    mcpConfigJson(mcp),
    ...session,
    "--projects-root",
    projectsRootFor(worker),
    ...optionalFlags(worker),
  ];
  return {
    argv,
    env: { TEAM_AGENT_ID: worker.agentId, TEAM_AGENT_WORKSPACE: workspace },
    files: [],
    predeterminedSessionId: sessionId,
    afterStartKeys: [],
  };
}

export function buildFakeLaunch(worker: WorkerLaunchSpec, mcp: McpServerLaunch): LaunchPlan {
  const sessionId = randomUUID();
  return plan(worker, mcp, ["--session-id", sessionId], sessionId);
}

/** Resuming appends to the same transcript; the session id must be one the fake could have written. */
export function buildFakeResume(worker: WorkerLaunchSpec, mcp: McpServerLaunch, sessionId: string): LaunchPlan {
  if (!isSessionId(sessionId)) {
    throw new TeamRuntimeError(
      "resume_unavailable",
      `Cannot resume fake agent ${worker.agentId}: ${JSON.stringify(sessionId)} is not a session id (a UUID).`,
      "Start the agent fresh, or capture its session first.",
    );
  }
  return plan(worker, mcp, ["--resume", sessionId], sessionId);
}
