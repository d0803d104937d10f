/**
 * Single-worker operations of a running team (spec 03 §4.5): stop, start, reset, add, fork and remove one worker.
 * Each one re-reads the team row first (the stored spec may have changed since the caller loaded it) and refuses
 * with a result (`ok:false`) where the spec asks for a refusal, or throws a TeamRuntimeError for a real failure.
 * add and remove run as journaled steps: a failure undoes every step already taken, then re-throws.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import {
  AGENT_TYPED_COLUMNS,
  type AgentLaunchFields,
  type AgentRow,
  assertSafeId,
  compileAgent,
  ensurePrivateDir,
  type RoleDoc,
  readRoleDoc,
  readTeamDefaults,
  type TeamDefaults,
  type TeamRow,
  TeamRuntimeError,
  type TeamSpec,
  type TeamSpecAgent,
  teamNotFoundError,
  ValidationError,
  validateTeamSpec,
  writeFileAtomic,
} from "@team-agent/core-state";
import type { ProviderPlugin } from "@team-agent/provider-registry";
import { windowTarget } from "@team-agent/tmux-prompt";
import { type CoordinatorStartResult, startCoordinator } from "../daemon/process.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import { captureAgentSession } from "./capture.js";
import { agentSpecOf, launchWorker, mcpLaunchFor, workerLaunchSpec } from "./launch-worker.js";
import { wakeDaemon } from "./send.js";

/** Whether an operation that (re)starts a worker also makes sure the team's daemon runs (default true). */
export interface DaemonOption {
  daemon?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared lookups

/** The team's current row: callers may hold one loaded before the spec or status changed. */
export function reloadTeam(runtime: TeamRuntime, team: TeamRow): TeamRow {
  const current = runtime.store.teams.get(team.team_id);
  if (current === null) throw teamNotFoundError(team.team_id);
  return current;
}

interface WorkerLookup {
  spec: TeamSpec;
  row: AgentRow | null;
  entry: TeamSpecAgent | undefined;
}

/** A worker known to the store or the spec; the lead and unknown ids are errors. */
function lookupWorker(runtime: TeamRuntime, team: TeamRow, agentId: string): WorkerLookup {
  const spec = runtime.spec(team);
  if (agentId === team.leader_id || agentId === spec.leader.id) {
    throw new TeamRuntimeError(
      "leader_not_a_worker",
      `${agentId} is the lead of team ${team.team_id}; worker lifecycle commands do not apply to it.`,
      "Name a worker (see `team-agent status`).",
    );
  }
  assertSafeId("agent", agentId);
  const row = runtime.store.agents.get(team.team_id, agentId);
  const entry = spec.agents.find((each) => each.id === agentId);
  // agentSpecOf throws unknown_agent with the list of workers.
  if (row === null && entry === undefined) agentSpecOf(spec, agentId);
  return { spec, row, entry };
}

/** The worker's pane when its window exists: `null` when there is no such window (or no tmux server at all). */
async function workerPane(runtime: TeamRuntime, team: TeamRow, agentId: string) {
  return runtime.teamTmux(team).paneProcess(windowTarget(team.session_name, agentId));
}

async function killWorkerWindow(runtime: TeamRuntime, team: TeamRow, agentId: string, eventPrefix: string) {
  const killed = await runtime.teamTmux(team).run(["kill-window", "-t", windowTarget(team.session_name, agentId)]);
  if (killed.ok) return;
  const error = killed.stderr.trim() || "tmux kill-window failed";
  runtime.events.emit(`${eventPrefix}.window_stop_failed`, { team_id: team.team_id, agent_id: agentId, error });
  throw new TeamRuntimeError(
    "agent_window_stop_failed",
    `Could not close the tmux window of ${agentId}: ${error}.`,
    "Check the team's tmux server with `team-agent doctor`, then retry.",
  );
}

async function ensureCoordinator(
  runtime: TeamRuntime,
  team: TeamRow,
  options: DaemonOption,
): Promise<CoordinatorStartResult | null> {
  if (options.daemon === false) return null;
  const coordinator = await startCoordinator(runtime, team);
  // Messages queued for a stopped worker go out on the daemon's next delivery pass.
  wakeDaemon(runtime, team);
  return coordinator;
}

// ---------------------------------------------------------------------------------------------------------------
// Resume or fresh (spec 03 §4.3), shared with team restart

export type StartDecision =
  | { kind: "resume"; sessionId: string }
  | { kind: "fresh"; reason: "never_interacted" | "allow_fresh"; discardedSessionId: string | null }
  | { kind: "refuse"; reason: "no_persisted_session_id" | "session_unresumable"; detail: string };

/**
 * A worker has context worth keeping once it was talked to: a recorded first send (any value, even a corrupt one),
 * a captured session, or a transcript path without an id (half-captured state).
 */
export function hasWorkerContext(row: AgentRow | null): boolean {
  if (row === null) return false;
  const firstSend = row.attrs["first_send_at"];
  return Boolean(row.session_id || row.rollout_path || (firstSend !== undefined && firstSend !== null));
}

/**
 * Resume when the worker has a session the plugin accepts (building the resume plan is the plugin's check, and has
 * no side effects); else fresh when nothing would be lost or the caller allows it; else refuse.
 */
export function decideStartMode(
  runtime: TeamRuntime,
  team: TeamRow,
  entry: TeamSpecAgent,
  row: AgentRow | null,
  plugin: ProviderPlugin,
  allowFresh: boolean,
): StartDecision {
  const sessionId = row?.session_id ?? null;
  let unresumable: string | null = null;
  if (sessionId !== null) {
    if (!plugin.capabilities.resume) unresumable = `provider ${plugin.name} cannot resume a session`;
    else {
      try {
        const worker = workerLaunchSpec(runtime, team, runtime.spec(team), entry, plugin);
        plugin.buildResume(worker, mcpLaunchFor(runtime, team, entry.id), sessionId);
        return { kind: "resume", sessionId };
      } catch (error) {
        if (!(error instanceof TeamRuntimeError) || error.code !== "resume_unavailable") throw error;
        unresumable = error.message;
      }
    }
  }
  if (!hasWorkerContext(row)) return { kind: "fresh", reason: "never_interacted", discardedSessionId: sessionId };
  if (allowFresh) return { kind: "fresh", reason: "allow_fresh", discardedSessionId: sessionId };
  return unresumable !== null
    ? { kind: "refuse", reason: "session_unresumable", detail: unresumable }
    : { kind: "refuse", reason: "no_persisted_session_id", detail: "no session id was captured for it" };
}

function resumeRefused(agentId: string, decision: Extract<StartDecision, { kind: "refuse" }>): TeamRuntimeError {
  return new TeamRuntimeError(
    "resume_unavailable",
    `Cannot resume ${agentId}: ${decision.detail}, and it has already worked on messages.`,
    `Start it with --allow-fresh only if losing ${agentId}'s conversation is acceptable.`,
    { details: { agent_id: agentId, reason: decision.reason } },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// stop / start / reset

export interface StopAgentResult {
  ok: true;
  agent_id: string;
  /** A paused worker has no window and stays paused. */
  status: "stopped" | "paused";
  /** A window was closed. */
  stopped: boolean;
}

export async function stopAgent(runtime: TeamRuntime, team: TeamRow, agentId: string): Promise<StopAgentResult> {
  const current = reloadTeam(runtime, team);
  const { row, entry } = lookupWorker(runtime, current, agentId);
  const present = (await workerPane(runtime, current, agentId)) !== null;
  if (present && row !== null && !row.session_id) {
    // Last chance to record the session before the CLI goes away; a restart can only resume what was captured.
    try {
      const plugin = (await runtime.providers(current)).get(row.provider);
      await captureAgentSession(runtime, current, row, plugin);
    } catch (error) {
      runtime.events.emit("session.capture_failed", {
        team_id: current.team_id,
        agent_id: agentId,
        error: String(error),
      });
    }
  }
  if (present) await killWorkerWindow(runtime, current, agentId, "stop_agent");
  let status: StopAgentResult["status"] = "stopped";
  if (row === null) {
    const known = entry as TeamSpecAgent;
    runtime.store.agents.upsert(current.team_id, agentId, { status, provider: known.provider, role: known.role });
  } else if (row.status === "paused" && !present) status = "paused";
  else runtime.store.agents.update(current.team_id, agentId, { status, pane_id: null });
  runtime.events.emit("stop_agent.complete", { team_id: current.team_id, agent_id: agentId, stopped: present, status });
  return { ok: true, agent_id: agentId, status, stopped: present };
}

export interface StartAgentOptions extends DaemonOption {
  /** Close a running window first and start again. */
  force?: boolean;
  /** Start without the previous conversation when it cannot be resumed. */
  allowFresh?: boolean;
}

export interface StartedAgent {
  ok: true;
  agent_id: string;
  status: "running";
  start_mode: "resumed" | "fresh" | "noop";
  session_id: string | null;
  pane_id: string | null;
  coordinator: CoordinatorStartResult | null;
}

export interface AgentPausedRefusal {
  ok: false;
  agent_id: string;
  status: "paused";
  reason: "agent_paused";
}

export type StartAgentResult = StartedAgent | AgentPausedRefusal;

/** Paused workers are never started by start, reset or restart; the row wins over the spec once there is one. */
export function isPausedWorker(row: AgentRow | null, entry: TeamSpecAgent | undefined): boolean {
  return row !== null ? row.status === "paused" : entry?.paused === true;
}

function pausedRefusal(runtime: TeamRuntime, team: TeamRow, agentId: string, operation: string): AgentPausedRefusal {
  runtime.events.emit(`${operation}.refused`, { team_id: team.team_id, agent_id: agentId, reason: "agent_paused" });
  return { ok: false, agent_id: agentId, status: "paused", reason: "agent_paused" };
}

export async function startAgent(
  runtime: TeamRuntime,
  team: TeamRow,
  agentId: string,
  options: StartAgentOptions = {},
): Promise<StartAgentResult> {
  const current = reloadTeam(runtime, team);
  const { spec, row, entry: found } = lookupWorker(runtime, current, agentId);
  const entry = found ?? agentSpecOf(spec, agentId);
  if (isPausedWorker(row, entry)) return pausedRefusal(runtime, current, agentId, "start_agent");

  const pane = await workerPane(runtime, current, agentId);
  if (pane !== null && !pane.dead && options.force !== true) {
    // The window outlived the bookkeeping (e.g. a status written by another process): record what is running.
    if (row === null || row.pane_id !== pane.paneId || row.status === "stopped") {
      runtime.store.agents.upsert(current.team_id, agentId, {
        status: "running",
        provider: row?.provider ?? entry.provider,
        pane_id: pane.paneId,
      });
    }
    const coordinator = await ensureCoordinator(runtime, current, options);
    runtime.events.emit("start_agent.noop", { team_id: current.team_id, agent_id: agentId, pane_id: pane.paneId });
    return {
      ok: true,
      agent_id: agentId,
      status: "running",
      start_mode: "noop",
      session_id: row?.session_id ?? null,
      pane_id: pane.paneId,
      coordinator,
    };
  }

  const plugin = (await runtime.providers(current)).get(entry.provider);
  const decision = decideStartMode(runtime, current, entry, row, plugin, options.allowFresh === true);
  if (decision.kind === "refuse") {
    runtime.events.emit("resume.session_required_missing", {
      team_id: current.team_id,
      agent_id: agentId,
      reason: decision.reason,
      session_id: row?.session_id ?? null,
    });
    throw resumeRefused(agentId, decision);
  }
  // A forced start, or a window whose program has exited: the old window goes before the new one opens.
  if (pane !== null) {
    await killWorkerWindow(runtime, current, agentId, "start_agent");
    if (row !== null) runtime.store.agents.update(current.team_id, agentId, { status: "stopped", pane_id: null });
  }
  if (decision.kind === "fresh") {
    runtime.events.emit("start_agent.fresh_spawn", {
      team_id: current.team_id,
      agent_id: agentId,
      reason: decision.reason,
      discarded_session_id: decision.discardedSessionId,
    });
  }
  const launched = await launchWorker(
    runtime,
    current,
    agentId,
    decision.kind === "resume" ? { kind: "resume", sessionId: decision.sessionId } : { kind: "fresh" },
  );
  const coordinator = await ensureCoordinator(runtime, current, options);
  const sessionId = runtime.store.agents.get(current.team_id, agentId)?.session_id ?? null;
  runtime.events.emit("start_agent.complete", {
    team_id: current.team_id,
    agent_id: agentId,
    start_mode: launched.mode,
    session_id: sessionId,
    pane_id: launched.paneId,
  });
  return {
    ok: true,
    agent_id: agentId,
    status: "running",
    start_mode: launched.mode,
    session_id: sessionId,
    pane_id: launched.paneId,
    coordinator,
  };
}

export interface ResetAgentOptions extends DaemonOption {
  /** Required: the worker's conversation is thrown away. */
  discardSession?: boolean;
}

export type ResetAgentResult =
  | {
      ok: true;
      agent_id: string;
      status: "running";
      stopped: StopAgentResult;
      /** Without `coordinator`: a result carries exactly one coordinator block, at the top. */
      started: Omit<StartedAgent, "coordinator">;
      coordinator: CoordinatorStartResult | null;
    }
  | { ok: false; agent_id: string; status: "refused"; reason: "discard_session_required" }
  | AgentPausedRefusal;

/** The columns and attrs that tie a worker to its conversation. */
const SESSION_COLUMNS_CLEARED = {
  session_id: null,
  rollout_path: null,
  captured_at: null,
  captured_via: null,
  attribution_confidence: null,
} as const;
const SESSION_ATTRS_CLEARED = { pending_session_id: null, first_send_at: null, session_drift: null } as const;

export async function resetAgent(
  runtime: TeamRuntime,
  team: TeamRow,
  agentId: string,
  options: ResetAgentOptions = {},
): Promise<ResetAgentResult> {
  const current = reloadTeam(runtime, team);
  const { row, entry } = lookupWorker(runtime, current, agentId);
  if (options.discardSession !== true) {
    runtime.events.emit("reset_agent.refused", {
      team_id: current.team_id,
      agent_id: agentId,
      reason: "discard_session_required",
    });
    return { ok: false, agent_id: agentId, status: "refused", reason: "discard_session_required" };
  }
  if (isPausedWorker(row, entry)) return pausedRefusal(runtime, current, agentId, "reset_agent");
  const stopped = await stopAgent(runtime, current, agentId);
  const discarded = runtime.store.agents.get(current.team_id, agentId)?.session_id ?? null;
  runtime.store.agents.update(current.team_id, agentId, SESSION_COLUMNS_CLEARED);
  runtime.store.agents.setAttrs(current.team_id, agentId, SESSION_ATTRS_CLEARED);
  // The tombstone stops a later event-log repair from bringing the discarded session back.
  runtime.events.emit("discard.session_tombstone", {
    team_id: current.team_id,
    agent_id: agentId,
    discarded_session_id: discarded,
  });
  const started = await startAgent(runtime, current, agentId, { ...options, force: true, allowFresh: true });
  if (!started.ok) return started;
  const { coordinator, ...startedWithoutCoordinator } = started;
  runtime.events.emit("reset_agent.complete", {
    team_id: current.team_id,
    agent_id: agentId,
    discarded_session_id: discarded,
    stopped: stopped.stopped,
    start_mode: started.start_mode,
  });
  return {
    ok: true,
    agent_id: agentId,
    status: "running",
    stopped,
    started: startedWithoutCoordinator,
    coordinator,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Journaled steps for add and remove

interface RollbackReport {
  failed_step: string | null;
  rolled_back: string[];
  rollback_errors: { step: string; error: string }[];
}

/**
 * Steps of one add/remove. Each step registers its undo before it runs, so a step that fails half-way is undone
 * too: every undo must therefore tolerate its step not having happened.
 */
class StepJournal {
  private readonly undos: { step: string; undo: () => unknown }[] = [];
  private current: string | null = null;
  readonly completed: string[] = [];

  constructor(
    private readonly runtime: TeamRuntime,
    private readonly team: TeamRow,
    private readonly agentId: string,
    private readonly operation: "add" | "remove",
  ) {}

  async step<T>(name: string, action: () => T | Promise<T>, undo?: () => unknown): Promise<T> {
    this.current = name;
    if (undo !== undefined) this.undos.push({ step: name, undo });
    const value = await action();
    this.completed.push(name);
    this.emit("step_completed", { step: name });
    this.current = null;
    return value;
  }

  async rollback(error: unknown): Promise<RollbackReport> {
    const report: RollbackReport = { failed_step: this.current, rolled_back: [], rollback_errors: [] };
    for (const { step, undo } of this.undos.splice(0).reverse()) {
      try {
        await undo();
        report.rolled_back.push(step);
        this.emit("step_rolled_back", { step });
      } catch (undoError) {
        report.rollback_errors.push({
          step,
          error: undoError instanceof Error ? undoError.message : String(undoError),
        });
      }
    }
    this.emit("failed", {
      ...report,
      cleared_locations: this.completed,
      reason: error instanceof Error ? error.message : String(error),
    });
    return report;
  }

  private emit(what: string, fields: Record<string, unknown>): void {
    this.runtime.events.emit(`lifecycle.${this.operation}_${what}`, {
      team_id: this.team.team_id,
      agent_id: this.agentId,
      ...fields,
    });
  }
}

/** Where relative `system_prompt.file` paths of the stored spec are resolved when it is validated again. */
function specDirOf(runtime: TeamRuntime, team: TeamRow): string {
  if (team.spec_path) return dirname(team.spec_path);
  return team.team_dir ?? runtime.workspace;
}

function restoreSpec(runtime: TeamRuntime, teamId: string, spec: TeamSpec, runtimeAttrs: unknown): void {
  runtime.store.teams.update(teamId, { spec });
  runtime.store.teams.setAttrs(teamId, { runtime: runtimeAttrs });
}

/** Puts a removed or half-created worker's row back exactly (typed columns, then attrs). */
function restoreAgentRow(runtime: TeamRuntime, teamId: string, row: AgentRow): void {
  const fields = Object.fromEntries(AGENT_TYPED_COLUMNS.map((column) => [column, row[column]]));
  runtime.store.agents.upsert(teamId, row.agent_id, fields as AgentLaunchFields);
  runtime.store.agents.setAttrs(teamId, row.agent_id, row.attrs);
}

/** Closes the window and forgets the worker: undo of a start that may or may not have got far. */
async function discardStartedWorker(runtime: TeamRuntime, team: TeamRow, agentId: string): Promise<void> {
  if ((await workerPane(runtime, team, agentId)) !== null) await killWorkerWindow(runtime, team, agentId, "add_agent");
  runtime.store.agents.remove(team.team_id, agentId);
  runtime.store.health.delete(team.team_id, agentId);
  rmSync(runtime.layout.agentMcpConfigPath(agentId), { force: true });
}

// ---------------------------------------------------------------------------------------------------------------
// add

export interface AddAgentOptions extends DaemonOption {
  agentId: string;
  /** A role doc (`agents/<name>.md` format); relative paths are taken from the workspace. */
  roleFile: string;
}

export interface AddAgentResult {
  ok: true;
  agent_id: string;
  new_agent_id: string;
  status: "running";
  /** The copy the team now owns, relative to the workspace. */
  role_file: string;
  role_file_sha: string;
  started: Omit<StartedAgent, "coordinator">;
  coordinator: CoordinatorStartResult | null;
}

/** Team-wide defaults for a role doc: the team's TEAM.md when it has one, else what the stored spec implies. */
function roleDefaults(team: TeamRow, spec: TeamSpec): TeamDefaults {
  const teamDoc = team.team_dir ? join(team.team_dir, "TEAM.md") : null;
  if (teamDoc !== null && existsSync(teamDoc)) return readTeamDefaults(teamDoc);
  return {
    name: spec.team.name,
    objective: spec.team.objective,
    provider: spec.leader.provider,
    // The lead's model belongs to the lead's provider; a worker without a model gets its provider's default.
    model: null,
    default_model: undefined,
    provider_models: {},
    default_auth_mode: "subscription",
    default_profile: undefined,
    leader_role: spec.leader.role,
    worker_to_worker: spec.communication.worker_to_worker,
    display_backend: spec.runtime.display_backend ?? "adaptive",
    session_name: spec.runtime.session_name ?? undefined,
    dangerous_auto_approve: spec.runtime.dangerous_auto_approve ?? false,
    fast: spec.runtime.fast ?? false,
    tick_interval_sec: spec.runtime.tick_interval_sec ?? 2,
    push_min_interval_sec: spec.runtime.push_min_interval_sec ?? 60,
    stuck_timeout_sec: spec.runtime.stuck_timeout_sec ?? 300,
  };
}

/** The spec entry of a role doc, shaped as the team-doc compiler shapes its workers. */
function readRoleCopy(path: string, agentId: string, team: TeamRow, spec: TeamSpec, runtime: TeamRuntime): RoleDoc {
  const teamDocDir = team.team_dir ?? runtime.layout.teamDocDir();
  const { doc, problems } = readRoleDoc(path, teamDocDir, roleDefaults(team, spec));
  if (doc === undefined) {
    throw new ValidationError(
      `Role file for ${agentId} is not valid:\n${problems.map((problem) => `- ${problem.message}`).join("\n")}`,
      problems,
      {
        code: "role_file_invalid",
        action: "Fix the role file's front matter (name, role, provider, tools) and retry.",
      },
    );
  }
  if (doc.id !== agentId) {
    throw new TeamRuntimeError(
      "role_file_name_mismatch",
      `The role file is for worker ${doc.id}, not ${agentId}.`,
      `Set \`name: ${agentId}\` in the role file, or add it as ${doc.id}.`,
    );
  }
  return doc;
}

export async function addAgent(runtime: TeamRuntime, team: TeamRow, options: AddAgentOptions): Promise<AddAgentResult> {
  const current = reloadTeam(runtime, team);
  const agentId = assertSafeId("agent", options.agentId);
  const spec = runtime.spec(current);
  const taken =
    agentId === current.leader_id ||
    spec.agents.some((each) => each.id === agentId) ||
    runtime.store.agents.get(current.team_id, agentId) !== null;
  if (taken) {
    throw new TeamRuntimeError(
      "agent_exists",
      `Team ${current.team_id} already has a member ${agentId}.`,
      "Choose another id, or remove that worker first with `team-agent remove-agent`.",
    );
  }
  const source = isAbsolute(options.roleFile) ? options.roleFile : join(runtime.workspace, options.roleFile);
  if (!existsSync(source)) {
    throw new TeamRuntimeError(
      "role_file_missing",
      `Role file ${options.roleFile} does not exist (looked in ${source}).`,
      "Give the path of a role doc (relative to the workspace) and retry.",
    );
  }

  const journal = new StepJournal(runtime, current, agentId, "add");
  const copyPath = join(runtime.layout.dynamicRoleDir, `${agentId}.md`);
  const runtimeAttrs = current.attrs["runtime"];
  try {
    const content = readFileSync(source);
    const previousCopy = existsSync(copyPath) ? readFileSync(copyPath) : null;
    await journal.step(
      "role_file",
      () => {
        ensurePrivateDir(runtime.layout.dynamicRoleDir);
        writeFileAtomic(copyPath, content, 0o600);
      },
      () =>
        previousCopy === null ? rmSync(copyPath, { force: true }) : writeFileAtomic(copyPath, previousCopy, 0o600),
    );
    const role = await journal.step("compile", () => readRoleCopy(copyPath, agentId, current, spec, runtime));
    await journal.step(
      "spec",
      async () => {
        const entry = compileAgent(role, runtime.workspace);
        const next = validateTeamSpec(
          {
            ...spec,
            agents: [...spec.agents, entry],
            runtime: { ...spec.runtime, startup_order: [...spec.runtime.startup_order, agentId] },
          },
          { specDir: specDirOf(runtime, current) },
        );
        runtime.store.teams.update(current.team_id, { spec: next });
        await recordProviderSource(runtime, current, entry.provider);
      },
      () => restoreSpec(runtime, current.team_id, spec, runtimeAttrs),
    );
    const started = await journal.step(
      "start",
      () => startAgent(runtime, current, agentId, { allowFresh: true, daemon: options.daemon }),
      () => discardStartedWorker(runtime, current, agentId),
    );
    if (!started.ok)
      throw new TeamRuntimeError(
        "agent_start_refused",
        `${agentId} did not start (${started.reason}).`,
        "Check its role file.",
      );
    const roleFile = relative(runtime.workspace, copyPath);
    const sha = createHash("sha256").update(content).digest("hex");
    await journal.step("record", () =>
      runtime.store.agents.setAttrs(current.team_id, agentId, { dynamic_role_file: roleFile, role_file_sha: sha }),
    );
    const { coordinator, ...startedWithoutCoordinator } = started;
    runtime.events.emit("add_agent.complete", {
      team_id: current.team_id,
      agent_id: agentId,
      role_file: roleFile,
      role_file_sha: sha,
      start_mode: started.start_mode,
    });
    return {
      ok: true,
      agent_id: agentId,
      new_agent_id: agentId,
      status: "running",
      role_file: roleFile,
      role_file_sha: sha,
      started: startedWithoutCoordinator,
      coordinator,
    };
  } catch (error) {
    await journal.rollback(error);
    throw error;
  }
}

/**
 * The daemon loads plugins from the sources recorded at team start; a worker on a provider the team did not use yet
 * needs its plugin's source recorded too.
 */
async function recordProviderSource(runtime: TeamRuntime, team: TeamRow, provider: string): Promise<void> {
  const registry = await runtime.providers(team);
  const plugin = registry.get(provider);
  const config = runtime.config(team);
  if (config.provider_sources[plugin.name] !== undefined) return;
  const source = registry.entry(plugin.name)?.source;
  const where = source?.packageDir ?? source?.entry ?? null;
  if (where === null) {
    throw new TeamRuntimeError(
      "provider_source_unknown",
      `Provider ${plugin.name} was registered inline; the daemon could not load it.`,
      "Install the provider as a package (or give its folder as an explicit plugin path).",
    );
  }
  const runtimeAttrs = { ...config, provider_sources: { ...config.provider_sources, [plugin.name]: where } };
  runtime.store.teams.setAttrs(team.team_id, { runtime: runtimeAttrs });
}

// ---------------------------------------------------------------------------------------------------------------
// fork

export interface ForkAgentOptions {
  sourceAgentId: string;
  newAgentId: string;
  label?: string;
}

/**
 * Forking copies a worker's conversation into a new worker. The plugin contract (v1) has no fork command yet, so
 * after the guards this always refuses, naming the provider.
 */
export async function forkAgent(runtime: TeamRuntime, team: TeamRow, options: ForkAgentOptions): Promise<never> {
  const current = reloadTeam(runtime, team);
  const { row, entry } = lookupWorker(runtime, current, options.sourceAgentId);
  const newId = assertSafeId("agent", options.newAgentId);
  if (
    runtime.spec(current).agents.some((each) => each.id === newId) ||
    runtime.store.agents.get(current.team_id, newId)
  ) {
    throw new TeamRuntimeError(
      "agent_exists",
      `Team ${current.team_id} already has a member ${newId}.`,
      "Choose another id.",
    );
  }
  const provider = row?.provider ?? (entry as TeamSpecAgent).provider;
  const plugin = (await runtime.providers(current)).get(provider);
  const why = plugin.capabilities.fork
    ? "the provider plugin contract has no fork command yet"
    : `provider ${plugin.name} cannot fork a conversation`;
  throw new TeamRuntimeError(
    "fork_unsupported",
    `Cannot fork ${options.sourceAgentId} into ${newId}: ${why}.`,
    `Add ${newId} with \`team-agent add-agent\` and brief it instead.`,
    { details: { provider: plugin.name } },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// remove

export interface RemoveAgentOptions extends DaemonOption {
  /** Stop a running worker first. */
  force?: boolean;
  /** With `confirm`: also remove a worker that comes from the team's own spec (not one added at runtime). */
  fromSpec?: boolean;
  confirm?: boolean;
}

export type RemoveAgentResult =
  | {
      ok: true;
      agent_id: string;
      status: "removed";
      from_spec: boolean;
      force: boolean;
      stopped: boolean;
      role_file_removed: boolean;
      cleared_locations: string[];
    }
  | { ok: false; agent_id: string; status: "refused"; reason: "from_spec_confirm_required" | "force_required" };

/** The spec without the worker: its routing rules go, and a default assignee falls back to another member. */
function specWithout(spec: TeamSpec, agentId: string): TeamSpec {
  const agents = spec.agents.filter((each) => each.id !== agentId);
  const defaultAssignee =
    spec.routing.default_assignee === agentId ? (agents[0]?.id ?? spec.leader.id) : spec.routing.default_assignee;
  return {
    ...spec,
    agents,
    routing: {
      default_assignee: defaultAssignee,
      rules: spec.routing.rules.filter((rule) => rule.assign_to !== agentId),
    },
    runtime: { ...spec.runtime, startup_order: spec.runtime.startup_order.filter((id) => id !== agentId) },
  };
}

export async function removeAgent(
  runtime: TeamRuntime,
  team: TeamRow,
  agentId: string,
  options: RemoveAgentOptions = {},
): Promise<RemoveAgentResult> {
  const current = reloadTeam(runtime, team);
  const { spec, row, entry } = lookupWorker(runtime, current, agentId);
  const refuse = (reason: "from_spec_confirm_required" | "force_required"): RemoveAgentResult => {
    runtime.events.emit("remove_agent.refused", { team_id: current.team_id, agent_id: agentId, reason });
    return { ok: false, agent_id: agentId, status: "refused", reason };
  };
  const dynamicRoleFile = row?.attrs["dynamic_role_file"];
  const fromSpec = entry !== undefined && typeof dynamicRoleFile !== "string";
  if (fromSpec && !(options.fromSpec === true && options.confirm === true)) return refuse("from_spec_confirm_required");
  const windowPresent = (await workerPane(runtime, current, agentId)) !== null;
  const running = windowPresent || row?.status === "running" || row?.status === "busy";
  if (running && options.force !== true) return refuse("force_required");

  // Checked before anything changes: a removal that would leave an invalid spec (its tasks, the last worker) is refused.
  let nextSpec: TeamSpec | null = null;
  if (entry !== undefined) {
    try {
      nextSpec = validateTeamSpec(specWithout(spec, agentId), { specDir: specDirOf(runtime, current) });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new TeamRuntimeError(
        "remove_agent_spec_invalid",
        `Removing ${agentId} would leave an invalid team spec:\n${error.message}`,
        "Reassign its tasks (or add another worker) first, then retry.",
        { cause: error },
      );
    }
  }

  const journal = new StepJournal(runtime, current, agentId, "remove");
  const health = runtime.store.health.get(current.team_id, agentId);
  const rolePath = typeof dynamicRoleFile === "string" ? join(runtime.workspace, dynamicRoleFile) : null;
  const roleBytes = rolePath !== null && existsSync(rolePath) ? readFileSync(rolePath) : null;
  const mcpPath = runtime.layout.agentMcpConfigPath(agentId);
  const mcpBytes = existsSync(mcpPath) ? readFileSync(mcpPath) : null;
  let stopped = false;
  try {
    if (running) {
      await journal.step(
        "stop",
        async () => {
          stopped = (await stopAgent(runtime, current, agentId)).stopped;
        },
        async () => {
          // Bring back the worker this removal stopped (resumed when it can be).
          if (stopped) await startAgent(runtime, current, agentId, { daemon: options.daemon });
        },
      );
    }
    if (row !== null) {
      await journal.step(
        "agent_row",
        () => runtime.store.agents.remove(current.team_id, agentId),
        () => restoreAgentRow(runtime, current.team_id, row),
      );
    }
    if (nextSpec !== null) {
      const spared = nextSpec;
      await journal.step(
        "spec",
        () => runtime.store.teams.update(current.team_id, { spec: spared }),
        () => runtime.store.teams.update(current.team_id, { spec }),
      );
    }
    if (rolePath !== null && roleBytes !== null) {
      await journal.step(
        "role_file",
        () => rmSync(rolePath, { force: true }),
        () => writeFileAtomic(rolePath, roleBytes, 0o600),
      );
    }
    if (mcpBytes !== null) {
      await journal.step(
        "mcp_config",
        () => rmSync(mcpPath, { force: true }),
        () => writeFileAtomic(mcpPath, mcpBytes, 0o600),
      );
    }
    if (health !== null) {
      await journal.step(
        "health",
        () => runtime.store.health.delete(current.team_id, agentId),
        () =>
          runtime.store.health.upsert(current.team_id, agentId, {
            status: health.status,
            lastOutputAt: health.last_output_at,
            contextUsagePct: health.context_usage_pct,
            currentTaskId: health.current_task_id,
          }),
      );
    }
  } catch (error) {
    await journal.rollback(error);
    throw error;
  }
  const result = {
    ok: true as const,
    agent_id: agentId,
    status: "removed" as const,
    from_spec: fromSpec,
    force: options.force === true,
    stopped,
    role_file_removed: roleBytes !== null,
    cleared_locations: [...journal.completed],
  };
  runtime.events.emit("remove_agent.complete", { team_id: current.team_id, ...result });
  return result;
}
