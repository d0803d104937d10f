/**
 * Whole-team shutdown and restart (spec 03 §4.4, spec 04 `shutdown` / `restart`). Shutdown keeps everything a
 * restart needs (the store, the logs, every worker's session id); restart resumes every worker's conversation, or
 * refuses before it starts anything when one of them would lose its conversation (resume atomicity).
 */
import { relative } from "node:path";
import {
  ensurePrivateDir,
  type TeamRow,
  TeamRuntimeError,
  type TeamSpecAgent,
  writeSecretFile,
} from "@team-agent/core-state";
import { windowTarget } from "@team-agent/tmux-prompt";
import {
  type CoordinatorStartResult,
  type CoordinatorStopResult,
  startCoordinator,
  stopCoordinator,
} from "../daemon/process.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import {
  type DaemonOption,
  decideStartMode,
  hasWorkerContext,
  isPausedWorker,
  reloadTeam,
  type StartDecision,
} from "./agent-lifecycle.js";
import { captureAgentSession } from "./capture.js";
import { agentSpecOf, launchWorker } from "./launch-worker.js";
import { wakeDaemon } from "./send.js";
import { launchOrder, openTeamSession } from "./team-session.js";

// ---------------------------------------------------------------------------------------------------------------
// shutdown

export interface ShutdownTeamOptions {
  /** Logs and the store always stay; the flag exists for the CLI's `--keep-logs`. */
  keepLogs?: boolean;
  /** Total wait for the sessions of workers that were talked to but are not captured yet (default 2 s). */
  captureBudgetMs?: number;
}

export interface ShutdownTeamResult {
  ok: true;
  team_id: string;
  session_name: string;
  /** Workers moved to `stopped` (paused ones stay paused). */
  stopped_agents: string[];
  /** Workers whose session was captured during shutdown. */
  captured_sessions: string[];
  /** Saved pane contents, relative to the workspace. */
  logs: string[];
  session_killed: boolean;
  /** No session is left on the team's tmux server, so the server is gone too. */
  server_stopped: boolean;
  coordinator: CoordinatorStopResult;
}

export const SHUTDOWN_CAPTURE_BUDGET_MS = 2_000;

/**
 * Workers that were talked to share one wait for their transcripts; the others get a single look (a worker that
 * never had a message usually has no transcript to find).
 */
async function captureBeforeShutdown(runtime: TeamRuntime, team: TeamRow, budgetMs: number): Promise<string[]> {
  const registry = await runtime.providers(team);
  const deadline = Date.now() + budgetMs;
  const captured: string[] = [];
  for (const agent of runtime.store.agents.list(team.team_id)) {
    if (agent.session_id || agent.status === "stopped" || agent.status === "paused") continue;
    const timeoutMs = hasWorkerContext(agent) ? Math.max(0, deadline - Date.now()) : 0;
    let found = false;
    try {
      found = (await captureAgentSession(runtime, team, agent, registry.get(agent.provider), { timeoutMs })) !== null;
    } catch (error) {
      runtime.events.emit("session.capture_failed", {
        team_id: team.team_id,
        agent_id: agent.agent_id,
        error: String(error),
      });
    }
    runtime.events.emit(found ? "shutdown.session_capture_checked" : "shutdown.session_capture_missed", {
      team_id: team.team_id,
      agent_id: agent.agent_id,
      timeout_ms: timeoutMs,
    });
    if (found) captured.push(agent.agent_id);
  }
  return captured;
}

/** Each worker window's whole history goes to `.team/logs/<agent>.scrollback` (0600: a pane may show secrets). */
async function saveScrollback(runtime: TeamRuntime, team: TeamRow): Promise<string[]> {
  const tmux = runtime.teamTmux(team);
  const saved: string[] = [];
  for (const agent of runtime.store.agents.list(team.team_id)) {
    if (agent.pane_id === null) continue;
    const screen = await tmux.capturePane(windowTarget(team.session_name, agent.agent_id), { start: "all" });
    if (!screen.ok) continue;
    const path = runtime.layout.agentScrollbackPath(agent.agent_id);
    ensurePrivateDir(runtime.layout.logsDir);
    writeSecretFile(path, screen.text);
    saved.push(relative(runtime.workspace, path));
  }
  return saved;
}

