/**
 * Starts one worker in its own window of the team's tmux server: asks the provider plugin for the command line
 * (fresh or resumed), writes the MCP config and the plugin's files, clears stale paste buffers, opens the window and
 * records the agent row. Nothing here waits for the CLI to be ready (wait-ready and the daemon do that).
 */
import { dirname } from "node:path";
import {
  ensurePrivateDir,
  expandTools,
  findProfile,
  isoNow,
  type TeamRow,
  TeamRuntimeError,
  type TeamSpec,
  type TeamSpecAgent,
  writeFileAtomic,
  writeSecretFile,
} from "@team-agent/core-state";
import type {
  AuthMode,
  LaunchPlan,
  McpServerLaunch,
  ProviderPlugin,
  WorkerLaunchSpec,
} from "@team-agent/provider-registry";
import type { TeamRuntime } from "../runtime/runtime.js";
import { composeWorkerPrompt } from "../runtime/worker-prompt.js";

/** The window that keeps a team's tmux session alive while every worker is stopped. */
export const KEEPER_WINDOW = "_team";

export type LaunchMode = { kind: "fresh" } | { kind: "resume"; sessionId: string };

export interface LaunchedWorker {
  agentId: string;
  paneId: string;
  mode: "fresh" | "resumed";
  predeterminedSessionId: string | null;
  spawnedAt: string;
}

/** Profile values whose key names a credential never reach a plugin's non-secret settings. */
const SECRET_KEY = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i;

function profileSettings(runtime: TeamRuntime, team: TeamRow, agent: TeamSpecAgent): Record<string, string> {
  if (!agent.profile) return {};
  const profile = findProfile(team.team_dir ?? runtime.layout.teamDocDir(), agent.profile);
  const settings: Record<string, string> = {};
  for (const [key, value] of profile?.values ?? []) if (!SECRET_KEY.test(key)) settings[key] = value;
  return settings;
}

export function agentSpecOf(spec: TeamSpec, agentId: string): TeamSpecAgent {
  const agent = spec.agents.find((each) => each.id === agentId);
  if (agent !== undefined) return agent;
  throw new TeamRuntimeError(
    "unknown_agent",
    `Team ${spec.team.name} has no worker ${agentId} (workers: ${spec.agents.map((each) => each.id).join(", ") || "none"}).`,
    "Check the id with `team-agent status`.",
  );
}

export function mcpLaunchFor(runtime: TeamRuntime, team: TeamRow, agentId: string): McpServerLaunch {
  const { mcp } = runtime.config(team);
  return {
    name: "team_orchestrator",
    command: mcp.command,
    args: [...mcp.args],
    env: { TEAM_AGENT_ID: agentId, TEAM_AGENT_OWNER_TEAM_ID: team.team_id, TEAM_AGENT_WORKSPACE: runtime.workspace },
  };
}

export function workerLaunchSpec(
  runtime: TeamRuntime,
  team: TeamRow,
  spec: TeamSpec,
  agent: TeamSpecAgent,
  plugin: ProviderPlugin,
): WorkerLaunchSpec {
  return {
    teamId: team.team_id,
    agentId: agent.id,
    role: agent.role,
    workspace: runtime.workspace,
    model: agent.model,
    authMode: (agent.auth_mode ?? "subscription") as AuthMode,
    tools: expandTools(agent.tools).tools,
    systemPrompt: composeWorkerPrompt(spec, agent, plugin, runtime.workspace),
    dangerousAutoApprove: spec.runtime.dangerous_auto_approve ?? false,
    providerConfigDir: null,
    profileSettings: profileSettings(runtime, team, agent),
  };
}

function writeLaunchFiles(runtime: TeamRuntime, agentId: string, plan: LaunchPlan, mcp: McpServerLaunch): string {
  for (const file of plan.files) {
    ensurePrivateDir(dirname(file.path));
    writeFileAtomic(file.path, file.content, file.mode);
  }
  const mcpPath = runtime.layout.agentMcpConfigPath(agentId);
  ensurePrivateDir(dirname(mcpPath));
  const server = { type: "stdio", command: mcp.command, args: mcp.args, env: mcp.env };
  writeSecretFile(mcpPath, `${JSON.stringify({ mcpServers: { [mcp.name]: server } }, null, 2)}\n`);
  return mcpPath;
}

