/**
 * Launch and resume plans for a Claude Code worker (spec 03 §3.5, checked against `claude --help` of 2.1.332):
 *
 *   claude (--dangerously-skip-permissions [--settings {"skipDangerousModePermissionPrompt":true}]
 *           | --permission-mode manual)
 *          [--model M] [--append-system-prompt P]
 *          [--mcp-config {"mcpServers":…} --strict-mcp-config]      (not with a managed config dir)
 *          [--disallowedTools T1,T2,…] [--allowedTools <the pre-approved team tools>]
 *          (--session-id <new uuid> | --resume <session id>)
 *
 * `manual` is 2.1.332's name for the old `default` mode (it still accepts `default` but no longer lists it; the
 * CLI's own default is now `auto`, which lets a model decide about tool calls). Compatible-API workers with a
 * managed config dir get `CLAUDE_CONFIG_DIR` and their MCP server, trust and onboarding in that dir's files
 * instead of the MCP flags. Nothing secret is ever placed in argv or in the files.
 */
import { assertSafeId, TeamRuntimeError } from "@team-agent/core-state";
import {
  type LaunchPlan,
  type McpServerLaunch,
  PREAPPROVED_TEAM_TOOLS,
  type WorkerLaunchSpec,
} from "@team-agent/provider-registry";
import { CLAUDE_COMMAND } from "../constants.js";
import { isSessionId } from "../session-id.js";
import type { ResumeDiagnostic } from "../transcripts/resumable.js";
import { managedConfigFiles } from "./managed-config.js";
import { mcpConfigDocument, mcpServerEntry, mcpToolName } from "./mcp.js";
import { disallowedTools } from "./tools.js";

export interface LaunchDeps {
  newSessionId: () => string;
  /** Reads a file of a managed config dir (to merge into it); null when absent. */
  readText: (path: string) => string | null;
  /** Resolves symlinks; returns the input when the path does not exist. */
  realpath: (path: string) => string;
  /** Checks that a session's transcript is there to resume; null skips the check. */
  checkResumable:
    | ((worker: WorkerLaunchSpec, sessionId: string) => { ok: boolean; diagnostic: ResumeDiagnostic })
    | null;
}

/** Flag settings that only silence the bypass-mode warning (whose default answer exits the CLI). */
const SKIP_BYPASS_WARNING = JSON.stringify({ skipDangerousModePermissionPrompt: true });

/** Compatible-API workers whose config dir the runtime owns are configured through files, not flags. */
export function usesManagedConfig(worker: WorkerLaunchSpec): boolean {
  return worker.authMode === "compatible_api" && worker.providerConfigDir !== null;
}

/** The profile's model keys, as its env file spells them (core-state reads the same two). */
const PROFILE_MODEL_KEYS = ["MODEL", "ANTHROPIC_MODEL"] as const;

function modelOf(worker: WorkerLaunchSpec): string | null {
  if (worker.model) return worker.model;
  for (const key of PROFILE_MODEL_KEYS) {
    const value = worker.profileSettings[key];
    if (value) return value;
  }
  return null;
}

function baseArgv(worker: WorkerLaunchSpec, mcp: McpServerLaunch): string[] {
  const managed = usesManagedConfig(worker);
  const argv = [CLAUDE_COMMAND];
  if (worker.dangerousAutoApprove) {
    argv.push("--dangerously-skip-permissions");
    // A managed config dir carries this in its settings.json; elsewhere the user's settings stay untouched.
    if (!managed) argv.push("--settings", SKIP_BYPASS_WARNING);
  } else {
    argv.push("--permission-mode", "manual");
  }
  const model = modelOf(worker);
  if (model) argv.push("--model", model);
  if (worker.systemPrompt !== "") argv.push("--append-system-prompt", worker.systemPrompt);
  if (!managed) argv.push("--mcp-config", mcpConfigDocument(worker, mcp), "--strict-mcp-config");
  const denied = disallowedTools(worker.tools);
  if (denied.length > 0) argv.push("--disallowedTools", denied.join(","));
  // In manual mode every MCP call asks first; the team's own reporting tools must never wait on that menu.
  if (!worker.dangerousAutoApprove) argv.push("--allowedTools", PREAPPROVED_TEAM_TOOLS.map(mcpToolName).join(","));
  return argv;
}

function planFor(worker: WorkerLaunchSpec, mcp: McpServerLaunch, argv: string[], deps: LaunchDeps): LaunchPlan {
  assertSafeId("team", worker.teamId);
  assertSafeId("agent", worker.agentId);
  const plan: LaunchPlan = { argv, env: {}, files: [], predeterminedSessionId: null, afterStartKeys: [] };
  if (worker.providerConfigDir !== null) plan.env.CLAUDE_CONFIG_DIR = worker.providerConfigDir;
  if (usesManagedConfig(worker)) {
    plan.files = managedConfigFiles({
      configDir: worker.providerConfigDir as string,
      workspaceKeys: [...new Set([worker.workspace, deps.realpath(worker.workspace)])],
      server: mcpServerEntry(worker, mcp),
      readText: deps.readText,
    });
  }
  return plan;
}

export function buildLaunch(worker: WorkerLaunchSpec, mcp: McpServerLaunch, deps: LaunchDeps): LaunchPlan {
  const sessionId = deps.newSessionId();
  if (!isSessionId(sessionId)) {
    throw new TeamRuntimeError(
      "invalid_session_id",
      `the session id generator returned ${JSON.stringify(sessionId)}, which is not a UUID`,
      "Claude Code's --session-id takes a UUID only; fix the generator passed to the plugin.",
    );
  }
  const plan = planFor(worker, mcp, [...baseArgv(worker, mcp), "--session-id", sessionId], deps);
  plan.predeterminedSessionId = sessionId;
  return plan;
}

function resumeUnavailable(worker: WorkerLaunchSpec, sessionId: string, detail: string, diagnostic?: ResumeDiagnostic) {
  const shown = diagnostic ? ` ${JSON.stringify(diagnostic)}` : "";
  return new TeamRuntimeError(
    "resume_unavailable",
    `cannot resume Claude Code session ${JSON.stringify(sessionId)} for agent ${worker.agentId}: ${detail}.${shown}`,
    "Start the worker fresh (losing its context) with --allow-fresh, or repair its session id and retry.",
    { details: { agent_id: worker.agentId, session_id: sessionId, ...(diagnostic ? { diagnostic } : {}) } },
  );
}

export function buildResume(
  worker: WorkerLaunchSpec,
  mcp: McpServerLaunch,
  sessionId: string,
  deps: LaunchDeps,
): LaunchPlan {
  if (!isSessionId(sessionId)) {
    throw resumeUnavailable(worker, sessionId, "no usable session id was recorded (Claude Code ids are UUIDs)");
  }
  const check = deps.checkResumable?.(worker, sessionId);
  if (check && !check.ok) {
    throw resumeUnavailable(
      worker,
      sessionId,
      `its transcript is not usable (${check.diagnostic.problem})`,
      check.diagnostic,
    );
  }
  return planFor(worker, mcp, [...baseArgv(worker, mcp), "--resume", sessionId], deps);
}
