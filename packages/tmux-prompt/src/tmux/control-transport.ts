/**
 * One long-lived `tmux -C` (control mode) connection that carries every command: no process per call, right for
 * the coordinator daemon's steady polling.
 *
 * Where the connection lives: a control client must be attached to a session, and attaching to a team session would
 * count as an attached client there (session_attached, list-clients) and die with it. So each connection creates its
 * own small utility session, `team-agent-control-<pid>-<random>`, running `cat` (prints nothing, so no %output
 * noise). Killing a team session therefore does not touch the connection.
 *
 * Cleaning up the utility session: `close()` kills it (then the client exits). tmux's `destroy-unattached` would be
 * the obvious tool, but it crashes the whole tmux server (seen with 3.3a in our tests; the race is described in tmux
 * PR #5497) when a client of such a session exits while another client disconnects, so it is not used. A session left behind by a process that died
 * or by a dropped connection is unattached; each new connection kills unattached utility sessions whose process is
 * gone or is this process (`collectOrphans`). Side effects to know: while connected the utility session shows in
 * `list-sessions` (filter with `isControlSessionName`) and keeps the server alive after the last team session is
 * gone; closing it then lets the server exit, as it would have without us.
 *
 * The connection never starts a server (`tmux -N`): when none is running, the call is run by a SpawnTransport
 * instead, so `has-session` still answers "no server" and `new-session` still starts one. Connecting is tried again
 * after `reconnectDelayMs`, or on the next call after a successful `new-session`.
 * Calls with stdin (`load-buffer -`) are always delegated too, since control mode has no per-command stdin.
 *
 * Commands are sent one at a time (tmux answers in order; one in flight keeps a timeout from blocking the rest).
 * A timeout fails that command and drops the connection, since tmux would finish the stuck command before any other;
 * a dead connection fails its in-flight command (read-only commands are retried once) and the next call reconnects.
 * Output matches a spawned client's (one trailing newline dropped) except where tmux prints differently to control
 * clients: `show-buffer` escapes non-printable bytes and backslashes, so read buffers back with a spawned client.
 * Commands that wait inside tmux (`wait-for`, `run-shell` without -b) are answered at once by tmux but hold back every
 * later command of the connection, so they time out the next call; do not send them over this transport.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { globalArguments, type TmuxClientFlags, toControlLine } from "./argv.js";
import { type ControlEvent, ControlStreamParser } from "./control-parser.js";
import { CONTROL_SESSION_PREFIX } from "./names.js";
import { DEFAULT_TMUX_TIMEOUT_MS, SpawnTransport } from "./spawn-transport.js";
import type { TmuxResult, TmuxRunOptions, TmuxServer, TmuxTransport } from "./types.js";

export interface ControlTransportOptions extends TmuxClientFlags {
  /** Used when a call gives no `timeoutMs`. */
  defaultTimeoutMs?: number;
  /** How long a new connection may take to attach; after that the call is delegated to a spawned process. */
  connectTimeoutMs?: number;
  /** After a failed connection attempt (no server running), calls go to spawned processes for this long. */
  reconnectDelayMs?: number;
}

/** Read-only commands: safe to run again when the connection died before their reply arrived. */
const RETRYABLE = new Set([
  "capture-pane",
  "display-message",
  "has-session",
  "list-buffers",
  "list-clients",
  "list-panes",
  "list-sessions",
  "list-windows",
  "show-buffer",
  "show-environment",
  "show-options",
]);

interface Job {
  args: readonly string[];
  line: string | null;
  options: TmuxRunOptions;
  resolve: (result: TmuxResult) => void;
}

type SendOutcome = { result: TmuxResult; lost: boolean };

const failed = (stderr: string, timedOut = false): TmuxResult => ({
  ok: false,
  exitCode: null,
  stdout: "",
  stderr,
  timedOut,
});

export class ControlTransport implements TmuxTransport {
  readonly server: TmuxServer;
  private readonly spawner: SpawnTransport;
  private readonly binary: string;
  private readonly prefix: string[];
  private readonly defaultTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly reconnectDelayMs: number;
  private nextConnectAt = 0;
  private connection: ControlConnection | null = null;
  private controlProcesses = 0;
  private readonly queue: Job[] = [];
  private pumping = false;
  private closed = false;

  constructor(server: TmuxServer, options: ControlTransportOptions = {}) {
    this.server = server;
    this.spawner = new SpawnTransport(server, options);
    this.binary = options.binary ?? "tmux";
    this.prefix = globalArguments(server, options);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TMUX_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 1_000;
  }

  /** Control processes started (one per (re)connection) plus delegated spawns. */
  get processesSpawned(): number {
    return this.controlProcesses + this.spawner.processesSpawned;
  }

