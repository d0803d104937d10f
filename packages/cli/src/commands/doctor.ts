/**
 * `team-agent doctor` (spec 04 §6, adapted to the SQLite store): checks that each say what is wrong and what to do —
 * Node, tmux, provider plugins, the store, each live team's session and daemon, the lead binding. `--comms` proves a
 * message really reaches an agent CLI (a scratch fake agent on a private tmux server), `--cleanup-orphans` stops
 * daemons whose workspace is gone, `--repair-store` moves a corrupt team.db aside. Exit 1 when any check fails.
 * Also `diagnose` (everything doctor knows plus per-worker issues, as one report) and `install-skill`.
 */
import { randomBytes } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { TeamRuntime } from "@team-agent/coordinator";
import {
  failure,
  fileStamp,
  inspectStore,
  RuntimeStore,
  repairStore,
  type StoreHealth,
  success,
  type TeamRow,
  TeamRuntimeError,
  usageError,
  workspaceLayout,
} from "@team-agent/core-state";
import type { ProviderRegistry } from "@team-agent/provider-registry";
import {
  BLOCKING_KINDS,
  compareTmuxVersions,
  detectTmuxVersion,
  injectText,
  parseTmuxVersion,
  renderMessage,
  SpawnTransport,
  TmuxClient,
  tokenLine,
} from "@team-agent/tmux-prompt";
import type { CommandModule, CommandOutput } from "../cli/command.js";
import type { CommandContext } from "../cli/context.js";
import {
  isProcessAlive,
  makeTempDir,
  openFakeAgentPane,
  privateSocketName,
  reapProcesses,
  removeTmuxSocket,
  transcriptUserTexts,
  waitUntil,
} from "./demo.js";

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about it (null when nothing needs doing). */
  action: string | null;
}

const check = (name: string, ok: boolean, detail: string, action: string | null = null): DoctorCheck => ({
  name,
  ok,
  detail,
  action,
});

// ---------------------------------------------------------------------------------------------------------------
// environment checks

const MIN_NODE = [20, 19] as const;
const MIN_TMUX = "3.2";

export function nodeCheck(version = process.versions.node): DoctorCheck {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return check(
    "node",
    ok,
    `v${version}${ok ? "" : ` (needs ${MIN_NODE.join(".")} or newer)`}`,
    ok ? null : `Install Node.js ${MIN_NODE.join(".")} or newer.`,
  );
}

async function tmuxCheck(): Promise<DoctorCheck> {
  try {
    const version = await detectTmuxVersion();
    const needed = parseTmuxVersion(MIN_TMUX);
    if (needed !== null && compareTmuxVersions(version, needed) < 0) {
      return check(
        "tmux",
        false,
        `${version.raw} is too old (needs ${MIN_TMUX}+)`,
        `Upgrade tmux to ${MIN_TMUX} or newer.`,
      );
    }
    return check("tmux", true, version.raw);
  } catch (error) {
    const known = error instanceof TeamRuntimeError;
    return check(
      "tmux",
      false,
      known ? error.message : String(error),
      known ? error.action : "Install tmux 3.2 or newer.",
    );
  }
}

/** A probe that hangs (a CLI waiting on the network) must not hang doctor. */
function withTimeout<T>(promise: Promise<T>, fallback: T, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise.catch(() => fallback), timeout]).finally(() => clearTimeout(timer));
}

/**
 * One check per provider plugin. A provider a live team uses must be installed and logged in; the others are
 * reported without failing doctor (most people use one or two of them).
 */
