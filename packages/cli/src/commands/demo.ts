/**
 * `team-agent demo` and `team-agent e2e`: a 3-worker team of the built-in fake provider in a temporary workspace,
 * on a private tmux server, with the real coordinator daemon and the real MCP server. The lead is a fake agent pane
 * bound as the team's receiver. The lead sends each worker a task; the demo prints messages, deliveries and results
 * as the store records them, and finishes when every result has reached the lead's pane. Everything it started
 * (daemon, tmux server, pane programs, temp dir) is removed at the end, on failure and on Ctrl-C/SIGTERM, unless
 * `--keep` asks to leave it running.
 *
 * The fake agent pane and the process reaper are also used by `doctor --comms`.
 */
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { reapProcesses, type TeamRuntime } from "@team-agent/coordinator";
import {
  failure,
  type MessageRow,
  type NodeEntry,
  type ResultRow,
  resolveNodeEntry,
  success,
  type TeamRow,
  TeamRuntimeError,
  type TeamSpec,
  teamSpecFromRoster,
} from "@team-agent/core-state";
import type { ProviderRegistry } from "@team-agent/provider-registry";
import { classifyScreen, type TmuxClient } from "@team-agent/tmux-prompt";
import type { CommandModule } from "../cli/command.js";
import type { CommandContext } from "../cli/context.js";

// ---------------------------------------------------------------------------------------------------------------
// waiting and reaping

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined/null/false); throws naming `label` at the deadline. */
export async function waitUntil<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  label: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (signal?.aborted) throw interrupted();
    if (Date.now() > deadline) {
      throw new TeamRuntimeError(
        "wait_timeout",
        `timed out after ${timeoutMs} ms waiting for ${label}`,
        "Run `team-agent doctor`.",
      );
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 150);
  }
}

function interrupted(): TeamRuntimeError {
  return new TeamRuntimeError(
    "interrupted",
    "interrupted; everything the run started was cleaned up",
    "Run it again when you like.",
  );
}

// Process checks for teardown live in the coordinator; re-exported for the demo test and doctor.
export { isProcessAlive, processesUsing, reapProcesses } from "@team-agent/coordinator";

/** A temp dir with symlinks resolved (paths derived from it must match what the processes see). */
export function makeTempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** tmux leaves the socket file of a killed server behind. */
export function removeTmuxSocket(socketName: string): void {
  const dir = join(process.env["TMUX_TMPDIR"] ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`);
  rmSync(join(dir, socketName), { force: true });
}

export function privateSocketName(kind: string): string {
  return `team-agent-${kind}-${randomBytes(5).toString("hex")}`;
}

// ---------------------------------------------------------------------------------------------------------------
// a fake agent pane outside any team (the demo's lead, the doctor's scratch pane)

export interface FakePaneOptions {
  session: string;
  workspace: string;
  agentId: string;
  /** Where its transcript goes. */
  projectsRoot: string;
  /** A fake-agent behaviour script (plugins/fake README). */
  script: object;
  /** Where the fake provider comes from: its screen vocabulary and its CLI (found, never imported by name — D5). */
  registry: ProviderRegistry;
  timeoutMs?: number;
}

/** The fake agent CLI beside the fake plugin module the registry loaded (built or source alike). */
function fakeCliEntry(registry: ProviderRegistry): NodeEntry {
  const module = registry.entry("fake")?.source.entry;
  if (!module) {
    throw new TeamRuntimeError(
      "fake_provider_missing",
      "The built-in fake provider is not installed, so its agent CLI cannot run.",
      "Reinstall team-agent (the fake provider ships with it).",
    );
  }
  return resolveNodeEntry(pathToFileURL(module).href, "cli/main");
}

/** Starts the fake agent CLI (no MCP server: it reports nothing) in a new session and waits for its input prompt. */
export async function openFakeAgentPane(tmux: TmuxClient, options: FakePaneOptions): Promise<string> {
  const scriptPath = join(options.workspace, `.${options.agentId}-script.json`);
  writeFileSync(scriptPath, JSON.stringify(options.script), { mode: 0o600 });
  const entry = fakeCliEntry(options.registry);
  const signatures = options.registry.get("fake").screen.signatures;
  const opened = await tmux.newSession({
    name: options.session,
    window: options.agentId,
    command: [
      process.execPath,
      ...entry.nodeArgs,
      "--workspace",
      options.workspace,
      "--agent-id",
      options.agentId,
      "--projects-root",
      options.projectsRoot,
      "--script",
      scriptPath,
    ],
    cwd: options.workspace,
    width: 160,
    height: 45,
  });
  if (!opened.ok || opened.paneId === null) {
    throw new TeamRuntimeError(
      "fake_pane_failed",
      `could not open a tmux session for the fake agent: ${opened.error ?? "unknown tmux error"}`,
      "Run `team-agent doctor` to check tmux.",
    );
  }
  const paneId = opened.paneId;
  await waitUntil(
    async () => {
      const screen = await tmux.capturePane(paneId);
      return screen.ok && classifyScreen(screen.text, { signatures }).kind === "input_ready";
    },
    `the ${options.agentId} pane's input prompt`,
    options.timeoutMs ?? 20_000,
  );
  return paneId;
}

