/**
 * Starts a team from its spec: registers it in the store, starts the team's own tmux server with a keeper window,
 * launches every worker that is not paused (in `startup_order`), and starts the coordinator daemon.
 */
import { createHash } from "node:crypto";
import {
  assertSafeId,
  resolveRuntimeDefaults,
  type TeamRow,
  TeamRuntimeError,
  type TeamSpec,
} from "@team-agent/core-state";
import type { ProviderRegistry } from "@team-agent/provider-registry";
import { type CoordinatorStartResult, startCoordinator } from "../daemon/process.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import { DEFAULT_IDLE_DEBOUNCE_MS, DEFAULT_LEASE_TTL_MS, type TeamRuntimeConfig } from "../runtime/team-config.js";
import { type LaunchedWorker, launchWorker } from "./launch-worker.js";
import { launchOrder, openTeamSession } from "./team-session.js";

export interface StartTeamOptions {
  spec: TeamSpec;
  specPath?: string | null;
  teamDir?: string | null;
  /** The team MCP server's program (the CLI passes `team-agent mcp --workspace <ws>`). */
  mcp: { command: string; args: string[] };
  /** Where the providers come from; their package folders are recorded so the daemon loads the same plugins. */
  registry: ProviderRegistry;
  /** `tmux -L` name of the team's server; default derived from the workspace and team. */
  tmuxSocket?: string;
  tickIntervalMs?: number;
  idleDebounceMs?: number;
  leaseTtlMs?: number;
  /** Start the daemon (default true). */
  daemon?: boolean;
}

export interface StartTeamResult {
  ok: true;
  team_id: string;
  session_name: string;
  tmux_socket: string;
  agents: LaunchedWorker[];
  paused: string[];
  coordinator: CoordinatorStartResult | null;
}

export function defaultTmuxSocket(workspace: string, teamId: string): string {
  const digest = createHash("sha256").update(`${workspace}\0${teamId}`).digest("hex").slice(0, 10);
  return `team-agent-${teamId}-${digest}`;
}

function providerSources(spec: TeamSpec, registry: ProviderRegistry): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const agent of spec.agents) {
    const plugin = registry.get(agent.provider); // throws unknown_provider with the known names
    const entry = registry.entry(plugin.name) as NonNullable<ReturnType<ProviderRegistry["entry"]>>;
    const where = entry.source.packageDir ?? entry.source.entry;
    if (where === null) {
      throw new TeamRuntimeError(
        "provider_source_unknown",
        `Provider ${entry.name} was registered inline; the daemon could not load it again.`,
        "Install the provider as a package (or give its folder as an explicit plugin path).",
      );
    }
    sources[entry.name] = where;
  }
  return sources;
}

export async function startTeam(runtime: TeamRuntime, options: StartTeamOptions): Promise<StartTeamResult> {
  const spec = options.spec;
  const teamId = assertSafeId("team", spec.team.name);
  const settings = resolveRuntimeDefaults(spec);
  const existing = runtime.store.teams.get(teamId);
  const tmuxSocket = options.tmuxSocket ?? defaultTmuxSocket(runtime.workspace, teamId);
  if (existing !== null && existing.status === "alive") {
    const probe = runtime.tmux({ socketName: tmuxSocket });
    if (await probe.hasSession(existing.session_name).catch(() => false)) {
      throw new TeamRuntimeError(
        "team_already_running",
        `Team ${teamId} is already running (tmux session ${existing.session_name}).`,
        "Use `team-agent status`, or `team-agent shutdown` first to start it again.",
      );
    }
  }
  const config: TeamRuntimeConfig = {
    tmux_socket: tmuxSocket,
    provider_sources: providerSources(spec, options.registry),
    mcp: options.mcp,
    tick_interval_ms: options.tickIntervalMs ?? Math.round(settings.tick_interval_sec * 1000),
    idle_debounce_ms: options.idleDebounceMs ?? DEFAULT_IDLE_DEBOUNCE_MS,
    lease_ttl_ms: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
  };
  const registration = {
    sessionName: settings.session_name,
    workspace: runtime.workspace,
    teamDir: options.teamDir ?? null,
    specPath: options.specPath ?? null,
    displayBackend: settings.display_backend,
    leaderId: spec.leader.id,
    leaderProvider: spec.leader.provider,
    spec,
  };
  if (existing === null) runtime.store.teams.register({ teamId, ...registration });
  else
    runtime.store.teams.update(teamId, {
      session_name: registration.sessionName,
      status: "alive",
      team_dir: registration.teamDir,
      spec_path: registration.specPath,
      spec,
    });
  runtime.store.teams.setAttrs(teamId, { runtime: config });
  runtime.store.teams.setActiveTeam(teamId);
  const team = runtime.store.teams.get(teamId) as TeamRow;
  runtime.events.emit("launch.start", { team_id: teamId, session_name: team.session_name, tmux_socket: tmuxSocket });

  await openTeamSession(runtime, team);
  const tmux = runtime.teamTmux(team);

  const launched: LaunchedWorker[] = [];
  const paused: string[] = [];
  for (const agentId of launchOrder(spec)) {
    const agent = spec.agents.find((each) => each.id === agentId);
    if (agent?.paused) {
      runtime.store.agents.upsert(teamId, agentId, { status: "paused", provider: agent.provider, role: agent.role });
      paused.push(agentId);
      continue;
    }
    try {
      launched.push(await launchWorker(runtime, team, agentId, { kind: "fresh" }, "launch"));
    } catch (error) {
      await tmux.killSession(team.session_name);
      runtime.store.teams.markStopped(teamId);
      runtime.events.emit("launch.rollback_session", { team_id: teamId, failed_agent: agentId });
      throw error;
    }
  }
  const coordinator = options.daemon === false ? null : await startCoordinator(runtime, team);
  runtime.events.emit("launch.complete", {
    team_id: teamId,
    agents: launched.map((worker) => worker.agentId),
    paused,
    coordinator_pid: coordinator?.pid ?? null,
  });
  return {
    ok: true,
    team_id: teamId,
    session_name: team.session_name,
    tmux_socket: tmuxSocket,
    agents: launched,
    paused,
    coordinator,
  };
}