async function providerChecks(registry: ProviderRegistry, required: ReadonlySet<string>): Promise<DoctorCheck[]> {
  const checks = await Promise.all(
    registry.list().map(async ({ name, plugin }) => {
      const installed = await withTimeout(plugin.probe.isInstalled(), false);
      const needed = required.has(name);
      if (!installed) {
        return check(
          `provider ${name}`,
          !needed,
          `${plugin.command} not found${needed ? " (a running team uses it)" : " (not used by any team here)"}`,
          `Install ${plugin.displayName} (\`${plugin.command}\`) and make sure it is on PATH.`,
        );
      }
      const [version, auth] = await Promise.all([
        withTimeout(plugin.probe.version(), null),
        withTimeout(plugin.probe.authHint(), { status: "unknown" as const, detail: "the auth check did not answer" }),
      ]);
      const authOk = auth.status !== "missing" || !needed;
      return check(
        `provider ${name}`,
        authOk,
        `${version ?? "installed"}; auth ${auth.status}${auth.detail ? ` (${auth.detail})` : ""}`,
        auth.status === "missing" ? `Log in to ${plugin.displayName} (${auth.detail || "see its docs"}).` : null,
      );
    }),
  );
  for (const problem of registry.problems) {
    checks.push(check(`plugin ${problem.package}`, false, problem.error.message, problem.error.action));
  }
  return checks;
}

function storeCheck(health: StoreHealth): DoctorCheck {
  switch (health.status) {
    case "missing":
      return check("store", true, `no team store yet (${health.db_path} is created when a team starts)`);
    case "ok":
      return check("store", true, `${health.db_path} (schema v${health.schema_version})`);
    case "corrupt":
      return check("store", false, `${health.db_path} is corrupt: ${health.error}`, health.action);
  }
}

/** The team's tmux session and its coordinator daemon. */
async function teamCheck(runtime: TeamRuntime, team: TeamRow): Promise<DoctorCheck> {
  const { coordinatorHealth } = await import("@team-agent/coordinator");
  const name = `team ${team.team_id}`;
  const session = await runtime
    .teamTmux(team)
    .hasSession(team.session_name)
    .catch(() => false);
  const daemon = coordinatorHealth(runtime, team);
  const daemonText =
    daemon.status === "running" ? `coordinator running (pid ${daemon.pid})` : `coordinator ${daemon.status}`;
  if (!session) {
    return check(
      name,
      false,
      `tmux session ${team.session_name} is gone; ${daemonText}`,
      `Run \`team-agent restart --team ${team.team_id}\` (workers resume their sessions).`,
    );
  }
  if (daemon.status !== "running") {
    return check(
      name,
      false,
      `session ${team.session_name} is up but the ${daemonText}: nothing delivers messages or results`,
      `Run \`team-agent shutdown --team ${team.team_id}\`, then \`team-agent restart --team ${team.team_id}\`.`,
    );
  }
  return check(name, true, `session ${team.session_name} up, ${daemonText}`);
}

/** The lead's receiver pane is recorded and still exists; a different calling pane is pointed out, not failed. */
async function leadCheck(runtime: TeamRuntime, team: TeamRow, callerPane: string | undefined): Promise<DoctorCheck> {
  const { readReceiver } = await import("@team-agent/coordinator");
  const name = `lead ${team.team_id}`;
  const claim = `From the lead's pane run \`team-agent claim-leader --confirm --team ${team.team_id}\`.`;
  const receiver = readReceiver(runtime, team);
  if (receiver === null) return check(name, false, "no lead pane is bound: results cannot reach the lead", claim);
  const exists = await runtime
    .tmux(receiver.server)
    .paneExists(receiver.pane_id)
    .catch(() => false);
  if (!exists) return check(name, false, `the bound lead pane ${receiver.pane_id} no longer exists`, claim);
  const mismatch =
    callerPane !== undefined && callerPane !== receiver.pane_id ? `; this pane (${callerPane}) is not the lead's` : "";
  return check(name, true, `pane ${receiver.pane_id} (${receiver.provider ?? "unknown provider"})${mismatch}`);
}

