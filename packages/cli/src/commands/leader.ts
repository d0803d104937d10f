/**
 * The leader passthrough (spec 04 §1.3): `team-agent claude|codex [args]` starts the lead's CLI where a team can
 * reach it. Inside tmux the provider runs right here in the current pane with the lead's identity in its
 * environment; outside tmux it runs in a tmux session named after the workspace, created or re-attached. Every
 * argument the launcher does not own goes to the provider untouched.
 *
 * `planLeader` decides from facts gathered beforehand and has no side effects; `runLeader` gathers the facts,
 * carries the plan out and returns the exit code.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { basename, delimiter, join } from "node:path";
import type { TeamRuntime } from "@team-agent/coordinator";
import { resolveExistingPath, success, type TeamRow, TeamRuntimeError, usageError } from "@team-agent/core-state";
import type { CommandModule } from "../cli/command.js";
import type { CommandIO } from "../cli/context.js";
import { envelopeForError, printEnvelope } from "../cli/output.js";

export type LeaderCommandName = "claude" | "codex";

/** The provider id behind each launcher name. */
export const LEADER_PROVIDERS: Readonly<Record<LeaderCommandName, string>> = { claude: "claude_code", codex: "codex" };

export function leaderUsage(command: string): string {
  return [
    `usage: team-agent ${command} [--attach --confirm | --attach-session SESSION --confirm] [args passed to ${command}]`,
    "",
    `Starts ${command} as the lead of this workspace's team: in the current tmux pane when run inside tmux,`,
    "otherwise in the tmux session team-agent-leader-<provider>-<folder>-<hash> (created, or attached when it exists).",
    "",
    "launcher options:",
    "  --attach, --attach-existing  accepted; an existing session of this workspace is attached anyway",
    "  --attach-session SESSION     attach to that tmux session instead (needs --confirm)",
    "  --confirm                    confirm --attach-session",
    `  --                           everything after it goes to ${command} as is`,
    "",
    `Every other argument is passed to ${command} unchanged; \`team-agent ${command} -- --help\` shows ${command}'s own help.`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Arguments

export interface LeaderArgs {
  help: boolean;
  attach: boolean;
  confirm: boolean;
  attachSession: string | null;
  /** What the provider gets. */
  forwarded: string[];
}

/** Launcher-owned tokens are consumed; a bare `--` ends them (and is dropped when nothing came before it). */
export function parseLeaderArgs(args: readonly string[]): LeaderArgs {
  const parsed: LeaderArgs = { help: false, attach: false, confirm: false, attachSession: null, forwarded: [] };
  if (args.length === 1 && (args[0] === "-h" || args[0] === "--help")) return { ...parsed, help: true };
  const needsName = () =>
    usageError(
      "--attach-session requires a tmux session name",
      "e.g. team-agent codex --attach-session my-lead --confirm",
    );
  for (let index = 0; index < args.length; index += 1) {
    const token = args[index] as string;
    if (token === "--") {
      const rest = args.slice(index);
      parsed.forwarded.push(...(parsed.forwarded.length === 0 ? rest.slice(1) : rest));
      break;
    }
    if (token === "--attach" || token === "--attach-existing") parsed.attach = true;
    else if (token === "--confirm") parsed.confirm = true;
    else if (token === "--attach-session") {
      const name = args[index + 1];
      if (name === undefined || name === "" || name.startsWith("-")) throw needsName();
      parsed.attachSession = name;
      index += 1;
    } else if (token.startsWith("--attach-session=")) {
      const name = token.slice("--attach-session=".length);
      if (name === "") throw needsName();
      parsed.attachSession = name;
    } else parsed.forwarded.push(token);
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------------------------
// The plan

/**
 * `team-agent-leader-<provider>-<folder>-<hash8>`: the folder keeps `[A-Za-z0-9_-]` (tmux would rewrite a `.` in a
 * session name, and the name would then never be found again), at most 48 characters; hash8 comes from the
 * absolute workspace path, so two folders with the same name get different sessions.
 */
export function leaderSessionName(provider: string, workspace: string): string {
  const folder =
    basename(workspace)
      .replace(/[^A-Za-z0-9_-]/g, "_")
      .slice(0, 48)
      .replace(/^[._-]+|[._-]+$/g, "") || "workspace";
  const hash8 = createHash("sha1").update(workspace).digest("hex").slice(0, 8);
  return `team-agent-leader-${provider}-${folder}-${hash8}`;
}

const SHELL_SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

export function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * What the new session's login shell runs: go to the workspace, export the lead's environment, become the provider.
 * With `statusFile` (a detached session nobody watches) the shell stays to write the provider's exit code there,
 * since tmux does not reliably report it; its `trap : INT` keeps the shell alive through Ctrl-C while the provider,
 * for which a trap with a command is reset on exec, still gets every Ctrl-C itself.
 */
export function leaderShellScript(
  workspace: string,
  env: Readonly<Record<string, string>>,
  argv: readonly string[],
  statusFile: string | null = null,
): string {
  const exports = Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)}`);
  const prefix = `cd ${shellQuote(workspace)}${exports.length > 0 ? ` && export ${exports.join(" ")}` : ""}`;
  const command = argv.map(shellQuote).join(" ");
  if (statusFile === null) return `${prefix} && exec ${command}`;
  return `${prefix} && trap : INT && ${command}; printf '%s\\n' "$?" > ${shellQuote(statusFile)}`;
}

export interface LeaderFacts {
  command: LeaderCommandName;
  args: LeaderArgs;
  /** Absolute, symlink-resolved. */
  workspace: string;
  /** `$TMUX` is set: the caller already sits in a tmux pane. */
  insideTmux: boolean;
  providerPath: string | null;
  tmuxPath: string | null;
  /** The derived session exists on the lead's tmux server. */
  sessionExists: boolean;
  /** stdin is a terminal (a new session can be attached right away). */
  interactive: boolean;
  /** The lead's identity variables. */
  leaderEnv: Readonly<Record<string, string>>;
  /** The caller's PATH, exported into a new session (a login shell may reset it). */
  callerPath: string;
  /** `-L <socket>` for a chosen tmux server, or nothing for the user's default one. */
  tmuxServerArgs: readonly string[];
  /** Where a detached session records the provider's exit code (a fresh temp file path). */
  statusFile: string;
}

export type LeaderPlan =
  | { mode: "attach_session"; session: string; argv: string[] }
  | { mode: "exec_provider"; argv: string[]; env: Record<string, string>; cwd: string }
  | { mode: "attach_existing"; session: string; argv: string[] }
  | {
      mode: "new_tmux_session";
      session: string;
      argv: string[];
      shell: string;
      detached: boolean;
      /** Detached only: the file the shell writes the provider's exit code to. */
      statusFile: string | null;
    };

export function planLeader(facts: LeaderFacts): LeaderPlan {
  const { command, args, workspace } = facts;
  const provider = LEADER_PROVIDERS[command];
  if (facts.providerPath === null) {
    throw new TeamRuntimeError(
      "provider_not_found",
      `Provider ${provider} command '${command}' not found`,
      `Install ${command} and make sure it is on PATH, then run \`team-agent ${command}\` again.`,
    );
  }
  const tmux = (...rest: string[]) => ["tmux", ...facts.tmuxServerArgs, ...rest];
  if (args.attachSession !== null) {
    if (!args.confirm) {
      throw usageError(
        "--attach-session requires --confirm",
        `Run \`team-agent ${command} --attach-session ${args.attachSession} --confirm\` to attach to that session.`,
      );
    }
    return {
      mode: "attach_session",
      session: args.attachSession,
      argv: tmux("attach-session", "-t", args.attachSession),
    };
  }
  if (facts.insideTmux) {
    return { mode: "exec_provider", argv: [command, ...args.forwarded], env: { ...facts.leaderEnv }, cwd: workspace };
  }
  if (facts.tmuxPath === null) {
    throw new TeamRuntimeError(
      "tmux_missing",
      "tmux is not installed; install tmux 3.3+ or start the leader from an existing tmux pane",
      "Install tmux (e.g. `apt install tmux` or `brew install tmux`), then run the command again.",
    );
  }
  const session = leaderSessionName(provider, workspace);
  if (facts.sessionExists)
    return { mode: "attach_existing", session, argv: tmux("attach-session", "-t", `=${session}`) };
  const detached = !facts.interactive;
  const shell = leaderShellScript(
    workspace,
    { ...facts.leaderEnv, PATH: facts.callerPath },
    [command, ...args.forwarded],
    detached ? facts.statusFile : null,
  );
  const argv = tmux(
    "new-session",
    ...(detached ? ["-d"] : []),
    "-s",
    session,
    "-n",
    provider,
    "-c",
    workspace,
    "/bin/sh",
    "-lc",
    shell,
  );
  return { mode: "new_tmux_session", session, argv, shell, detached, statusFile: detached ? facts.statusFile : null };
}