/** Text of every user record in the transcripts under `projectsRoot` (what the CLI really received). */
export function transcriptUserTexts(projectsRoot: string): string[] {
  const texts: string[] = [];
  if (!existsSync(projectsRoot)) return texts;
  for (const dir of readdirSync(projectsRoot)) {
    for (const file of readdirSync(join(projectsRoot, dir))) {
      if (!file.endsWith(".jsonl")) continue;
      for (const line of readFileSync(join(projectsRoot, dir, file), "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          const record = JSON.parse(line) as { type?: string; message?: { content?: unknown } };
          if (record.type === "user" && typeof record.message?.content === "string") texts.push(record.message.content);
        } catch {
          // a line still being written
        }
      }
    }
  }
  return texts;
}

// ---------------------------------------------------------------------------------------------------------------
// the demo team

export interface DemoWorker {
  id: string;
  role: string;
  task: { id: string; text: string };
  /** What the fake reports when it is done. */
  summary: string;
  work_ms: number;
}

export const DEMO_WORKERS: readonly DemoWorker[] = [
  {
    id: "scout",
    role: "finds out what is needed",
    task: { id: "needs", text: "List what a tiny command-line notes app must do." },
    summary: "A notes app needs: add a note, list notes, search notes by word.",
    work_ms: 2_500,
  },
  {
    id: "builder",
    role: "designs the commands",
    task: { id: "design", text: "Sketch the commands of a tiny notes app." },
    summary: "Commands: `notes add TEXT`, `notes list`, `notes find WORD`.",
    work_ms: 4_500,
  },
  {
    id: "checker",
    role: "looks for edge cases",
    task: { id: "review", text: "Which edge cases should a tiny notes app handle?" },
    summary: "Edge cases: empty notes, very long notes, a search with no match.",
    work_ms: 6_500,
  },
];

/** The fake's script for every worker: each task gets its own summary; the builder also pings the checker. */
function workerScript(workers: readonly DemoWorker[]): object {
  const builder = workers.find((worker) => worker.id === "builder");
  const checker = workers.find((worker) => worker.id === "checker");
  const peerNote =
    builder && checker
      ? [
          // A note from a teammate is read and answered, not reported as a result.
          { match: { sender: builder.id }, work_ms: 300, reply: "Thanks, noted.", report: false },
        ]
      : [];
  return {
    default: { work_ms: 1_000 },
    rules: [
      ...peerNote,
      ...workers.map((worker) => ({
        match: { task: worker.task.id },
        work_ms: worker.work_ms,
        reply: worker.summary,
        report: { summary: worker.summary },
        ...(worker === builder && checker
          ? { send_message: { to: checker.id, content: "FYI: the commands are sketched; keep them in mind." } }
          : {}),
      })),
    ],
  };
}

