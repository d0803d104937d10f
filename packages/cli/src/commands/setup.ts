/**
 * Starting a team (spec 04 §1.4): `quick-start`, the one command the lead runs, and its building blocks
 * `preflight`, `start`, `launch` and `wait-ready`. quick-start: resolve the team dir (a team folder, or a loose
 * folder of role docs copied under `.team/`), check the caller's pane, compile, refuse to overwrite a team that has
 * stored context, preflight, launch on the team's own tmux server, wait until every worker shows its prompt, then
 * bind the caller's pane as the lead. A quick-start that fails leaves no lead binding behind.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import {
  bindCallerAsLeader,
  callerPaneId,
  hasWorkerContext,
  type StartTeamResult,
  startTeam,
  type TeamRuntime,
  type WaitReadyResult,
  waitReady,
} from "@team-agent/coordinator";
import {
  compileTeamDocDir,
  ensurePrivateDir,
  ensureWorkspace,
  failure,
  fileStamp,
  findProfile,
  isSafeId,
  loadTeamSpec,
  parseFrontMatter,
  profilePaths,
  resolveExistingPath,
  resolveRuntimeDefaults,
  sanitizeTeamFolderName,
  success,
  type TeamRow,
  TeamRuntimeError,
  type TeamSpec,
  usageError,
  workspaceOfTeamDocDir,
  writeFileAtomic,
  writeSecretFile,
  writeTeamSpecText,
} from "@team-agent/core-state";
import type { ProviderRegistry } from "@team-agent/provider-registry";
import { requireTmux } from "@team-agent/tmux-prompt";
import type { CommandModule, CommandOutput, ParsedArgs } from "../cli/command.js";
import type { CommandContext } from "../cli/context.js";
import { smokeProfileFor } from "./profile.js";
import { withRuntimeAt } from "./team.js";

const READY_TIMEOUT_SEC = 120;
const TMUX_MINIMUM = "3.2";
export const READY_SIGNAL =
  "quick-start completed; workers are ready. Do not wait, sleep, or poll status after this success line unless diagnosing a failure.";

// ---------------------------------------------------------------------------------------------------------------
// The team dir

type Source =
  | { kind: "team_dir"; dir: string }
  | { kind: "role_docs"; dir: string; docs: string[]; teamDoc: string | null };

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** A team folder (`TEAM.md` + `agents/`), or a loose folder of role docs; anything else is refused with the fix. */
function inspectSource(dir: string): Source {
  if (!isDirectory(dir)) {
    throw new TeamRuntimeError(
      "agents_dir_missing",
      `${dir} is not a directory.`,
      "Pass the folder that holds the role docs (one <name>.md per worker), e.g. `team-agent quick-start ./roles`.",
    );
  }
  if (existsSync(join(dir, "TEAM.md")) && isDirectory(join(dir, "agents"))) return { kind: "team_dir", dir };
  const docs = readdirSync(dir)
    .filter((name) => name.endsWith(".md") && name !== "TEAM.md" && !name.startsWith("."))
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
  if (docs.length === 0) {
    throw new TeamRuntimeError(
      "role_docs_missing",
      `${dir} has no role definition files: no <name>.md besides TEAM.md, and no agents/ folder.`,
      "Create one role file per worker (<name>.md with front matter name, role, provider, tools), then run " +
        "`team-agent quick-start <roles-dir>`.",
      { details: { dir } },
    );
  }
  const teamDoc = join(dir, "TEAM.md");
  return { kind: "role_docs", dir, docs, teamDoc: existsSync(teamDoc) ? teamDoc : null };
}

interface Placement {
  teamDir: string;
  workspace: string;
}

/** Where the team dir is (or will be) and which workspace owns it (spec 04 terminology; `--workspace` wins). */
function placeTeamDir(context: CommandContext, source: Source, teamId: string | undefined): Placement {
  if (source.kind === "team_dir") {
    const teamDir = resolveExistingPath(source.dir);
    const workspace = context.options.workspace ? context.workspace : workspaceOfTeamDocDir(teamDir);
    return { teamDir, workspace: resolveExistingPath(workspace) };
  }
  const workspace = resolveExistingPath(context.workspace);
  const folder = teamId === undefined ? "current" : sanitizeTeamFolderName(teamId);
  return { teamDir: join(workspace, ".team", folder), workspace };
}