  /** Process id of the live control client, if connected (diagnostics and tests). */
  get controlPid(): number | null {
    const connection = this.connection;
    return connection !== null && !connection.dead ? (connection.child.pid ?? null) : null;
  }

  /** Name of the live connection's utility session, if connected. */
  get controlSession(): string | null {
    const connection = this.connection;
    return connection !== null && !connection.dead ? connection.sessionName : null;
  }

  /**
   * Runs one command. Rejects only for arguments control mode cannot carry (a newline, CR or NUL) or a
   * malformed command name; everything tmux says, timeouts and lost connections are failed results.
   */
  async run(args: readonly string[], options: TmuxRunOptions = {}): Promise<TmuxResult> {
    const line = options.input === undefined ? toControlLine(args) : null;
    if (this.closed) return failed("tmux control transport is closed");
    return new Promise((resolve) => {
      this.queue.push({ args, line, options, resolve });
      void this.pump();
    });
  }

  /**
   * Kills the utility session (which ends the client) and waits for the process. Nothing is sent that stops the
   * server; if the utility session was the last one, tmux exits by itself as it would have without us.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(failed("tmux control transport is closed"));
    const connection = this.connection;
    this.connection = null;
    if (connection !== null) await connection.end(farewell(connection));
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) {
        job.resolve(await this.execute(job));
      }
    } finally {
      this.pumping = false;
    }
  }

  private async execute(job: Job): Promise<TmuxResult> {
    if (this.closed) return failed("tmux control transport is closed");
    const timeoutMs = job.options.timeoutMs ?? this.defaultTimeoutMs;
    if (job.line === null) return this.delegate(job.args, { ...job.options, timeoutMs });
    const attempts = RETRYABLE.has(job.args[0]!) ? 2 : 1;
    let outcome: SendOutcome = { result: failed("tmux control connection was not used"), lost: true };
    for (let attempt = 0; attempt < attempts && outcome.lost; attempt += 1) {
      const connection = Date.now() >= this.nextConnectAt ? await this.connect() : null;
      if (this.closed) return failed("tmux control transport is closed");
      if (connection === null) return this.delegate(job.args, { timeoutMs });
      outcome = await connection.send(job.line, timeoutMs);
      if (outcome.result.timedOut || outcome.lost) this.drop(connection);
    }
    // After kill-server the connection is about to see %exit; drop it now so the next call does not race it.
    if (job.args[0] === "kill-server" && outcome.result.ok) this.drop(this.connection);
    return outcome.result;
  }

  private async delegate(args: readonly string[], options: TmuxRunOptions): Promise<TmuxResult> {
    const result = await this.spawner.run(args, options);
    if (args[0] === "kill-server" && result.ok) this.drop(this.connection);
    // A new session may have just started the server: connect on the next call instead of waiting out the delay.
    if (args[0] === "new-session" && result.ok) this.nextConnectAt = 0;
    return result;
  }

  private drop(connection: ControlConnection | null): void {
    if (connection === null) return;
    if (this.connection === connection) this.connection = null;
    connection.kill();
  }

  /** The live connection, a new one, or null when none can be made (no server running, tmux missing, …). */
  private async connect(): Promise<ControlConnection | null> {
    if (this.connection !== null && !this.connection.dead) return this.connection;
    this.connection = null;
    const sessionName = `${CONTROL_SESSION_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}`;
    // `-N`: never start a server from here.
    const argv = [...this.prefix, "-N", "-C", "new-session", "-s", sessionName, "-n", "control", "cat"];
    this.controlProcesses += 1;
    const connection = new ControlConnection(spawn(this.binary, argv, { stdio: "pipe" }), sessionName);
    if (!(await connection.waitReady(this.connectTimeoutMs))) {
      connection.kill();
      this.nextConnectAt = Date.now() + this.reconnectDelayMs;
      return null;
    }
    if (this.closed) {
      // close() ran while this connection was starting: it must not outlive the transport.
      await connection.end(farewell(connection));
      return null;
    }
    this.connection = connection;
    await this.collectOrphans(connection);
    return connection;
  }

  /**
   * Kills utility sessions nobody uses any more: unattached, and created by a process that is gone or by this
   * process (a connection dropped after a timeout or a kill). An unattached session of a live process is left to it.
   */
  private async collectOrphans(connection: ControlConnection): Promise<void> {
    const listed = await connection.send(
      toControlLine(["list-sessions", "-F", "#{session_name}\t#{session_attached}"]),
      this.connectTimeoutMs,
    );
    if (!listed.result.ok) return;
    for (const row of listed.result.stdout.split("\n")) {
      const [name = "", attached] = row.split("\t");
      const owner = ORPHAN_CANDIDATE.exec(name);
      if (owner === null || attached !== "0" || name === connection.sessionName) continue;
      const pid = Number(owner[1]);
      if (pid !== process.pid && processAlive(pid)) continue;
      await connection.send(toControlLine(["kill-session", "-t", `=${name}`]), this.connectTimeoutMs);
    }
  }
}

