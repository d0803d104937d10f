/**
 * Launch and resume plans for a Codex worker (spec 03 §3.6, checked against `codex --help` and
 * `codex resume --help` of 0.169.0; the help text is kept in test/fixtures/codex-0.169.0-help.txt):
 *
 *   codex [resume] --no-alt-screen --no-daemon --disable shell_snapshot --disable apps --cd <workspace>
 *         [--profile P]
 *         (--dangerously-bypass-approvals-and-sandbox | --sandbox <workspace-write|read-only> --ask-for-approval on-request)
 *         [--model M]
 *         -c check_for_update_on_startup=false [-c sandbox_workspace_write.network_access=true]
 *         [-c model_provider="<id>" -c model_providers.<id>.{name,base_url,wire_api,env_key}=…]
 *         -c developer_instructions="<prompt + identity line>"
 *         -c mcp_servers.team_orchestrator.{command,args,env.*,startup_timeout_sec,tool_timeout_sec}=…
 *         [<session id>]
 *
 * `--no-daemon` keeps the turn inside the worker's own process (0.169 can otherwise hand the session to a shared
 * background server that outlives the pane). Every value is TOML-encoded; nothing secret is ever put in argv:
 * a compatible provider reads its key from TEAM_AGENT_PROVIDER_API_KEY (the agent's 0600 env file).
 */
import { assertSafeId, TeamRuntimeError, ValidationError } from "@team-agent/core-state";
import type { LaunchPlan, McpServerLaunch, WorkerLaunchSpec } from "@team-agent/provider-registry";
import { attributionLine } from "../attribution.js";
import { PROVIDER_API_KEY_ENV } from "../constants.js";
import { isCodexSessionId } from "../session-id.js";
import { mcpOverrides } from "./mcp.js";
import { type CodexSettings, codexSettings } from "./settings.js";
import { configOverride, tomlString } from "./toml.js";

/**
 * Linux refuses a single argument longer than 128 KiB (MAX_ARG_STRLEN) with E2BIG; stay well below it so the
 * failure is ours, with a message, and not an exec error inside the pane.
 */
export const MAX_PROMPT_ARG_BYTES = 120 * 1024;

export type SandboxMode = "workspace-write" | "read-only";

/** `workspace-write` when the worker may change files or run commands, else `read-only`. */
export function sandboxMode(worker: WorkerLaunchSpec): SandboxMode {
  return worker.tools.includes("fs_write") || worker.tools.includes("execute_bash") ? "workspace-write" : "read-only";
}

function permissionArgs(worker: WorkerLaunchSpec): string[] {
  if (worker.dangerousAutoApprove) return ["--dangerously-bypass-approvals-and-sandbox"];
  const mode = sandboxMode(worker);
  const argv = ["--sandbox", mode, "--ask-for-approval", "on-request"];
  // The workspace-write sandbox blocks the network unless asked; read-only has no such switch.
  if (mode === "workspace-write" && worker.tools.includes("network")) {
    argv.push(...configOverride("sandbox_workspace_write.network_access", "true"));
  }
  return argv;
}

function providerArgs(settings: CodexSettings): string[] {
  const provider = settings.provider;
  if (provider === null) return [];
  const prefix = `model_providers.${provider.id}`;
  return [
    ...configOverride("model_provider", tomlString(provider.id)),
    ...configOverride(`${prefix}.name`, tomlString(provider.name)),
    ...configOverride(`${prefix}.base_url`, tomlString(provider.baseUrl)),
    ...configOverride(`${prefix}.wire_api`, tomlString(provider.wireApi)),
    ...configOverride(`${prefix}.env_key`, tomlString(PROVIDER_API_KEY_ENV)),
  ];
}

/** The worker prompt plus the identity line session capture looks for. */
export function developerInstructions(worker: WorkerLaunchSpec): string {
  const identity = attributionLine(worker.teamId, worker.agentId);
  const prompt = worker.systemPrompt.trimEnd();
  return prompt === "" ? identity : `${prompt}\n\n${identity}`;
}

function instructionsArgs(worker: WorkerLaunchSpec): string[] {
  const argv = configOverride("developer_instructions", tomlString(developerInstructions(worker)));
  const bytes = Buffer.byteLength(argv[1] ?? "", "utf8");
  if (bytes > MAX_PROMPT_ARG_BYTES) {
    throw new ValidationError(
      `the worker prompt of '${worker.agentId}' is ${bytes} bytes once encoded; Codex takes it as one argument, limited to ${MAX_PROMPT_ARG_BYTES}`,
      [],
      {
        code: "worker_prompt_too_long",
        action: "Shorten the role prompt (move reference material into files the worker reads).",
      },
    );
  }
  return argv;
}

/** Options shared by a fresh start and a resume (`codex resume` accepts the same ones). */
function sharedOptions(worker: WorkerLaunchSpec, mcp: McpServerLaunch): string[] {
  assertSafeId("team", worker.teamId);
  assertSafeId("agent", worker.agentId);
  const settings = codexSettings(worker);
  const argv = [
    "--no-alt-screen",
    "--no-daemon",
    "--disable",
    "shell_snapshot",
    "--disable",
    "apps",
    "--cd",
    worker.workspace,
  ];
  if (settings.profile !== null) argv.push("--profile", settings.profile);
  argv.push(...permissionArgs(worker));
  if (settings.model !== null) argv.push("--model", settings.model);
  // Workers never stop at the update screen (the prompt catalog still knows how to skip it).
  argv.push(...configOverride("check_for_update_on_startup", "false"));
  argv.push(...providerArgs(settings));
  argv.push(...instructionsArgs(worker));
  argv.push(...mcpOverrides(worker, mcp));
  return argv;
}

/** Non-secret variables: a managed config dir becomes the worker's CODEX_HOME (its own sessions and config). */
function planEnv(worker: WorkerLaunchSpec): Record<string, string> {
  return worker.providerConfigDir === null ? {} : { CODEX_HOME: worker.providerConfigDir };
}

function plan(argv: string[], worker: WorkerLaunchSpec): LaunchPlan {
  return { argv, env: planEnv(worker), files: [], predeterminedSessionId: null, afterStartKeys: [] };
}

/** A fresh worker. Codex cannot be told a session id up front; capture finds it in the rollout files. */
export function buildLaunch(command: string, worker: WorkerLaunchSpec, mcp: McpServerLaunch): LaunchPlan {
  return plan([command, ...sharedOptions(worker, mcp)], worker);
}

/** Resumes a recorded session; refuses (`resume_unavailable`) without a usable session id. */
export function buildResume(
  command: string,
  worker: WorkerLaunchSpec,
  mcp: McpServerLaunch,
  sessionId: string,
): LaunchPlan {
  if (!isCodexSessionId(sessionId)) {
    const shown = typeof sessionId === "string" && sessionId !== "" ? `'${sessionId}'` : "none";
    throw new TeamRuntimeError(
      "resume_unavailable",
      `cannot resume Codex worker '${worker.agentId}': no usable session id (got ${shown}; expected a Codex session UUID)`,
      "Let session capture record the worker's session first, or start the worker fresh (--allow-fresh) if losing its context is acceptable.",
      { details: { agent_id: worker.agentId, session_id: sessionId ?? null } },
    );
  }
  return plan([command, "resume", ...sharedOptions(worker, mcp), sessionId], worker);
}