function teamNameFor(dir: string, name: string | undefined): string {
  return (name ?? basename(resolve(dir))).trim().replace(/\s+/g, "-");
}

/** Copies loose role docs into `<team dir>/agents/` and writes TEAM.md (copied, or a minimal one). */
function materialise(source: Extract<Source, { kind: "role_docs" }>, placement: Placement, name: string | undefined) {
  ensureWorkspace(placement.workspace);
  const agentsDir = join(placement.teamDir, "agents");
  ensurePrivateDir(agentsDir);
  ensurePrivateDir(join(placement.teamDir, "profiles"));
  const copied = source.docs.map((doc) => {
    const target = join(agentsDir, basename(doc));
    if (resolve(doc) !== resolve(target)) copyFileSync(doc, target);
    return target;
  });
  const teamDoc = join(placement.teamDir, "TEAM.md");
  if (source.teamDoc !== null) {
    if (resolve(source.teamDoc) !== resolve(teamDoc)) copyFileSync(source.teamDoc, teamDoc);
  } else {
    writeFileSync(teamDoc, `---\nname: ${teamNameFor(source.dir, name)}\n---\n`);
  }
  return copied;
}

interface ProfileSlot {
  key: string;
  /** Any of these, filled in, satisfies the slot. */
  alternates: string[];
}