/** The last line a connection sends: kill its own utility session, which also ends the client. */
const farewell = (connection: ControlConnection): string =>
  toControlLine(["kill-session", "-t", `=${connection.sessionName}`]);

const ORPHAN_CANDIDATE = new RegExp(`^${CONTROL_SESSION_PREFIX}(\\d+)-[0-9a-f]{8}$`);

/** True unless the pid certainly names no process (EPERM means it exists but belongs to someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** One running `tmux -C` client: its parser, its single in-flight command, and its death. */
class ControlConnection {
  readonly child: ChildProcessWithoutNullStreams;
  readonly sessionName: string;
  dead = false;
  private ready = false;
  private readonly parser = new ControlStreamParser();
  private stderr = "";
  private exitReason = "";
  private pending: { resolve: (outcome: SendOutcome) => void; timer: NodeJS.Timeout } | null = null;
  private settleAttached: (ready: boolean) => void = () => {};
  private readonly attached = new Promise<boolean>((resolve) => {
    this.settleAttached = resolve;
  });
  private readonly exited: Promise<void>;

  constructor(child: ChildProcessWithoutNullStreams, sessionName: string) {
    this.child = child;
    this.sessionName = sessionName;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (text: string) => this.onText(text));
    child.stderr.on("data", (text: string) => {
      this.stderr = (this.stderr + text).slice(-2_000);
    });
    // A write to a client that has just died must not crash the process; the exit handler reports it.
    child.stdin.on("error", () => {});
    this.exited = new Promise((resolve) => {
      child.once("error", (error) => {
        this.exitReason ||= error.message;
        this.onDeath();
        resolve();
      });
      child.once("close", (code, signal) => {
        this.exitReason ||= signal !== null ? `signal ${signal}` : `exit code ${code}`;
        this.onDeath();
        resolve();
      });
    });
  }

  /** Resolves true once tmux reports our client attached to its utility session; false if it died or is too slow. */
  async waitReady(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ready = await Promise.race([this.attached, late]);
    clearTimeout(timer);
    return ready && !this.dead;
  }

  send(line: string, timeoutMs: number): Promise<SendOutcome> {
    if (this.dead) return Promise.resolve({ result: failed(this.deathMessage()), lost: true });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending = null;
        resolve({ result: failed("timeout", true), lost: false });
      }, timeoutMs);
      this.pending = { resolve, timer };
      this.child.stdin.write(`${line}\n`);
    });
  }

  kill(): void {
    if (this.dead) return;
    this.child.kill("SIGTERM");
  }

  /** Sends a last command line (if any), closes stdin, and waits for the process, killing it if it lingers. */
  async end(lastLine?: string): Promise<void> {
    if (!this.dead) this.child.stdin.end(lastLine === undefined ? undefined : `${lastLine}\n`);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 2_000);
    await this.exited;
    clearTimeout(timer);
  }

  private onText(text: string): void {
    for (const event of this.parser.push(text)) this.onEvent(event);
  }

  private onEvent(event: ControlEvent): void {
    if (event.kind === "exit") {
      this.exitReason ||= event.reason === "" ? "tmux ended the control connection" : event.reason;
      return;
    }
    if (event.kind === "notification") {
      // The connection is usable once tmux reports this client attached to its utility session.
      if (!this.ready && event.line === `%session-changed ${event.line.split(" ")[1]} ${this.sessionName}`) {
        this.ready = true;
        this.settleAttached(true);
      }
      return;
    }
    // flags 0 replies belong to tmux itself (the startup commands, hooks), not to a command we sent.
    if (event.reply.flags !== "1" || this.pending === null) return;
    const { resolve, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    const text = event.reply.lines.join("\n");
    resolve({
      result: event.reply.ok
        ? { ok: true, exitCode: 0, stdout: text, stderr: "", timedOut: false }
        : { ok: false, exitCode: 1, stdout: "", stderr: text, timedOut: false },
      lost: false,
    });
  }

  private onDeath(): void {
    if (this.dead) return;
    this.dead = true;
    this.settleAttached(false);
    if (this.pending !== null) {
      const { resolve, timer } = this.pending;
      this.pending = null;
      clearTimeout(timer);
      resolve({ result: failed(this.deathMessage()), lost: true });
    }
  }

  private deathMessage(): string {
    const detail = this.stderr.trim() || this.exitReason;
    return `tmux control connection closed${detail === "" ? "" : `: ${detail}`}`;
  }
}