/** Providers the live teams of the workspace use. */
function requiredProviders(runtime: TeamRuntime | null, teams: readonly TeamRow[]): Set<string> {
  const names = new Set<string>();
  if (runtime === null) return names;
  for (const team of teams) {
    try {
      for (const agent of runtime.spec(team).agents) names.add(agent.provider);
    } catch {
      // a team without a readable spec is reported by its own check
    }
  }
  return names;
}

interface Inventory {
  store: StoreHealth;
  runtime: TeamRuntime | null;
  teams: TeamRow[];
  /** Set when the store looked fine but could not be opened. */
  openError: DoctorCheck | null;
}

/** Opens the runtime only over a store that exists and is readable: doctor never creates or replaces one. */
async function inventory(context: CommandContext): Promise<Inventory> {
  const store = inspectStore(workspaceLayout(context.workspace).dbPath);
  if (store.status !== "ok") return { store, runtime: null, teams: [], openError: null };
  try {
    const runtime = await context.runtime();
    const teams = runtime.store.teams.list().filter((team) => team.status.toLowerCase() === "alive");
    return { store, runtime, teams, openError: null };
  } catch (error) {
    const known = error instanceof TeamRuntimeError;
    const openError = check("store open", false, known ? error.message : String(error), known ? error.action : null);
    return { store, runtime: null, teams: [], openError };
  }
}