/** A valid spec whose lead and workers all run on the fake provider, each worker on the `demo` profile. */
export function demoTeamSpec(workspace: string, workers: readonly DemoWorker[], name = "demo"): TeamSpec {
  return teamSpecFromRoster({
    name,
    workspace,
    objective: "Show how a Team Agent team works.",
    leaderProvider: "fake",
    workers: workers.map((worker) => ({
      id: worker.id,
      role: worker.role,
      provider: "fake",
      profile: "demo",
      prompt: `You are ${worker.id}; you ${worker.role}.`,
      preferredFor: [worker.task.id],
    })),
  });
}

export interface DemoTeamOptions {
  registry: ProviderRegistry;
  /** How workers start the MCP server (the CLI's `team-agent mcp`). */
  mcp: (workspace: string) => { command: string; args: string[] };
  workers?: readonly DemoWorker[];
  /** Bind a fake lead pane as the team's receiver (default true). */
  lead?: boolean;
  signal?: AbortSignal;
}

export interface DemoTeam {
  workspace: string;
  socketName: string;
  runtime: TeamRuntime;
  team: TeamRow;
  workers: readonly DemoWorker[];
  /** Stops the daemon, kills the tmux server, waits for every process of the run and removes the workspace. */
  cleanup(): Promise<void>;
}