// ---------------------------------------------------------------------------------------------------------------
// Gathering the facts

export function findExecutable(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === "" ? null : value;
}

/** The lead's identity: the active team and its recorded uuid when the workspace has a store, derived otherwise. */
async function leaderIdentityEnv(
  provider: string,
  workspace: string,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, string>> {
  const { machineFingerprint, osUserName, resolveLeaderSessionUuid } = await import("@team-agent/coordinator");
  const stored = await withExistingStore(workspace, async (runtime) => {
    let team: TeamRow;
    try {
      team = runtime.team();
    } catch {
      // No running team (or several): the lead starts without one.
      return null;
    }
    return { teamId: team.team_id, uuid: runtime.store.leader.get(team.team_id)?.leader_session_uuid ?? null };
  });
  const fingerprint = machineFingerprint(env);
  const teamId = stored?.teamId ?? "";
  const { uuid } = resolveLeaderSessionUuid({
    env,
    stored: stored?.uuid ?? null,
    fingerprint,
    workspace,
    osUser: osUserName(env),
    teamId,
  });
  return {
    TEAM_AGENT_LEADER_PROVIDER: provider,
    TEAM_AGENT_LEADER_SESSION_UUID: uuid,
    TEAM_AGENT_MACHINE_FINGERPRINT: fingerprint,
    TEAM_AGENT_WORKSPACE: workspace,
    TEAM_AGENT_TEAM_ID: teamId,
  };
}

/** Runs `use` on the workspace's store only when one exists: starting a lead must not create `.team/` anywhere. */
async function withExistingStore<T>(workspace: string, use: (runtime: TeamRuntime) => Promise<T>): Promise<T | null> {
  if (!existsSync(join(workspace, ".team", "runtime", "team.db"))) return null;
  const { TeamRuntime } = await import("@team-agent/coordinator");
  const runtime = await TeamRuntime.open({ workspace });
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

function tmuxServerArgs(env: NodeJS.ProcessEnv): string[] {
  const socket = nonEmpty(env["TEAM_AGENT_LEADER_TMUX_SOCKET"]);
  return socket === null ? [] : ["-L", socket];
}

function tmuxSync(server: readonly string[], args: readonly string[]) {
  return spawnSync("tmux", [...server, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

async function gatherFacts(
  command: LeaderCommandName,
  args: LeaderArgs,
  io: CommandIO,
  statusDir: string,
): Promise<LeaderFacts> {
  const workspace = resolveExistingPath(io.cwd);
  const path = io.env["PATH"] ?? "";
  const tmuxPath = findExecutable("tmux", path);
  const server = tmuxServerArgs(io.env);
  const provider = LEADER_PROVIDERS[command];
  const sessionExists =
    tmuxPath !== null &&
    tmuxSync(server, ["has-session", "-t", `=${leaderSessionName(provider, workspace)}`]).status === 0;
  return {
    command,
    args,
    workspace,
    insideTmux: nonEmpty(io.env["TMUX"]) !== null,
    providerPath: findExecutable(command, path),
    tmuxPath,
    sessionExists,
    interactive: process.stdin.isTTY === true,
    leaderEnv: await leaderIdentityEnv(provider, workspace, io.env),
    callerPath: path,
    tmuxServerArgs: server,
    statusFile: join(statusDir, "exit-code"),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Carrying it out

const SIGNAL_EXIT_BASE = 128;
const INTERRUPTED_EXIT = 130;

function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("error", () => resolve(127));
    child.once("exit", (code, signal) => {
      resolve(code ?? SIGNAL_EXIT_BASE + (signal === null ? 0 : osConstants.signals[signal]));
    });
  });
}

const stayAlive = () => undefined;

/**
 * Ctrl-C while the launcher waits: `first` for the first one, `second` for every later one. Returns a function that
 * removes the handler.
 */
function onInterrupts(first: () => void, second: () => void): () => void {
  let count = 0;
  const handler = () => {
    count += 1;
    if (count === 1) first();
    else second();
  };
  process.on("SIGINT", handler);
  return () => process.off("SIGINT", handler);
}

async function runAttached(argv: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: "inherit", ...options });
  const code = exitCodeOf(child);
  // In a terminal every Ctrl-C reaches the child directly (same process group) and is the child's to handle: the
  // launcher only stays alive. Without a terminal the launcher passes the first on and ends the child on the second.
  const stop =
    process.stdin.isTTY === true
      ? onInterrupts(stayAlive, stayAlive)
      : onInterrupts(
          () => child.kill("SIGINT"),
          () => child.kill("SIGTERM"),
        );
  try {
    return await code;
  } finally {
    stop();
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** The pid of the session's pane: the pane's first process, which leads the provider's process group. */
function panePid(server: readonly string[], session: string): number | null {
  const listed = tmuxSync(server, ["list-panes", "-s", "-t", `=${session}`, "-F", "#{pane_pid}"]);
  const pid = listed.status === 0 ? (listed.stdout.split("\n")[0] ?? "").trim() : "";
  return /^\d+$/.test(pid) ? Number(pid) : null;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function readExitCode(statusFile: string | null): number {
  if (statusFile === null || !existsSync(statusFile)) return 1;
  const code = Number(readFileSync(statusFile, "utf8").trim());
  return Number.isInteger(code) ? code : 1;
}

/**
 * No terminal to attach: the session is created detached and the launcher waits until it is gone, then exits with
 * the code the session's shell recorded. A second Ctrl-C kills the provider's process group and the session.
 */
async function runDetachedSession(plan: Extract<LeaderPlan, { mode: "new_tmux_session" }>, server: readonly string[]) {
  let interrupted = false;
  // Listening before the session exists: a Ctrl-C right after the provider starts must not kill the launcher.
  const stop = onInterrupts(
    () => tmuxSync(server, ["send-keys", "-t", `=${plan.session}:`, "C-c"]),
    () => {
      interrupted = true;
    },
  );
  const created = tmuxSync(server, plan.argv.slice(1));
  if (created.status !== 0) {
    stop();
    throw new TeamRuntimeError(
      "leader_session_failed",
      `Could not start tmux session ${plan.session}: ${created.stderr.trim() || "tmux failed"}`,
      "Check that tmux works (`tmux -V`), then run the command again.",
    );
  }
  const pid = panePid(server, plan.session);
  try {
    while (tmuxSync(server, ["has-session", "-t", `=${plan.session}`]).status === 0) {
      if (interrupted) {
        if (pid !== null) signalGroup(pid, "SIGTERM");
        tmuxSync(server, ["kill-session", "-t", `=${plan.session}`]);
        if (pid !== null && !(await until(() => processGone(pid), 2_000))) signalGroup(pid, "SIGKILL");
        return INTERRUPTED_EXIT;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return readExitCode(plan.statusFile);
  } finally {
    stop();
  }
}

async function carryOut(plan: LeaderPlan, facts: LeaderFacts, io: CommandIO): Promise<number> {
  switch (plan.mode) {
    case "exec_provider":
      return runAttached(plan.argv, { cwd: plan.cwd, env: { ...io.env, ...plan.env } });
    case "attach_session":
    case "attach_existing":
      return runAttached(plan.argv);
    case "new_tmux_session":
      return plan.detached ? runDetachedSession(plan, facts.tmuxServerArgs) : runAttached(plan.argv);
  }
}

/** `leader.start` in the workspace's event log (only where a store exists: a lead may start in any folder). */
async function recordStart(facts: LeaderFacts, plan: LeaderPlan): Promise<void> {
  await withExistingStore(facts.workspace, async (runtime) => {
    runtime.events.emit("leader.start", {
      provider: LEADER_PROVIDERS[facts.command],
      mode: plan.mode,
      leader_session_uuid: (facts.leaderEnv["TEAM_AGENT_LEADER_SESSION_UUID"] ?? "").slice(0, 12),
    });
  }).catch(() => undefined);
}

/** After the lead exits: a reminder when the workspace's team is still running. */
async function remindRunningTeam(facts: LeaderFacts, io: CommandIO): Promise<void> {
  await withExistingStore(facts.workspace, async (runtime) => {
    for (const team of runtime.store.teams.list().filter((row) => row.status === "alive")) {
      const running = await runtime
        .teamTmux(team)
        .hasSession(team.session_name)
        .catch(() => false);
      if (running) {
        io.stderr.write(
          `team ${team.team_id} is still running; close it with \`team-agent shutdown\` or reconnect with \`team-agent attach-leader\`.\n`,
        );
      }
    }
  }).catch(() => undefined);
}

export async function runLeader(command: LeaderCommandName, args: readonly string[], io: CommandIO): Promise<number> {
  try {
    const parsed = parseLeaderArgs(args);
    if (parsed.help) {
      io.stdout.write(`${leaderUsage(command)}\n`);
      return 0;
    }
    const statusDir = mkdtempSync(join(tmpdir(), "team-agent-leader-"));
    try {
      const facts = await gatherFacts(command, parsed, io, statusDir);
      const plan = planLeader(facts);
      await recordStart(facts, plan);
      const code = await carryOut(plan, facts, io);
      await remindRunningTeam(facts, io);
      return code;
    } finally {
      rmSync(statusDir, { recursive: true, force: true });
    }
  } catch (error) {
    const code = printEnvelope(io, false, envelopeForError(error, io.cwd));
    if (code === 2) io.stderr.write(`${leaderUsage(command).split("\n")[0]}\n`);
    return code;
  }
}

/** The table's entry for `claude` / `codex`: reached only in-process (the bin hands these names to runLeader). */
export const leaderHelpCommand: CommandModule = {
  async run() {
    const text = ["claude", "codex"].map((name) => leaderUsage(name)).join("\n\n");
    return { envelope: success("team-agent claude|codex starts the lead; see the usage", { usage: text }), text };
  },
};