const API_KEY_SLOT: ProfileSlot = {
  key: "API_KEY",
  alternates: ["API_KEY", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "AUTH_TOKEN", "OPENAI_API_KEY"],
};
const BASE_URL_SLOT: ProfileSlot = {
  key: "BASE_URL",
  alternates: ["BASE_URL", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"],
};

/** What a profile must hold per auth mode (spec 04 §5); subscription needs nothing. */
const REQUIRED_PROFILE_SLOTS: Readonly<Record<string, readonly ProfileSlot[]>> = {
  official_api: [API_KEY_SLOT],
  compatible_api: [BASE_URL_SLOT, API_KEY_SLOT],
};

function profileTemplate(name: string, authMode: string): string {
  const blanks = [
    ...(REQUIRED_PROFILE_SLOTS[authMode] ?? []).map((each) => each.key),
    ...(authMode === "subscription" ? [] : ["MODEL"]),
  ];
  return [
    `# Team Agent profile "${name}". The human fills in the values; agents inspect it only with`,
    `# \`team-agent profile show ${name} --json\`, never by reading this file.`,
    `AUTH_MODE=${authMode}`,
    `PROFILE_NAME=${name}`,
    ...blanks.map((key) => `${key}=`),
    "",
  ].join("\n");
}

/** A blank profile (0600) and its example for every profile a role doc names that does not exist yet. */
function ensureRoleProfiles(teamDir: string): string[] {
  const teamMeta = existsSync(join(teamDir, "TEAM.md"))
    ? parseFrontMatter(readFileSync(join(teamDir, "TEAM.md"), "utf8"), join(teamDir, "TEAM.md")).meta
    : {};
  const agentsDir = join(teamDir, "agents");
  const created: string[] = [];
  for (const file of isDirectory(agentsDir) ? readdirSync(agentsDir).filter((entry) => entry.endsWith(".md")) : []) {
    const path = join(agentsDir, file);
    const meta = parseFrontMatter(readFileSync(path, "utf8"), path).meta;
    const name = meta["profile"] ?? teamMeta["default_profile"];
    const authMode = String(meta["auth_mode"] ?? teamMeta["default_auth_mode"] ?? "subscription");
    if (!isSafeId(name) || findProfile(teamDir, name) !== undefined) continue;
    const { real, example } = profilePaths(teamDir, name);
    ensurePrivateDir(join(teamDir, "profiles"));
    writeFileAtomic(example, profileTemplate(name, authMode));
    writeSecretFile(real, profileTemplate(name, authMode));
    created.push(name);
  }
  return created;
}

function compileAndWrite(placement: Placement): { spec: TeamSpec; specPath: string } {
  const spec = compileTeamDocDir(placement.teamDir, { workspace: placement.workspace });
  const specPath = join(placement.teamDir, "team.spec.yaml");
  writeFileAtomic(specPath, writeTeamSpecText(spec));
  return { spec, specPath };
}

// ---------------------------------------------------------------------------------------------------------------
// Preflight checks (spec 04 §6.3, adapted: no display backend and no accelerator to check)

interface CheckItem {
  subject: string;
  ok: boolean;
  reason?: string;
  detail?: string;
}

interface Check {
  ok: boolean;
  detail: string;
  items?: CheckItem[];
}

interface PreflightOutcome {
  ok: boolean;
  checks: Record<string, Check>;
  blockers: string[];
  next_actions: string[];
  summary: string;
}

async function tmuxCheck(): Promise<Check> {
  try {
    const version = await requireTmux(TMUX_MINIMUM);
    return { ok: true, detail: version.raw };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

async function providersCheck(spec: TeamSpec, registry: ProviderRegistry): Promise<Check> {
  const items = await Promise.all(
    spec.agents
      .filter((agent) => agent.paused !== true)
      .map(async (agent): Promise<CheckItem> => {
        try {
          const plugin = registry.get(agent.provider);
          const installed = await plugin.probe.isInstalled();
          return installed
            ? { subject: agent.id, ok: true, detail: `${plugin.name} (${plugin.command})` }
            : { subject: agent.id, ok: false, reason: "provider_not_installed", detail: `command=${plugin.command}` };
        } catch (error) {
          return { subject: agent.id, ok: false, reason: "unknown_provider", detail: (error as Error).message };
        }
      }),
  );
  const ok = items.every((item) => item.ok);
  return { ok, detail: ok ? "every provider is installed" : "some providers are missing", items };
}

function profilesCheck(spec: TeamSpec, teamDir: string): Check {
  const items: CheckItem[] = [];
  for (const agent of spec.agents) {
    if (agent.paused === true || agent.profile === undefined) continue;
    const profile = findProfile(teamDir, agent.profile);
    const required = REQUIRED_PROFILE_SLOTS[agent.auth_mode ?? "subscription"] ?? [];
    // Only the real file holds credentials; an example alone counts as nothing filled in.
    const filled = (key: string) => (profile?.values.get(key) ?? "") !== "";
    const missing = required
      .filter((each) => profile === undefined || profile.isExample || !each.alternates.some(filled))
      .map((each) => each.key);
    items.push(
      missing.length === 0
        ? { subject: agent.id, ok: true, detail: `profile ${agent.profile}` }
        : {
            subject: agent.id,
            ok: false,
            reason: "profile_required_values_missing",
            detail: `profile=${agent.profile} missing=${missing.join(",")}`,
          },
    );
  }
  const ok = items.every((item) => item.ok);
  return {
    ok,
    detail: items.length === 0 ? "no profiles used" : ok ? "profiles filled in" : "profiles incomplete",
    items,
  };
}

/** A compatible-API profile must answer one tiny request before any worker is started on it (spec 04 §5). */
async function profileSmokeCheck(spec: TeamSpec, teamDir: string): Promise<Check> {
  const names = [
    ...new Set(spec.agents.filter((agent) => agent.paused !== true).flatMap((agent) => agent.profile ?? [])),
  ];
  const items = await Promise.all(
    names.map(async (name): Promise<CheckItem> => {
      const outcome = await smokeProfileFor(teamDir, name);
      if (outcome.status !== "smoke_failed")
        return { subject: name, ok: true, detail: outcome.reason ?? outcome.status };
      const shown = [outcome.endpoint, outcome.http_status, outcome.body]
        .filter((part) => part !== undefined)
        .join(" ");
      return { subject: name, ok: false, reason: `profile_smoke_${outcome.reason ?? "failed"}`, detail: shown };
    }),
  );
  const ok = items.every((item) => item.ok);
  return { ok, detail: ok ? "profiles answer (or need no smoke request)" : "a profile's API did not answer", items };
}

async function runChecks(spec: TeamSpec, teamDir: string, registry: ProviderRegistry): Promise<PreflightOutcome> {
  const profiles = profilesCheck(spec, teamDir);
  const checks: Record<string, Check> = {
    compile: { ok: true, detail: join(teamDir, "team.spec.yaml") },
    tmux: await tmuxCheck(),
    providers: await providersCheck(spec, registry),
    profiles,
    // Only filled-in profiles are worth a request.
    ...(profiles.ok ? { profile_smoke: await profileSmokeCheck(spec, teamDir) } : {}),
  };
  return outcomeOf(checks, teamDir);
}

function outcomeOf(checks: Record<string, Check>, teamDir: string): PreflightOutcome {
  const blockers: string[] = [];
  for (const [name, check] of Object.entries(checks)) {
    if (check.ok) continue;
    const failed = (check.items ?? []).filter((item) => !item.ok);
    if (failed.length === 0) blockers.push(`${name}: ${check.detail}`);
    for (const item of failed)
      blockers.push(`${name}: ${item.subject} ${item.reason ?? "failed"} ${item.detail ?? ""}`.trim());
  }
  const next: string[] = [];
  if (checks["profiles"]?.ok === false) {
    next.push(
      `Ask the human to fill in the profile files under ${join(teamDir, "profiles")}; inspect them only with ` +
        "`team-agent profile show <name> --json`, never by reading the .env files.",
    );
  }
  if (checks["providers"]?.ok === false) next.push("Install the missing provider CLIs (see `team-agent doctor`).");
  next.push("Fix failed checks, then rerun preflight.");
  const ok = blockers.length === 0;
  return {
    ok,
    checks,
    blockers,
    next_actions: ok ? [] : next,
    summary: ok ? "preflight passed" : `preflight found blockers: ${blockers.slice(0, 3).join("; ")}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Details logs, launch, readiness

/** The full, uncompacted record of a step, kept under .team/logs/ for diagnosis (0600: it may name profiles). */
function writeDetailsLog(workspace: string, kind: string, data: unknown): string {
  const layout = ensureWorkspace(workspace);
  const path = join(layout.logsDir, `${kind}-${fileStamp()}-${randomBytes(2).toString("hex")}.json`);
  writeSecretFile(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

async function launchTeam(
  context: CommandContext,
  runtime: TeamRuntime,
  spec: TeamSpec,
  where: { specPath: string | null; teamDir: string | null },
): Promise<StartTeamResult> {
  const socket = context.io.env["TEAM_AGENT_TMUX_SOCKET"];
  context.progress(`launching ${spec.agents.length} worker(s) of team ${spec.team.name}`);
  return startTeam(runtime, {
    spec,
    specPath: where.specPath,
    teamDir: where.teamDir,
    registry: await context.registry(),
    mcp: context.mcpCommand(runtime.workspace),
    ...(socket ? { tmuxSocket: socket } : {}),
  });
}

interface Readiness {
  wait: WaitReadyResult;
  readiness: {
    process_started: boolean;
    cli_prompt_ready: boolean;
    mcp_ready: boolean;
    task_prompt_delivered: boolean;
  };
  ok: boolean;
}

async function awaitReadiness(runtime: TeamRuntime, team: TeamRow, timeoutSec: number): Promise<Readiness> {
  const wait = await waitReady(runtime, team, { timeoutMs: timeoutSec * 1000 });
  const processStarted = await runtime
    .teamTmux(team)
    .hasSession(team.session_name)
    .catch(() => false);
  const workers = runtime.store.agents
    .list(team.team_id)
    .filter((agent) => agent.status !== "paused" && agent.status !== "stopped");
  const mcpReady = workers.every((agent) => existsSync(runtime.layout.agentMcpConfigPath(agent.agent_id)));
  const counts = runtime.store.messages.countsByStatus(team.team_id);
  const readiness = {
    process_started: processStarted,
    cli_prompt_ready: wait.ok,
    mcp_ready: mcpReady,
    task_prompt_delivered: Object.values(counts).some((count) => count > 0),
  };
  return { wait, readiness, ok: processStarted && wait.ok && mcpReady };
}

function notReadyError(ready: Readiness): TeamRuntimeError {
  const waiting = ready.wait.agents
    .filter((agent) => !agent.ready)
    .map((agent) => `${agent.agent_id} (${agent.screen ?? "no screen"})`);
  if (ready.wait.reason === "awaiting_trust_prompt") {
    return new TeamRuntimeError(
      "awaiting_trust_prompt",
      `workers wait at a workspace-trust prompt the team may not answer: ${waiting.join(", ")}`,
      "Ask the user to answer the prompt in the worker's window (see `team-agent approvals`), then run `team-agent wait-ready`.",
    );
  }
  return new TeamRuntimeError(
    "workers_not_ready",
    `workers not fully ready before timeout: ${waiting.join(", ") || "team session or MCP configs missing"}`,
    "Run `team-agent diagnose --json`, or `team-agent wait-ready` to wait longer.",
  );
}

function timeoutArg(args: ParsedArgs): number {
  const raw = args.values["timeout"];
  if (raw === undefined) return READY_TIMEOUT_SEC;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw usageError(`--timeout must be a positive number of seconds, got ${String(raw)}`, "e.g. --timeout 120");
  }
  return seconds;
}

/** Dangerous auto-approve lets workers act without prompts: only with an explicit --yes. */
function requireYesForDangerous(spec: TeamSpec, yes: boolean, command: string): void {
  if (resolveRuntimeDefaults(spec).dangerous_auto_approve && !yes) {
    throw new TeamRuntimeError(
      "confirmation_required",
      `${command} requires --yes when dangerous_auto_approve is true`,
      `Rerun \`team-agent ${command} … --yes\` only if the user agreed that workers run without approval prompts.`,
    );
  }
}

/** People get the way forward on stdout; the error and its action go to stderr. */
function nextLines(next: readonly string[]): string {
  return next.map((action) => `next: ${action}`).join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// quick-start

/** The stored team this spec would start over: running, or with workers whose conversations would be lost. */
async function storedContext(runtime: TeamRuntime, spec: TeamSpec) {
  const row = runtime.store.teams.get(spec.team.name);
  if (row === null) return null;
  const live =
    row.status === "alive" &&
    (await runtime
      .teamTmux(row)
      .hasSession(row.session_name)
      .catch(() => false));
  const withContext = runtime.store.agents
    .list(row.team_id)
    .filter(hasWorkerContext)
    .map((agent) => agent.agent_id);
  return live || withContext.length > 0 ? { row, live, withContext } : null;
}

export const quickStartCommand: CommandModule = {
  async run(context, args) {
    const env = context.io.env;
    const source = inspectSource(resolve(context.io.cwd, args.positionals[0] as string));
    if (callerPaneId(env) === null && env["TEAM_AGENT_ALLOW_NO_LEADER"] !== "1") {
      const data = { status: "refused", reason: "caller_pane_missing", caller_pane_id: "", caller_current_command: "" };
      return {
        envelope: failure(
          new TeamRuntimeError(
            "caller_pane_missing",
            "quick-start must run inside the lead's tmux pane ($TMUX_PANE is not set), so that pane can be bound as the lead.",
            "Run team-agent from inside your leader pane (start one with `team-agent claude` or `team-agent codex`).",
          ),
          data,
        ),
      };
    }
    const teamId = args.values["team-id"] as string | undefined;
    const name = args.values["name"] as string | undefined;
    const placement = placeTeamDir(context, source, teamId);
    const copied = source.kind === "role_docs" ? materialise(source, placement, name) : [];
    ensureWorkspace(placement.workspace);
    const profilesCreated = ensureRoleProfiles(placement.teamDir);
    context.progress(`compiling ${placement.teamDir}`);
    const { spec, specPath } = compileAndWrite(placement);
    const teamName = spec.team.name;

    return withRuntimeAt(context, placement.workspace, async (runtime) => {
      if (name !== undefined && (source.kind === "team_dir" || source.teamDoc !== null)) {
        runtime.events.emit("quick_start.name_ignored", { team_id: teamName, name, reason: "team_md_exists" });
      }
      const existing = await storedContext(runtime, spec);
      if (existing !== null && args.values["fresh"] !== true) {
        const session = existing.row.session_name;
        const summary = existing.live
          ? `team ${teamName} is already running in session ${session}`
          : `team ${teamName} has stored sessions (${existing.withContext.join(", ")}); a fresh start would lose them`;
        // A live team is looked at or stopped first; a stopped one with conversations is resumed, or dropped on request.
        const next = existing.live
          ? [`team-agent status --team ${teamName}`, `team-agent shutdown --team ${teamName}`]
          : [
              `team-agent restart ${placement.workspace} --team ${teamName}`,
              `team-agent quick-start ${placement.teamDir} --fresh`,
            ];
        const data = {
          step: "existing_runtime_state",
          team: teamName,
          session_name: session,
          state_path: runtime.layout.dbPath,
          running: existing.live,
          workers_with_context: existing.withContext,
        };
        const error = new TeamRuntimeError("existing_runtime_state", summary, next[0] as string);
        return { envelope: failure(error, data, { summary, nextActions: next }), text: nextLines(next) };
      }

      const preflight = await runChecks(spec, placement.teamDir, await context.registry());
      const preflightLog = writeDetailsLog(placement.workspace, "preflight", preflight);
      if (!preflight.ok) {
        const data = {
          step: "preflight",
          details_log: preflightLog,
          blockers: preflight.blockers,
          checks: preflight.checks,
        };
        const error = new TeamRuntimeError("preflight_failed", preflight.summary, preflight.next_actions[0] as string);
        return {
          envelope: failure(error, data, { summary: preflight.summary, nextActions: preflight.next_actions }),
          text: [...preflight.blockers.map((blocker) => `blocker: ${blocker}`), nextLines(preflight.next_actions)].join(
            "\n",
          ),
        };
      }
      requireYesForDangerous(spec, args.values["yes"] === true, "quick-start");

      const launched = await launchTeam(context, runtime, spec, { specPath, teamDir: placement.teamDir });
      const team = runtime.team(launched.team_id);
      context.progress(`waiting up to ${READY_TIMEOUT_SEC} s for ${launched.agents.length} worker(s) to be ready`);
      const ready = await awaitReadiness(runtime, team, READY_TIMEOUT_SEC);
      const ok = ready.ok && launched.coordinator !== null;
      // Only a team that came up gets the caller as its lead: a failed quick-start leaves no owner behind.
      const bound = ok ? await bindCallerAsLeader(runtime, team, env, "quick_start") : null;
      const details = {
        team: teamName,
        team_dir: placement.teamDir,
        spec: specPath,
        copied_role_docs: copied,
        profiles_created: profilesCreated,
        preflight: preflight.checks,
        launch: launched,
        wait_ready: ready.wait,
        readiness: ready.readiness,
        leader_receiver: bound?.receiver ?? null,
      };
      const detailsLog = writeDetailsLog(placement.workspace, "quick-start", details);
      const data = {
        team: teamName,
        team_dir: placement.teamDir,
        spec: specPath,
        session_name: launched.session_name,
        tmux_socket: launched.tmux_socket,
        agents: launched.agents.map((worker) => worker.agentId),
        paused: launched.paused,
        coordinator: launched.coordinator,
        readiness: ready.readiness,
        leader_receiver: bound?.receiver ?? null,
        details_log: detailsLog,
      };
      if (!ok) {
        return {
          envelope: failure(notReadyError(ready), data, {
            nextActions: ["team-agent wait-ready --timeout 120", "team-agent status", "team-agent shutdown"],
          }),
        };
      }
      const summary =
        `team ${teamName} ready: ${launched.agents.length} agent(s) in session ${launched.session_name} ` +
        `(coordinator pid ${launched.coordinator?.pid ?? "-"})`;
      const next = ["Dispatch work with team-agent send, or return control to the user."];
      return {
        envelope: success(summary, { ready_signal: READY_SIGNAL, ...data }, next),
        text: `${summary}\n${READY_SIGNAL}`,
      };
    });
  },
};

// ---------------------------------------------------------------------------------------------------------------
// preflight, start, launch, wait-ready

export const preflightCommand: CommandModule = {
  async run(context, args) {
    const source = inspectSource(resolve(context.io.cwd, args.positionals[0] as string));
    if (source.kind !== "team_dir") {
      throw usageError(
        `${source.dir} is a folder of role docs, not a team folder (TEAM.md + agents/)`,
        `Run \`team-agent quick-start ${source.dir}\`, which builds the team folder and runs preflight.`,
      );
    }
    const placement = placeTeamDir(context, source, undefined);
    ensureWorkspace(placement.workspace);
    ensureRoleProfiles(placement.teamDir);
    let outcome: PreflightOutcome;
    try {
      const { spec } = compileAndWrite(placement);
      outcome = await runChecks(spec, placement.teamDir, await context.registry());
    } catch (error) {
      outcome = outcomeOf({ compile: { ok: false, detail: (error as Error).message } }, placement.teamDir);
    }
    const detailsLog = writeDetailsLog(placement.workspace, "preflight", outcome);
    const data = {
      team_dir: placement.teamDir,
      details_log: detailsLog,
      checks: outcome.checks,
      blockers: outcome.blockers,
    };
    if (!outcome.ok) {
      const error = new TeamRuntimeError("preflight_failed", outcome.summary, outcome.next_actions[0] as string);
      return { envelope: failure(error, data, { summary: outcome.summary, nextActions: outcome.next_actions }) };
    }
    const text = [
      outcome.summary,
      ...Object.entries(outcome.checks).map(([name, check]) => `  ${name.padEnd(10)} ${check.detail}`),
    ];
    return {
      envelope: success(outcome.summary, data, [`team-agent start ${placement.teamDir} --yes --json`]),
      text: text.join("\n"),
    };
  },
};

/** `start` and `launch` launch only with --yes when the spec asks for approval (or runs dangerously). */
function requireLaunchApproval(spec: TeamSpec, yes: boolean, command: string): void {
  requireYesForDangerous(spec, yes, command);
  if (resolveRuntimeDefaults(spec).require_user_approval_before_launch && !yes) {
    throw new TeamRuntimeError(
      "confirmation_required",
      `${command} launches worker CLIs and needs --yes (the spec sets require_user_approval_before_launch)`,
      `Rerun with --yes once the user agreed to start the team, or use \`team-agent quick-start\`.`,
    );
  }
}

/** start and launch bind the caller's pane as the lead when there is one (no refusal without: they are building blocks). */
async function launchedOutput(
  context: CommandContext,
  runtime: TeamRuntime,
  launched: StartTeamResult,
  data: Record<string, unknown>,
  summary: string,
): Promise<CommandOutput> {
  const bound = await bindCallerAsLeader(runtime, runtime.team(launched.team_id), context.io.env, "launch");
  const next = ["team-agent wait-ready --timeout 120 --json"];
  return { envelope: success(summary, { ...data, launch: launched, leader_receiver: bound?.receiver ?? null }, next) };
}

export const startCommand: CommandModule = {
  async run(context, args) {
    const source = inspectSource(resolve(context.io.cwd, args.positionals[0] as string));
    const placement = placeTeamDir(context, source, undefined);
    if (source.kind === "role_docs") materialise(source, placement, undefined);
    ensureWorkspace(placement.workspace);
    ensureRoleProfiles(placement.teamDir);
    const { spec, specPath } = compileAndWrite(placement);
    requireLaunchApproval(spec, args.values["yes"] === true, "start");
    return withRuntimeAt(context, placement.workspace, async (runtime) => {
      const launched = await launchTeam(context, runtime, spec, { specPath, teamDir: placement.teamDir });
      const detailsLog = writeDetailsLog(placement.workspace, "start", { spec: specPath, launch: launched });
      const summary = `compiled ${placement.teamDir} and launched ${launched.agents.length} agents`;
      const data = { team: launched.team_id, spec: specPath, details_log: detailsLog };
      return launchedOutput(context, runtime, launched, data, summary);
    });
  },
};

function dryRunPlan(spec: TeamSpec, specPath: string) {
  const settings = resolveRuntimeDefaults(spec);
  const dangerous = settings.dangerous_auto_approve;
  return {
    dry_run: true,
    spec: specPath,
    team: spec.team.name,
    session_name: settings.session_name,
    agents: spec.agents.map((agent) => ({
      id: agent.id,
      provider: agent.provider,
      model: agent.model,
      auth_mode: agent.auth_mode ?? "subscription",
      tools: agent.tools,
      permission_mode: agent.permission_mode,
      paused: agent.paused === true,
    })),
    routing: spec.routing,
    safety: {
      dangerous_auto_approve: dangerous,
      dangerous_auto_approve_source: spec.runtime.dangerous_auto_approve === undefined ? "default" : "spec",
      // Inheriting a dangerous flag from the lead's own process is not detected: an explicit --yes is always needed.
      inherited_from_leader: false,
      requires_explicit_yes: dangerous || settings.require_user_approval_before_launch,
    },
  };
}

export const launchCommand: CommandModule = {
  async run(context, args) {
    const given = args.positionals[0];
    const candidates = given
      ? [resolve(context.io.cwd, given)]
      : [join(context.workspace, "team.spec.yaml"), join(context.workspace, ".team", "current", "team.spec.yaml")];
    const specPath = candidates.find((path) => existsSync(path));
    if (specPath === undefined) {
      throw new TeamRuntimeError(
        "spec_missing",
        `no team spec found (looked for ${candidates.join(", ")})`,
        "Compile one with `team-agent compile <team dir>`, or use `team-agent quick-start <roles-dir>`.",
      );
    }
    const spec = loadTeamSpec(specPath);
    if (args.values["dry-run"] === true) {
      const plan = dryRunPlan(spec, specPath);
      const summary = `dry run: ${plan.agents.length} agent(s) of team ${plan.team} would start in session ${plan.session_name}`;
      return { envelope: success(summary, plan, [`team-agent launch ${specPath} --yes`]) };
    }
    requireLaunchApproval(spec, args.values["yes"] === true, "launch");
    const runtime = await context.runtime();
    const launched = await launchTeam(context, runtime, spec, { specPath, teamDir: null });
    const summary = `launched ${launched.agents.length} agents of team ${launched.team_id} in session ${launched.session_name}`;
    return launchedOutput(context, runtime, launched, { team: launched.team_id, spec: specPath }, summary);
  },
};

export const waitReadyCommand: CommandModule = {
  async run(context, args) {
    const timeoutSec = timeoutArg(args);
    const runtime = await context.runtime();
    const team = await context.team();
    context.progress(`waiting up to ${timeoutSec} s for the workers of ${team.team_id}`);
    const ready = await awaitReadiness(runtime, team, timeoutSec);
    const data = {
      team: team.team_id,
      status: ready.ok ? "ready" : ready.wait.status,
      readiness: ready.readiness,
      agents: ready.wait.agents,
      elapsed_ms: ready.wait.elapsed_ms,
    };
    if (!ready.ok) return { envelope: failure(notReadyError(ready), data) };
    return { envelope: success("workers ready", data, ["Dispatch a task with team-agent send."]) };
  },
};