/** The whole team, ready: every worker at its prompt, the daemon running, the lead bound. Cleans up if it fails. */
export async function startDemoTeam(options: DemoTeamOptions): Promise<DemoTeam> {
  const { TeamRuntime, startTeam, waitReady, bindLeader, stopCoordinator } = await import("@team-agent/coordinator");
  const workers = options.workers ?? DEMO_WORKERS;
  const workspace = makeTempDir("team-agent-demo-");
  const socketName = privateSocketName("demo");
  let runtime: TeamRuntime | null = null;
  let team: TeamRow | null = null;
  let cleaned: Promise<void> | null = null;
  const cleanup = (): Promise<void> => {
    cleaned ??= (async () => {
      const problems: unknown[] = [];
      const attempt = async (step: () => unknown) => {
        try {
          await step();
        } catch (error) {
          problems.push(error);
        }
      };
      if (runtime !== null) {
        const open = runtime;
        for (const row of open.store.teams.list()) await attempt(() => stopCoordinator(open, row));
        await attempt(() => open.tmux({ socketName }).killServer());
      }
      await attempt(() => reapProcesses(workspace));
      removeTmuxSocket(socketName);
      if (runtime !== null) await attempt(() => runtime?.close());
      rmSync(workspace, { recursive: true, force: true });
      if (problems.length > 0) throw new AggregateError(problems, "demo cleanup was incomplete");
    })();
    return cleaned;
  };
  const checkAbort = () => {
    if (options.signal?.aborted) throw interrupted();
  };
  try {
    const teamDir = join(workspace, ".team", "demo");
    mkdirSync(join(teamDir, "profiles"), { recursive: true, mode: 0o700 });
    const scriptPath = join(teamDir, "worker-script.json");
    writeFileSync(scriptPath, JSON.stringify(workerScript(workers), null, 2), { mode: 0o600 });
    writeFileSync(join(teamDir, "profiles", "demo.env"), `AUTH_MODE=subscription\nSCRIPT=${scriptPath}\n`, {
      mode: 0o600,
    });
    runtime = await TeamRuntime.open({ workspace, registry: options.registry });
    const started = await startTeam(runtime, {
      spec: demoTeamSpec(workspace, workers),
      registry: options.registry,
      mcp: options.mcp(workspace),
      tmuxSocket: socketName,
      teamDir,
      tickIntervalMs: 500,
    });
    team = runtime.team(started.team_id);
    checkAbort();
    if (options.lead !== false) {
      const paneId = await openFakeAgentPane(runtime.tmux({ socketName }), {
        session: "lead",
        workspace,
        agentId: "leader",
        projectsRoot: join(workspace, ".lead-projects"),
        script: { default: { work_ms: 200, report: false, reply: "Noted." } },
        registry: options.registry,
      });
      bindLeader(runtime, team, { paneId, server: { socketName }, provider: "fake", claimedVia: "demo" });
    }
    const readyRuntime = runtime;
    const readyTeam = team;
    await waitUntil(
      async () => (await waitReady(readyRuntime, readyTeam, { timeoutMs: 1_000 })).ok,
      "every worker's input prompt",
      60_000,
      options.signal,
    );
    return { workspace, socketName, runtime, team, workers, cleanup };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// following the run

export interface DemoEvent {
  /** Milliseconds since the tasks were sent. */
  at_ms: number;
  kind: "message" | "delivered" | "result" | "lead_received";
  from: string;
  to: string;
  text: string;
}

const DELIVERED: ReadonlySet<string> = new Set(["submitted", "acknowledged"]);

/** Turns store rows into demo events, each once; `done` once every worker's result has reached the lead. */
class DemoProgress {
  private readonly messages = new Map<string, string>();
  private readonly results = new Map<string, ResultRow>();
  private readonly leadReceived = new Set<string>();

  constructor(
    private readonly demo: DemoTeam,
    private readonly startedAt: number,
  ) {}

  private allMessages(): MessageRow[] {
    const byId = new Map<string, MessageRow>();
    const { store } = this.demo.runtime;
    for (const member of [this.demo.team.leader_id, ...this.demo.workers.map((worker) => worker.id)]) {
      for (const message of store.messages.inbox(this.demo.team.team_id, member, 500))
        byId.set(message.message_id, message);
    }
    return [...byId.values()].sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** New messages first, then new results, then deliveries: the order things happen in for one worker. */
  poll(): DemoEvent[] {
    const at = Date.now() - this.startedAt;
    const leader = this.demo.team.leader_id;
    const event = (kind: DemoEvent["kind"], from: string, to: string, text: string): DemoEvent => ({
      at_ms: at,
      kind,
      from,
      to,
      text,
    });
    const messages = this.allMessages().map((message) => ({
      message,
      resultId: /Result id: (\S+)/.exec(message.content)?.[1],
      before: this.messages.get(message.message_id),
    }));
    const created = messages
      .filter(({ before, resultId }) => before === undefined && resultId === undefined)
      .map(({ message }) => event("message", message.sender, message.recipient, firstLine(message.content)));
    const results = this.demo.runtime.store.results
      .latest(this.demo.team.team_id, 50)
      .reverse()
      .filter((result) => !this.results.has(result.result_id))
      .map((result) => {
        this.results.set(result.result_id, result);
        return event("result", result.agent_id, leader, `${result.status}: ${result.envelope.summary}`);
      });
    const delivered = messages
      .filter(({ message, before }) => DELIVERED.has(message.status) && !DELIVERED.has(before ?? ""))
      .map(({ message, resultId }) => {
        if (resultId === undefined || message.recipient !== leader) {
          return event("delivered", message.sender, message.recipient, message.message_id);
        }
        this.leadReceived.add(resultId);
        return event("lead_received", message.sender, leader, resultId);
      });
    for (const { message } of messages) this.messages.set(message.message_id, message.status);
    return [...created, ...results, ...delivered];
  }

  /** One result per worker, each one in the lead's pane. */
  done(): boolean {
    return this.demo.workers.every((worker) =>
      [...this.results.values()].some(
        (result) => result.agent_id === worker.id && this.leadReceived.has(result.result_id),
      ),
    );
  }

  summary(): { agent_id: string; task_id: string; status: string; summary: string; result_id: string }[] {
    return [...this.results.values()].map((result) => ({
      agent_id: result.agent_id,
      task_id: result.task_id,
      status: result.status,
      summary: result.envelope.summary,
      result_id: result.result_id,
    }));
  }

  messageCount(): number {
    return this.messages.size;
  }
}

function firstLine(text: string, max = 70): string {
  const line =
    text
      .split("\n")
      .find((each) => each.trim() !== "")
      ?.trim() ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

interface Paint {
  dim(text: string): string;
  bold(text: string): string;
  green(text: string): string;
}

function painter(io: CommandContext["io"]): Paint {
  const on = io.stdout.isTTY === true && !io.env["NO_COLOR"];
  const wrap = (code: string) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { dim: wrap("2"), bold: wrap("1"), green: wrap("32") };
}

function renderEvent(event: DemoEvent, paint: Paint): string {
  const time = paint.dim(`${(event.at_ms / 1000).toFixed(1).padStart(5)}s`);
  switch (event.kind) {
    case "message":
      return `${time}  ${`${event.from} → ${event.to}`.padEnd(20)} ${event.text}`;
    case "delivered":
      return `${time}  ${paint.dim(`${"".padEnd(20)} delivered to ${event.to}'s pane`)}`;
    case "result":
      return `${time}  ${paint.bold(`result from ${event.from}`.padEnd(20))} ${event.text}`;
    case "lead_received":
      return `${time}  ${paint.green(`${"".padEnd(20)} the lead has the result of ${event.from}`)}`;
  }
}

export interface DemoRunOutcome {
  results: ReturnType<DemoProgress["summary"]>;
  messages: number;
  elapsed_ms: number;
}

/** Sends each worker its task and follows the store until every result reached the lead. */
async function runTasks(
  demo: DemoTeam,
  onEvent: (event: DemoEvent) => void,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<DemoRunOutcome> {
  const { sendMessage } = await import("@team-agent/coordinator");
  const startedAt = Date.now();
  const progress = new DemoProgress(demo, startedAt);
  for (const worker of demo.workers) {
    await sendMessage(
      demo.runtime,
      demo.team,
      { from: demo.team.leader_id, to: worker.id, content: worker.task.text, taskId: worker.task.id },
      { waitMs: 0 },
    );
  }
  await waitUntil(
    () => {
      for (const event of progress.poll()) onEvent(event);
      return progress.done();
    },
    "every result to reach the lead",
    timeoutMs,
    signal,
  );
  return { results: progress.summary(), messages: progress.messageCount(), elapsed_ms: Date.now() - startedAt };
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Ctrl-C, SIGTERM, a closed terminal, or a closed stdout (`team-agent demo | head`) abort the run and let cleanup
 * finish, instead of killing the process with the team still running. A closed stdout stays handled afterwards:
 * there is nobody left to print to.
 */
function trapInterruptions(stdout: NodeJS.WritableStream): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => controller.abort(name);
  let outputClosed = false;
  const onOutputError = () => {
    outputClosed = true;
    controller.abort("output_closed");
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  stdout.on("error", onOutputError);
  return {
    signal: controller.signal,
    release() {
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
      if (!outputClosed) stdout.off("error", onOutputError);
    },
  };
}

const RUN_TIMEOUT_MS = 120_000;

function stopCommands(demo: DemoTeam): string[] {
  return [
    `team-agent shutdown --workspace ${demo.workspace}`,
    `tmux -L ${demo.socketName} kill-server`,
    `rm -rf ${demo.workspace}`,
  ];
}

interface DemoRunData extends DemoRunOutcome {
  workspace: string;
  tmux_socket: string;
  session_name: string;
}

type DemoRun =
  | { ok: true; data: DemoRunData; stop: string[] | null }
  | { ok: false; error: unknown; cleaned_up: boolean };

/** Starts the team, runs the tasks, and cleans up (unless `keep` and it worked); never leaves anything on failure. */
async function runDemo(
  context: CommandContext,
  options: { keep: boolean; onStarted?(demo: DemoTeam): void; onEvent?(event: DemoEvent): void },
): Promise<DemoRun> {
  const trap = trapInterruptions(context.io.stdout);
  let demo: DemoTeam | null = null;
  let outcome: DemoRunOutcome | null = null;
  let error: unknown = null;
  try {
    context.progress("starting the team (temp workspace, private tmux server, coordinator daemon)");
    demo = await startDemoTeam({
      registry: await context.registry(),
      mcp: (workspace) => context.mcpCommand(workspace),
      signal: trap.signal,
    });
    options.onStarted?.(demo);
    outcome = await runTasks(demo, (event) => options.onEvent?.(event), trap.signal, RUN_TIMEOUT_MS);
  } catch (caught) {
    error = trap.signal.aborted ? interrupted() : caught;
  }
  try {
    const keep = options.keep && error === null;
    if (demo !== null && !keep) {
      try {
        await demo.cleanup();
      } catch (cleanupError) {
        return { ok: false, error: error ?? cleanupError, cleaned_up: false };
      }
    }
    if (error !== null || demo === null || outcome === null) return { ok: false, error, cleaned_up: true };
    const data = {
      workspace: demo.workspace,
      tmux_socket: demo.socketName,
      session_name: demo.team.session_name,
      ...outcome,
    };
    return { ok: true, data, stop: keep ? stopCommands(demo) : null };
  } finally {
    trap.release();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const demoCommand: CommandModule = {
  async run(context, args) {
    const keep = args.values["keep"] === true;
    const paint = painter(context.io);
    // JSON mode prints only the envelope; humans watch the run as it happens.
    const live = (line: string) => {
      if (!context.json) context.io.stdout.write(`${line}\n`);
    };
    live(paint.bold("Team Agent demo: a lead and 3 workers of the built-in fake provider"));
    const run = await runDemo(context, {
      keep,
      onStarted(demo) {
        live(`workspace: ${demo.workspace}`);
        live(
          `watch:     tmux -L ${demo.socketName} attach -t ${demo.team.session_name}   (the workers; Ctrl-b w lists them)`,
        );
        live(`           tmux -L ${demo.socketName} attach -t lead   (the lead)`);
        live("");
      },
      onEvent: (event) => live(renderEvent(event, paint)),
    });
    if (!run.ok) return { envelope: failure(run.error, { cleaned_up: run.cleaned_up }) };
    const done = `All ${run.data.results.length} results reached the lead in ${seconds(run.data.elapsed_ms)}.`;
    if (run.stop !== null) {
      const envelope = success(
        `demo finished; the team is still running`,
        { ...run.data, kept: true, stop_commands: run.stop },
        run.stop,
      );
      return {
        envelope,
        text: ["", done, "The team is still running. Stop it with:", ...run.stop.map((line) => `  ${line}`)].join("\n"),
      };
    }
    const envelope = success(`demo finished in ${seconds(run.data.elapsed_ms)} and cleaned up`, {
      ...run.data,
      kept: false,
      cleaned_up: true,
    });
    return {
      envelope,
      text: ["", done, "Cleaned up: daemon stopped, tmux server gone, temp workspace removed."].join("\n"),
    };
  },
};

export const e2eCommand: CommandModule = {
  async run(context) {
    const run = await runDemo(context, { keep: false });
    if (!run.ok) return { envelope: failure(run.error, { cleaned_up: run.cleaned_up }) };
    const summary = `e2e passed: ${run.data.results.length} results reached the lead in ${seconds(run.data.elapsed_ms)}`;
    return { envelope: success(summary, { providers: { fake: { ok: true, ...run.data } }, cleaned_up: true }) };
  },
};