export async function shutdownTeam(
  runtime: TeamRuntime,
  team: TeamRow,
  options: ShutdownTeamOptions = {},
): Promise<ShutdownTeamResult> {
  const current = reloadTeam(runtime, team);
  const tmux = runtime.teamTmux(current);
  const captured = await captureBeforeShutdown(runtime, current, options.captureBudgetMs ?? SHUTDOWN_CAPTURE_BUDGET_MS);
  const logs = await saveScrollback(runtime, current);
  // The daemon goes first, so it never sees the session vanish and reports it as a fault.
  const coordinator = await stopCoordinator(runtime, current);
  let sessionKilled = false;
  if (await tmux.hasSession(current.session_name)) {
    const killed = await tmux.killSession(current.session_name);
    if (!killed.ok) {
      runtime.events.emit("shutdown.session_kill_failed", { team_id: current.team_id, error: killed.error });
      throw new TeamRuntimeError(
        "tmux_session_kill_failed",
        `Could not close tmux session ${current.session_name}: ${killed.error}.`,
        "Run `team-agent doctor`, then retry the shutdown.",
      );
    }
    sessionKilled = true;
  }
  // The server is the team's own (`tmux -L`); with no session left on it, nothing else needs it.
  const serverStopped = (await tmux.listSessions()).length === 0;
  if (serverStopped) await tmux.killServer();
  const report = runtime.store.teams.markStopped(current.team_id);
  for (const agent of runtime.store.agents.list(current.team_id)) {
    if (agent.pane_id !== null) runtime.store.agents.update(current.team_id, agent.agent_id, { pane_id: null });
  }
  runtime.events.emit("shutdown.complete", {
    team_id: current.team_id,
    session_name: current.session_name,
    stopped_agents: report.agents_stopped,
    captured_sessions: captured,
    coordinator_status: coordinator.status,
    server_stopped: serverStopped,
  });
  return {
    ok: true,
    team_id: current.team_id,
    session_name: current.session_name,
    stopped_agents: report.agents_stopped,
    captured_sessions: captured,
    logs,
    session_killed: sessionKilled,
    server_stopped: serverStopped,
    coordinator,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// restart

export interface RestartTeamOptions extends DaemonOption {
  /** Start workers fresh when their conversation cannot be resumed. */
  allowFresh?: boolean;
}

export interface RestartedAgent {
  agent_id: string;
  restart_mode: "resumed" | "fresh" | "paused";
  session_id: string | null;
}

export interface RestartedTeam {
  ok: true;
  team_id: string;
  session_name: string;
  agents: RestartedAgent[];
  coordinator: CoordinatorStartResult | null;
}

export interface UnresumableWorker {
  agent_id: string;
  reason: "no_persisted_session_id" | "session_unresumable";
  session_id: string | null;
  first_send_at: unknown;
}

export interface InvalidFirstSend {
  agent_id: string;
  raw_first_send_at: unknown;
  raw_first_send_at_type: string;
}

export type RestartRefusal =
  | {
      ok: false;
      status: "refused";
      reason: "resume_atomicity";
      team_id: string;
      unresumable: UnresumableWorker[];
      error: string;
    }
  | {
      ok: false;
      status: "refused";
      reason: "invalid_first_send_at";
      team_id: string;
      invalid: InvalidFirstSend[];
      error: string;
    };

export type RestartTeamResult = RestartedTeam | RestartRefusal;

/** `first_send_at` is absent or an ISO timestamp; anything else (`""`, `0`, `false`, `"null"`) is corrupt. */
export function isValidFirstSendAt(raw: unknown): boolean {
  if (raw === undefined || raw === null) return true;
  return typeof raw === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw) && !Number.isNaN(Date.parse(raw));
}

interface WorkerPlan {
  entry: TeamSpecAgent;
  /** null: the worker stays paused. */
  decision: Exclude<StartDecision, { kind: "refuse" }> | null;
}

function refuseInvalidFirstSends(runtime: TeamRuntime, team: TeamRow, invalid: InvalidFirstSend[]): RestartRefusal {
  for (const each of invalid) runtime.events.emit("restart.first_send_at_invalid", { team_id: team.team_id, ...each });
  const listed = invalid.map((each) => `${each.agent_id} (${JSON.stringify(each.raw_first_send_at)})`).join(", ");
  return {
    ok: false,
    status: "refused",
    reason: "invalid_first_send_at",
    team_id: team.team_id,
    invalid,
    error: `Restart refused: first_send_at is not a timestamp for ${listed}; nothing was started.`,
  };
}

function refuseUnresumable(
  runtime: TeamRuntime,
  team: TeamRow,
  unresumable: UnresumableWorker[],
  allowFresh: boolean,
): RestartRefusal {
  runtime.events.emit("restart.atomic_refusal", {
    team_id: team.team_id,
    unresumable,
    allow_fresh: allowFresh,
    reason: "resume_atomicity",
  });
  const listed = unresumable
    .map((each) => `${each.agent_id} (${each.reason}, first_send_at ${String(each.first_send_at ?? "none")})`)
    .join(", ");
  return {
    ok: false,
    status: "refused",
    reason: "resume_atomicity",
    team_id: team.team_id,
    unresumable,
    error:
      `Restart refused: ${listed} cannot resume a conversation it already had; nothing was started. ` +
      "Use --allow-fresh only if losing those workers' context is acceptable.",
  };
}

/** Every decision is made before anything starts, so a refusal leaves no tmux session behind. */
async function planWorkers(
  runtime: TeamRuntime,
  team: TeamRow,
  allowFresh: boolean,
): Promise<{ plans: WorkerPlan[] } | { refusal: RestartRefusal }> {
  const spec = runtime.spec(team);
  const registry = await runtime.providers(team);
  const workers = launchOrder(spec).map((id) => ({
    entry: agentSpecOf(spec, id),
    row: runtime.store.agents.get(team.team_id, id),
  }));
  const active = workers.filter(({ row, entry }) => !isPausedWorker(row, entry));
  const invalid = active.flatMap(({ row, entry }) => {
    const raw = row?.attrs["first_send_at"];
    return isValidFirstSendAt(raw)
      ? []
      : [{ agent_id: entry.id, raw_first_send_at: raw, raw_first_send_at_type: raw === null ? "null" : typeof raw }];
  });
  if (invalid.length > 0) return { refusal: refuseInvalidFirstSends(runtime, team, invalid) };

  const unresumable: UnresumableWorker[] = [];
  const plans: WorkerPlan[] = workers.map(({ entry, row }) => {
    if (isPausedWorker(row, entry)) return { entry, decision: null };
    const decision = decideStartMode(runtime, team, entry, row, registry.get(entry.provider), allowFresh);
    runtime.events.emit("restart.resume_decision", {
      team_id: team.team_id,
      worker_id: entry.id,
      has_first_send_at: row?.attrs["first_send_at"] !== undefined,
      has_session_id: Boolean(row?.session_id),
      allow_fresh: allowFresh,
      decision: decision.kind === "resume" ? "resume" : decision.kind === "fresh" ? "fresh_start" : "refuse",
      first_send_at: row?.attrs["first_send_at"] ?? null,
      session_id: row?.session_id ?? null,
    });
    if (decision.kind !== "refuse") return { entry, decision };
    unresumable.push({
      agent_id: entry.id,
      reason: decision.reason,
      session_id: row?.session_id ?? null,
      first_send_at: row?.attrs["first_send_at"] ?? null,
    });
    return { entry, decision: null };
  });
  if (unresumable.length > 0) return { refusal: refuseUnresumable(runtime, team, unresumable, allowFresh) };
  return { plans };
}

/** Restarts a stopped team, or one whose tmux server died under it, resuming each worker's conversation. */
export async function restartTeam(
  runtime: TeamRuntime,
  team: TeamRow,
  options: RestartTeamOptions = {},
): Promise<RestartTeamResult> {
  const current = reloadTeam(runtime, team);
  const tmux = runtime.teamTmux(current);
  if (await tmux.hasSession(current.session_name)) {
    runtime.events.emit("restart.session_conflict", { team_id: current.team_id, session_name: current.session_name });
    throw new TeamRuntimeError(
      "team_session_exists",
      `Team ${current.team_id} is still running (tmux session ${current.session_name} exists).`,
      "Use `team-agent start-agent` for a single worker, or `team-agent shutdown` before restarting.",
    );
  }
  const allowFresh = options.allowFresh === true;
  const planned = await planWorkers(runtime, current, allowFresh);
  if ("refusal" in planned) return planned.refusal;

  runtime.store.teams.update(current.team_id, { status: "alive" });
  runtime.store.teams.setActiveTeam(current.team_id);
  runtime.events.emit("restart.start", { team_id: current.team_id, session_name: current.session_name });
  const agents: RestartedAgent[] = [];
  try {
    await openTeamSession(runtime, current);
    for (const { entry, decision } of planned.plans) {
      if (decision === null) {
        agents.push({ agent_id: entry.id, restart_mode: "paused", session_id: null });
        continue;
      }
      if (decision.kind === "fresh") {
        runtime.events.emit("restart.fresh_spawn", {
          team_id: current.team_id,
          agent_id: entry.id,
          reason: decision.reason,
          discarded_session_id: decision.discardedSessionId,
        });
      }
      const mode =
        decision.kind === "resume"
          ? { kind: "resume" as const, sessionId: decision.sessionId }
          : { kind: "fresh" as const };
      const launched = await launchWorker(runtime, current, entry.id, mode, "restart");
      const sessionId = runtime.store.agents.get(current.team_id, entry.id)?.session_id ?? null;
      agents.push({ agent_id: entry.id, restart_mode: launched.mode, session_id: sessionId });
    }
  } catch (error) {
    // Nothing half-started stays behind: the new session goes, and the team is stopped again.
    await tmux.killSession(current.session_name);
    runtime.store.teams.markStopped(current.team_id);
    runtime.events.emit("restart.rollback_session", {
      team_id: current.team_id,
      started: agents.map((agent) => agent.agent_id),
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  const coordinator = options.daemon === false ? null : await startCoordinator(runtime, current);
  if (coordinator !== null) wakeDaemon(runtime, current);
  runtime.events.emit("restart.complete", {
    team_id: current.team_id,
    session_name: current.session_name,
    agents,
    coordinator_pid: coordinator?.pid ?? null,
  });
  return { ok: true, team_id: current.team_id, session_name: current.session_name, agents, coordinator };
}