async function baseChecks(context: CommandContext, found: Inventory): Promise<DoctorCheck[]> {
  const registry = await context.registry();
  const checks = [nodeCheck(), await tmuxCheck()];
  checks.push(...(await providerChecks(registry, requiredProviders(found.runtime, found.teams))));
  checks.push(storeCheck(found.store));
  if (found.openError !== null) checks.push(found.openError);
  if (found.runtime !== null) {
    for (const team of found.teams) {
      checks.push(await teamCheck(found.runtime, team));
      checks.push(await leadCheck(found.runtime, team, context.io.env["TMUX_PANE"]));
    }
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------------------------
// --repair-store

async function repairCheck(context: CommandContext): Promise<DoctorCheck> {
  const layout = workspaceLayout(context.workspace);
  const before = inspectStore(layout.dbPath);
  if (before.status !== "corrupt") {
    const detail = before.status === "ok" ? "the store is healthy; nothing to repair" : "there is no store to repair";
    return check("store repair", true, detail);
  }
  const report = repairStore(layout.dbPath);
  // A fresh, empty store takes its place at once, so the next command does not trip over a missing one.
  (await RuntimeStore.openWorkspace(context.workspace)).close();
  const moved = report.moved_to.map((path) => relative(context.workspace, path)).join(", ");
  return check(
    "store repair",
    true,
    `moved the corrupt store aside (${moved}) and started an empty one; start running teams again with quick-start`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// --comms

const COMMS_SCRIPT = { default: { work_ms: 100, report: false, reply: "Self-test message received." } };

/**
 * Delivers one rendered message into a scratch fake agent CLI on a private tmux server, the way the daemon delivers
 * to workers (paste, prove visible, submit), then proves the CLI received it: the message's token is in a user
 * record of its transcript. Nothing of a team is touched; the server and the scratch dir are removed afterwards.
 */
export async function commsSelfTest(registry: ProviderRegistry): Promise<DoctorCheck> {
  const name = "comms";
  if (!registry.has("fake")) {
    return check(name, false, "the fake provider (used for the self-test) is not installed", "Reinstall team-agent.");
  }
  const plugin = registry.get("fake");
  const scratch = makeTempDir("team-agent-comms-");
  const socketName = privateSocketName("comms");
  const tmux = new TmuxClient(new SpawnTransport({ socketName }));
  const projectsRoot = join(scratch, "projects");
  const started = performance.now();
  try {
    const paneId = await openFakeAgentPane(tmux, {
      session: "comms",
      workspace: scratch,
      agentId: "comms-check",
      projectsRoot,
      script: COMMS_SCRIPT,
      registry,
    });
    const messageId = `doctor_${randomBytes(6).toString("hex")}`;
    const text = renderMessage({
      message_id: messageId,
      sender: "doctor",
      content: "Team Agent doctor: communication self-test. No action needed.",
    });
    const delivered = await injectText(tmux, paneId, text, {
      bufferName: "team-agent-doctor",
      strategy: plugin.screen.paste,
      signatures: plugin.screen.signatures,
    });
    if (!delivered.submitted) {
      return check(
        name,
        false,
        `the message was not submitted (stopped at ${delivered.stage}: ${delivered.reason ?? delivered.verification})`,
        "Check the tmux version (`tmux -V`, 3.2+) and run `team-agent doctor --comms` again.",
      );
    }
    const token = tokenLine(messageId);
    await waitUntil(
      () => transcriptUserTexts(projectsRoot).some((received) => received.includes(token)),
      "the agent to record the message",
      10_000,
    );
    const elapsed = Math.round(performance.now() - started);
    return check(
      name,
      true,
      `a scratch agent received and submitted the message (${delivered.verification}; ${elapsed} ms)`,
    );
  } catch (error) {
    return check(
      name,
      false,
      `self-test failed: ${error instanceof Error ? error.message : String(error)}`,
      "Run `team-agent doctor` for the other checks.",
    );
  } finally {
    await tmux.killServer().catch(() => undefined);
    await tmux.transport.close();
    await reapProcesses(scratch).catch(() => undefined);
    removeTmuxSocket(socketName);
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// --cleanup-orphans

export interface DaemonProcess {
  pid: number;
  workspace: string | null;
  team: string | null;
}

/** The value after `flag` in an argv, if any. */
function argAfter(argv: readonly string[], flag: string): string | null {
  const at = argv.indexOf(flag);
  return at >= 0 ? (argv[at + 1] ?? null) : null;
}

/** Every process's argv (exact from /proc; from `ps`, where paths with spaces cannot be told apart, elsewhere). */
async function commandLines(): Promise<{ pid: number; argv: string[] }[]> {
  if (existsSync("/proc/self/cmdline")) {
    return readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .flatMap((name) => {
        try {
          return [{ pid: Number(name), argv: readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0") }];
        } catch {
          return [];
        }
      });
  }
  const { execFileSync } = await import("node:child_process");
  return execFileSync("ps", ["-axo", "pid=,command="], { encoding: "utf8" })
    .split("\n")
    .flatMap((line) => {
      const match = /^\s*(\d+)\s+(.*)$/.exec(line);
      return match === null ? [] : [{ pid: Number(match[1]), argv: (match[2] ?? "").split(/\s+/) }];
    });
}

/** Every coordinator daemon on the machine (its argv carries the marker), except this process. */
export async function listDaemons(): Promise<DaemonProcess[]> {
  const { DAEMON_ARGV_MARKER } = await import("@team-agent/coordinator");
  return (await commandLines())
    .filter(({ pid, argv }) => pid !== process.pid && argv.includes(DAEMON_ARGV_MARKER))
    .map(({ pid, argv }) => ({ pid, workspace: argAfter(argv, "--workspace"), team: argAfter(argv, "--team") }));
}

export interface OrphanOutcome extends DaemonProcess {
  outcome: "killed" | "missing" | "failed";
  sigkill_required: boolean;
  error?: string;
}

/** SIGTERM, up to 3 s to go, then SIGKILL and up to 2 s more. */
async function stopProcess(daemon: DaemonProcess): Promise<OrphanOutcome> {
  const gone = () => !isProcessAlive(daemon.pid);
  const wait = (ms: number) =>
    waitUntil(gone, `pid ${daemon.pid} to exit`, ms).then(
      () => true,
      () => false,
    );
  try {
    process.kill(daemon.pid, "SIGTERM");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ESRCH";
    return {
      ...daemon,
      outcome: missing ? "missing" : "failed",
      sigkill_required: false,
      ...(missing ? {} : { error: String(error) }),
    };
  }
  if (await wait(3_000)) return { ...daemon, outcome: "killed", sigkill_required: false };
  try {
    process.kill(daemon.pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH")
      return { ...daemon, outcome: "killed", sigkill_required: true };
    return { ...daemon, outcome: "failed", sigkill_required: true, error: String(error) };
  }
  if (await wait(2_000)) return { ...daemon, outcome: "killed", sigkill_required: true };
  return { ...daemon, outcome: "failed", sigkill_required: true, error: "alive_after_sigkill" };
}

/**
 * Daemons whose workspace folder no longer exists are orphans (nothing can reach or stop them any more).
 * `TEAM_AGENT_ORPHAN_SCAN_ROOT` limits the scan to workspaces under one folder (tests use it so that they only
 * ever touch daemons they made).
 */
async function cleanupOrphans(
  env: NodeJS.ProcessEnv,
): Promise<{ check: DoctorCheck; orphans: OrphanOutcome[]; scanned: number }> {
  const root = env["TEAM_AGENT_ORPHAN_SCAN_ROOT"];
  const inScope = (workspace: string) => root === undefined || workspace.startsWith(resolve(root) + sep);
  const daemons = (await listDaemons()).filter((daemon) => daemon.workspace !== null && inScope(daemon.workspace));
  const orphans = daemons.filter((daemon) => !existsSync(daemon.workspace as string));
  const outcomes = await Promise.all(orphans.map(stopProcess));
  const failed = outcomes.filter((outcome) => outcome.outcome === "failed");
  const forced = outcomes.filter((outcome) => outcome.sigkill_required).length;
  const detail =
    orphans.length === 0
      ? `${daemons.length} daemon(s), none orphaned`
      : `${daemons.length} daemon(s), ${orphans.length} orphaned (workspace gone): stopped ${outcomes.length - failed.length}` +
        `${forced > 0 ? ` (${forced} needed SIGKILL)` : ""}${failed.length > 0 ? `, failed ${failed.map((each) => each.pid).join(", ")}` : ""}`;
  return {
    check: check(
      "orphans",
      failed.length === 0,
      detail,
      failed.length > 0 ? `Stop them by hand: kill -9 ${failed.map((each) => each.pid).join(" ")}` : null,
    ),
    orphans: outcomes,
    scanned: daemons.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// rendering

function paintFor(context: CommandContext): (ok: boolean, text: string) => string {
  const on = context.io.stdout.isTTY === true && !context.io.env["NO_COLOR"];
  return (ok, text) => (on ? `\x1b[${ok ? 32 : 31}m${text}\x1b[0m` : text);
}

export function renderChecks(
  checks: readonly DoctorCheck[],
  paint: (ok: boolean, text: string) => string = (_, t) => t,
): string {
  const width = Math.max(...checks.map((each) => each.name.length));
  const lines: string[] = [];
  for (const each of checks) {
    lines.push(`${paint(each.ok, each.ok ? "ok  " : "FAIL")}  ${each.name.padEnd(width)}  ${each.detail}`);
    if (!each.ok && each.action !== null) {
      lines.push(`${"".padEnd(6 + width)}  → ${each.action}`);
    }
  }
  return lines.join("\n");
}

function report(context: CommandContext, checks: DoctorCheck[], extra: object = {}): CommandOutput {
  const failed = checks.filter((each) => !each.ok);
  const text = renderChecks(checks, paintFor(context));
  const data = { checks, ...extra };
  if (failed.length === 0) {
    return { envelope: success(`doctor: all ${checks.length} checks passed`, data), text };
  }
  const summary = `doctor: ${failed.length} of ${checks.length} checks failed (${failed.map((each) => each.name).join(", ")})`;
  const actions = failed.flatMap((each) => (each.action === null ? [] : [each.action]));
  const error = new TeamRuntimeError("doctor_checks_failed", summary, actions[0] ?? "Read the failed checks above.");
  return { envelope: failure(error, data, { summary, nextActions: actions }), text };
}

export const doctorCommand: CommandModule = {
  async run(context, args) {
    const checks: DoctorCheck[] = [];
    const extra: Record<string, unknown> = {};
    if (args.values["repair-store"] === true) checks.push(await repairCheck(context));
    const found = await inventory(context);
    checks.push(...(await baseChecks(context, found)));
    if (args.values["cleanup-orphans"] === true) {
      const cleaned = await cleanupOrphans(context.io.env);
      checks.push(cleaned.check);
      extra["orphans"] = cleaned.orphans;
      extra["daemons_scanned"] = cleaned.scanned;
    }
    if (args.values["comms"] === true) {
      context.progress("comms self-test: a scratch agent on a private tmux server");
      checks.push(await commsSelfTest(await context.registry()));
    }
    return report(context, checks, extra);
  },
};

// ---------------------------------------------------------------------------------------------------------------
// diagnose

export interface DiagnoseIssue {
  kind: string;
  team: string | null;
  agent: string | null;
  detail: string;
  suggestion: string;
}

async function teamIssues(runtime: TeamRuntime, team: TeamRow): Promise<{ issues: DiagnoseIssue[]; status: unknown }> {
  const { teamStatus } = await import("@team-agent/coordinator");
  const status = await teamStatus(runtime, team);
  const issues: DiagnoseIssue[] = [];
  const issue = (kind: string, agent: string | null, detail: string, suggestion: string) =>
    issues.push({ kind, team: team.team_id, agent, detail, suggestion });
  for (const agent of status.agents) {
    if (agent.status === "missing") {
      issue(
        "worker_missing",
        agent.agent_id,
        `${agent.agent_id}'s pane is gone`,
        `team-agent start-agent ${agent.agent_id}`,
      );
    }
    if (agent.screen !== null && (BLOCKING_KINDS as ReadonlySet<string>).has(agent.screen)) {
      issue(
        "worker_blocked",
        agent.agent_id,
        `${agent.agent_id} shows a ${agent.screen} screen`,
        `team-agent approvals ${agent.agent_id} (then ask the user)`,
      );
    }
  }
  if (status.messages.failed > 0) {
    issue(
      "messages_failed",
      null,
      `${status.messages.failed} message(s) failed to deliver`,
      "team-agent status --detail",
    );
  }
  if (status.results.uncollected > 0) {
    issue(
      "results_uncollected",
      null,
      `${status.results.uncollected} result(s) not collected yet`,
      "team-agent collect",
    );
  }
  return { issues, status };
}

export const diagnoseCommand: CommandModule = {
  async run(context) {
    const found = await inventory(context);
    const checks = await baseChecks(context, found);
    const issues: DiagnoseIssue[] = checks
      .filter((each) => !each.ok)
      .map((each) => ({
        kind: each.name.replace(/\s.*$/, ""),
        team: null,
        agent: null,
        detail: `${each.name}: ${each.detail}`,
        suggestion: each.action ?? "",
      }));
    const teams: Record<string, unknown> = {};
    if (found.runtime !== null) {
      for (const team of found.teams) {
        const diagnosed = await teamIssues(found.runtime, team);
        issues.push(...diagnosed.issues);
        teams[team.team_id] = diagnosed.status;
      }
    }
    const data = {
      issues,
      checks,
      teams,
      event_log: workspaceLayout(context.workspace).eventsPath,
    };
    const text = JSON.stringify({ ok: issues.length === 0, ...data }, null, 2);
    if (issues.length === 0) return { envelope: success("diagnose: no issues found", data), text };
    const summary = `diagnose: ${issues.length} issue(s): ${issues.map((each) => each.kind).join(", ")}`;
    const error = new TeamRuntimeError("issues_found", summary, issues[0]?.suggestion || "Read the issues list.");
    return {
      envelope: failure(error, data, { summary, nextActions: issues.map((each) => each.suggestion).filter(Boolean) }),
      text,
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// install-skill

/** The skill folder this installation ships (`<package>/skill/team-agent`, beside src/ and dist/). */
export const SKILL_SOURCE = fileURLToPath(new URL("../../skill/team-agent/", import.meta.url));

const SKILL_TARGETS = {
  claude: (home: string) => join(home, ".claude", "skills", "team-agent"),
  codex: (home: string) => join(home, ".codex", "skills", "team-agent"),
} as const;
type SkillTarget = keyof typeof SKILL_TARGETS;

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
  });
}

export interface SkillFilePlan {
  file: string;
  action: "create" | "update" | "unchanged";
  /** Where the replaced file is kept (updates only). */
  backup?: string;
}

/** What installing into `dest` does: new files, changed files (backed up first), identical files left alone. */
export function planSkillInstall(source: string, dest: string, stamp: string): SkillFilePlan[] {
  return listFiles(source).map((file) => {
    const target = join(dest, file);
    if (!existsSync(target)) return { file, action: "create" };
    if (readFileSync(target).equals(readFileSync(join(source, file)))) return { file, action: "unchanged" };
    return { file, action: "update", backup: `${target}.backup-${stamp}` };
  });
}

function applySkillInstall(source: string, dest: string, plan: readonly SkillFilePlan[]): void {
  for (const step of plan) {
    if (step.action === "unchanged") continue;
    const target = join(dest, step.file);
    mkdirSync(dirname(target), { recursive: true });
    if (step.backup !== undefined) copyFileSync(target, step.backup);
    writeFileSync(target, readFileSync(join(source, step.file)));
  }
}

export const installSkillCommand: CommandModule = {
  async run(context, args) {
    const targetArg = args.values["target"] as string | undefined;
    const destArg = args.values["dest"] as string | undefined;
    const dryRun = args.values["dry-run"] === true;
    if (targetArg !== undefined && !["claude", "codex", "all"].includes(targetArg)) {
      throw usageError(`unknown --target ${JSON.stringify(targetArg)}`, "Use --target claude, codex or all.");
    }
    if (destArg !== undefined && targetArg === "all") {
      throw usageError(
        "--dest cannot be combined with --target all",
        "Pass --target claude or --target codex with --dest, or drop --dest.",
      );
    }
    const home = context.io.env["HOME"] || homedir();
    const targets: { target: string; dest: string }[] =
      destArg !== undefined
        ? [{ target: targetArg ?? "custom", dest: resolve(context.io.cwd, destArg) }]
        : (targetArg === undefined || targetArg === "all"
            ? (["claude", "codex"] as SkillTarget[])
            : [targetArg as SkillTarget]
          ).map((target) => ({ target, dest: SKILL_TARGETS[target](home) }));
    const stamp = fileStamp();
    const installed = targets.map(({ target, dest }) => {
      const plan = planSkillInstall(SKILL_SOURCE, dest, stamp);
      if (!dryRun) applySkillInstall(SKILL_SOURCE, dest, plan);
      return { target, dest, skill_file: join(dest, "SKILL.md"), files: plan };
    });
    const changed = installed.flatMap((each) => each.files.filter((file) => file.action !== "unchanged"));
    const verb = dryRun ? "would install" : "installed";
    const summary = `${verb} the team-agent skill into ${installed.map((each) => each.dest).join(" and ")}`;
    const lines = [
      summary + (dryRun ? " (dry run: nothing written)" : ""),
      ...installed.flatMap((each) =>
        each.files.map(
          (file) =>
            `  ${file.action.padEnd(9)} ${join(each.dest, file.file)}${file.backup ? ` (old copy: ${file.backup})` : ""}`,
        ),
      ),
    ];
    const envelope = success(summary, {
      source: SKILL_SOURCE,
      targets: installed,
      dry_run: dryRun,
      changed_files: changed.length,
    });
    return { envelope, text: lines.join("\n") };
  },
};