/** Deletes leftover `team-agent-*` paste buffers on the team's own server, so a restarted CLI never receives one. */
async function clearStaleBuffers(runtime: TeamRuntime, team: TeamRow, context: string): Promise<void> {
  const tmux = runtime.teamTmux(team);
  const names = await tmux.listBuffers().catch(() => null);
  if (names === null) {
    runtime.events.emit("paste_buffer_hygiene.list_failed", { team_id: team.team_id, context });
    return;
  }
  const stale = names.filter((name) => name.startsWith("team-agent-"));
  for (const name of stale) await tmux.deleteBuffer(name);
  if (stale.length > 0) {
    runtime.events.emit("paste_buffer_hygiene.prevented_resume_injection", {
      team_id: team.team_id,
      context,
      deleted_buffers: stale,
      scanned_count: names.length,
      matched_count: stale.length,
    });
  }
}

export async function launchWorker(
  runtime: TeamRuntime,
  team: TeamRow,
  agentId: string,
  mode: LaunchMode,
  eventPrefix = "start_agent",
): Promise<LaunchedWorker> {
  const spec = runtime.spec(team);
  const agent = agentSpecOf(spec, agentId);
  const plugin = (await runtime.providers(team)).get(agent.provider);
  const worker = workerLaunchSpec(runtime, team, spec, agent, plugin);
  const mcp = mcpLaunchFor(runtime, team, agentId);
  const plan =
    mode.kind === "resume" ? plugin.buildResume(worker, mcp, mode.sessionId) : plugin.buildLaunch(worker, mcp);
  const mcpPath = writeLaunchFiles(runtime, agentId, plan, mcp);
  await clearStaleBuffers(runtime, team, `${eventPrefix}:${agentId}`);

  const tmux = runtime.teamTmux(team);
  const spawnedAt = isoNow();
  const opened = await tmux.newWindow({
    session: team.session_name,
    name: agentId,
    command: plan.argv,
    cwd: runtime.workspace,
    env: plan.env,
  });
  if (!opened.ok || opened.paneId === null) {
    runtime.events.emit(`${eventPrefix}.agent_failed`, {
      team_id: team.team_id,
      agent_id: agentId,
      error: opened.error,
    });
    throw new TeamRuntimeError(
      "worker_window_failed",
      `Could not open a tmux window for ${agentId}: ${opened.error ?? "unknown tmux error"}.`,
      "Check `team-agent doctor`; the team's tmux server may be gone (then run `team-agent restart`).",
    );
  }
  const resumed = mode.kind === "resume";
  runtime.store.agents.upsert(team.team_id, agentId, {
    status: "running",
    provider: plugin.name,
    role: agent.role,
    model: agent.model,
    auth_mode: agent.auth_mode ?? "subscription",
    profile: agent.profile ?? null,
    window: agentId,
    pane_id: opened.paneId,
    mcp_config: mcpPath,
    spawn_cwd: runtime.workspace,
    spawned_at: spawnedAt,
    // A resumed worker keeps its captured session; a fresh one gets captured again.
    ...(resumed
      ? {}
      : { session_id: null, rollout_path: null, captured_at: null, captured_via: null, attribution_confidence: null }),
  });
  runtime.store.agents.setAttrs(team.team_id, agentId, {
    pending_session_id: plan.predeterminedSessionId,
    startup_checks: 0,
  });
  runtime.events.emit(`${eventPrefix}.agent_start`, {
    team_id: team.team_id,
    agent_id: agentId,
    provider: plugin.name,
    start_mode: resumed ? "resumed" : "fresh",
    pane_id: opened.paneId,
    command: plan.argv[0],
  });
  return {
    agentId,
    paneId: opened.paneId,
    mode: resumed ? "resumed" : "fresh",
    predeterminedSessionId: plan.predeterminedSessionId,
    spawnedAt,
  };
}
