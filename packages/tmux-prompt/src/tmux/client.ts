/**
 * The typed tmux operations everything else uses, over either transport.
 *
 * Error model:
 * - Actions (new-session, send-keys, paste-buffer, …) return a `TmuxOutcome`: a tmux failure or a timeout is data.
 * - Existence and value queries answer false / null / [] when the target does not exist, and throw `TmuxQueryError`
 *   only when tmux gave no usable answer (timeout, lost connection, missing binary, unparseable output), so "gone"
 *   is never confused with "could not tell".
 * - Invalid input we would hand to tmux (a session name tmux would rewrite, empty buffer text) throws a
 *   ValidationError before anything runs.
 *
 * Pane queries use `list-panes -t`, which fails for a missing target, never `display-message`, which answers for a
 * missing pane with empty output and for a missing window with some other window (spec §1.6).
 */
import { ValidationError } from "@team-agent/core-state";
import { invalidTmuxInput, TmuxQueryError } from "./errors.js";
import { formatOf, isTruthyFlag, normalizePaneMode, PANE_FIELDS, type PaneInfo, parsePaneInfoLine } from "./formats.js";
import {
  assertBufferName,
  assertSessionName,
  assertWindowName,
  isControlSessionName,
  paneSelector,
  sessionTarget,
} from "./names.js";
import type { TmuxResult, TmuxRunOptions, TmuxTransport } from "./types.js";

/** Per-call timeouts (spec §1.1): reads 5 s, actions 10 s, the pane-width query 2 s. */
export const TMUX_TIMEOUTS = { query: 5_000, action: 10_000, paneWidth: 2_000 } as const;

export interface TmuxOutcome {
  ok: boolean;
  /** tmux's message (`stderr`, trimmed) or a fixed fallback when it said nothing; null on success. */
  error: string | null;
  timedOut: boolean;
}

export interface NewPaneOutcome extends TmuxOutcome {
  /** The new pane's id (`%12`) on success. */
  paneId: string | null;
}

export interface CaptureOptions {
  /** First line: 0 is the top of the visible screen, negative numbers reach into history, "all" = whole history. */
  start?: number | "all";
  /** Last line, same numbering; default the bottom of the visible screen. */
  end?: number;
  /** Keep colour/attribute escape sequences (`-e`). */
  escapes?: boolean;
  timeoutMs?: number;
}

export interface CaptureResult {
  ok: boolean;
  text: string;
  error: string | null;
  timedOut: boolean;
}

export interface PaneProcess {
  paneId: string;
  panePid: number | null;
  currentCommand: string;
  dead: boolean;
}

export interface NewSessionOptions {
  name: string;
  /** Name of the first window. */
  window?: string;
  /**
   * The pane's program as an argv (e.g. `["sh", "-lc", script]`). With two or more entries tmux runs it directly;
   * a single entry is run by tmux through the default shell. Default: the default shell.
   */
  command?: readonly string[];
  cwd?: string;
  width?: number;
  height?: number;
  /** Environment for the pane (`-e K=V`). Spawned tmux clients put these in their argv: never pass secrets here. */
  env?: Readonly<Record<string, string>>;
}

export interface NewWindowOptions {
  session: string;
  name: string;
  command?: readonly string[];
  cwd?: string;
  env?: Readonly<Record<string, string>>;
}

export class TmuxClient {
  readonly transport: TmuxTransport;

  constructor(transport: TmuxTransport) {
    this.transport = transport;
  }

  /** Escape hatch for commands without a typed method; same contract as the transport. */
  run(args: readonly string[], options?: TmuxRunOptions): Promise<TmuxResult> {
    return this.transport.run(args, options);
  }

  async hasSession(session: string): Promise<boolean> {
    const args = ["has-session", "-t", sessionTarget(session)];
    return answered(args, await this.transport.run(args, { timeoutMs: TMUX_TIMEOUTS.query })).ok;
  }

  /** Session names, without control-mode utility sessions; [] when no server is running. */
  async listSessions(): Promise<string[]> {
    const args = ["list-sessions", "-F", "#{session_name}"];
    const result = answered(args, await this.transport.run(args, { timeoutMs: TMUX_TIMEOUTS.query }));
    return result.ok ? lines(result.stdout).filter((name) => !isControlSessionName(name)) : [];
  }

  /** Exact window names of the session, in index order; [] when the session does not exist. */
  async listWindows(session: string): Promise<string[]> {
    const args = ["list-windows", "-t", sessionTarget(session), "-F", "#{window_name}"];
    const result = answered(args, await this.transport.run(args, { timeoutMs: TMUX_TIMEOUTS.query }));
    return result.ok ? lines(result.stdout) : [];
  }

  /** Exact membership in list-windows (never tmux's prefix matching). */
  async windowExists(session: string, window: string): Promise<boolean> {
    return (await this.listWindows(session)).includes(window);
  }

  async newSession(options: NewSessionOptions): Promise<NewPaneOutcome> {
    const args = ["new-session", "-d", "-s", assertSessionName(options.name)];
    if (options.window !== undefined) args.push("-n", assertWindowName(options.window));
    if (options.width !== undefined) args.push("-x", String(positiveInt("width", options.width)));
    if (options.height !== undefined) args.push("-y", String(positiveInt("height", options.height)));
    return this.newPane(args, options);
  }

  /** A new window at the session's next free index, not selected (`-d`). */
  async newWindow(options: NewWindowOptions): Promise<NewPaneOutcome> {
    const args = ["new-window", "-d", "-t", `${sessionTarget(options.session)}:`, "-n", assertWindowName(options.name)];
    return this.newPane(args, options);
  }

  private async newPane(
    args: string[],
    options: { command?: readonly string[]; cwd?: string; env?: Readonly<Record<string, string>> },
  ): Promise<NewPaneOutcome> {
    if (options.cwd !== undefined) args.push("-c", options.cwd);
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw invalidTmuxInput("environment variable name", key, "not a name");
      args.push("-e", `${key}=${value}`);
    }
    args.push("-P", "-F", "#{pane_id}");
    if (options.command !== undefined && options.command.length > 0) args.push("--", ...options.command);
    const result = await this.transport.run(args, { timeoutMs: TMUX_TIMEOUTS.action });
    const paneId = result.ok ? result.stdout.trim() : "";
    return { ...outcome(args, result), paneId: /^%\d+$/.test(paneId) ? paneId : null };
  }

  async killSession(session: string): Promise<TmuxOutcome> {
    return this.act(["kill-session", "-t", sessionTarget(session)]);
  }

  async killServer(): Promise<TmuxOutcome> {
    return this.act(["kill-server"]);
  }

  async capturePane(target: string, options: CaptureOptions = {}): Promise<CaptureResult> {
    const args = ["capture-pane", "-p"];
    if (options.escapes === true) args.push("-e");
    if (options.start !== undefined) args.push("-S", options.start === "all" ? "-" : String(integer(options.start)));
    if (options.end !== undefined) args.push("-E", String(integer(options.end)));
    args.push("-t", target);
    const result = await this.transport.run(args, { timeoutMs: options.timeoutMs ?? TMUX_TIMEOUTS.query });
    const { ok, error, timedOut } = outcome(args, result);
    return { ok, text: ok ? result.stdout : "", error, timedOut };
  }

  /** The PANE_FORMAT fields of the pane, or null when it does not exist. */
  async paneInfo(target: string): Promise<PaneInfo | null> {
    const fields = await this.queryPane(target, PANE_FIELDS);
    if (fields === null) return null;
    const info = parsePaneInfoLine(fields.join("\t"));
    if (info === null) {
      throw new TmuxQueryError("tmux_output_unparseable", `pane ${target}: unexpected pane description ${fields}`);
    }
    return info;
  }

  async paneExists(target: string): Promise<boolean> {
    return (await this.queryPane(target, [])) !== null;
  }

  /**
   * null when the pane is in no mode, else the mode's name (`copy-mode`, `view-mode`, …). Throws
   * `tmux_target_missing` for a missing pane, since null already means "no mode".
   */
  async paneMode(target: string): Promise<string | null> {
    const fields = await this.queryPane(target, ["pane_in_mode", "pane_mode"]);
    if (fields === null) throw new TmuxQueryError("tmux_target_missing", `pane ${target} does not exist`);
    const [inMode, mode] = fields as [string, string];
    return normalizePaneMode(mode) ?? (isTruthyFlag(inMode) ? "unknown-mode" : null);
  }

  /** Width in cells, or null when the pane does not exist. */
  async paneWidth(target: string): Promise<number | null> {
    const fields = await this.queryPane(target, ["pane_width"], TMUX_TIMEOUTS.paneWidth);
    if (fields === null) return null;
    const width = Number(fields[0]);
    if (!Number.isInteger(width) || width <= 0) {
      throw new TmuxQueryError("tmux_output_unparseable", `pane ${target}: width ${JSON.stringify(fields[0])}`);
    }
    return width;
  }

  /** The pane's process: pid, current command, and whether it has exited (remain-on-exit); null if no pane. */
  async paneProcess(target: string): Promise<PaneProcess | null> {
    const fields = await this.queryPane(target, ["pane_id", "pane_pid", "pane_current_command", "pane_dead"]);
    if (fields === null) return null;
    const [paneId, pid, currentCommand, dead] = fields as [string, string, string, string];
    return { paneId, panePid: /^\d+$/.test(pid) ? Number(pid) : null, currentCommand, dead: isTruthyFlag(dead) };
  }

  /** Keys by tmux name (`Enter`, `Down`, `q`), or with `literal` the characters themselves (`-l`). */
  async sendKeys(target: string, keys: readonly string[], options: { literal?: boolean } = {}): Promise<TmuxOutcome> {
    if (keys.length === 0) throw invalidTmuxInput("keys", "", "no keys given");
    return this.act(["send-keys", "-t", target, ...(options.literal === true ? ["-l"] : []), "--", ...keys]);
  }

  /** Leaves copy-mode (or another mode) without sending anything to the program (`send-keys -X cancel`). */
  async cancelMode(target: string): Promise<TmuxOutcome> {
    return this.act(["send-keys", "-t", target, "-X", "cancel"]);
  }

  /**
   * Puts `text` into buffer `name` through `load-buffer -` with the text on stdin (D8: message text is never an
   * argument, and any size works). Empty text is refused: tmux would create no buffer and a later paste would fail.
   */
  async loadBuffer(name: string, text: string): Promise<TmuxOutcome> {
    assertBufferName(name);
    if (text === "") {
      throw new ValidationError(`refusing to load empty text into tmux buffer ${JSON.stringify(name)}`, [], {
        code: "tmux_buffer_empty",
        action: "Send the submit key directly for an empty message instead of pasting a buffer.",
      });
    }
    return this.act(["load-buffer", "-b", name, "-"], { input: text });
  }

  /** Pastes without deleting the buffer (deletion is explicit); `bracketed` wraps it for apps that asked for it. */
  async pasteBuffer(target: string, name: string, options: { bracketed: boolean }): Promise<TmuxOutcome> {
    const args = ["paste-buffer", "-t", target, "-b", assertBufferName(name)];
    if (options.bracketed) args.push("-p");
    return this.act(args);
  }

  async deleteBuffer(name: string): Promise<TmuxOutcome> {
    return this.act(["delete-buffer", "-b", assertBufferName(name)]);
  }

  /** Buffer names; [] when there are none or no server is running. */
  async listBuffers(): Promise<string[]> {
    const args = ["list-buffers", "-F", "#{buffer_name}"];
    const result = answered(args, await this.transport.run(args, { timeoutMs: TMUX_TIMEOUTS.query }));
    return result.ok ? lines(result.stdout) : [];
  }

  private async act(args: string[], options: TmuxRunOptions = {}): Promise<TmuxOutcome> {
    return outcome(args, await this.transport.run(args, { timeoutMs: TMUX_TIMEOUTS.action, ...options }));
  }

  /**
   * The requested fields of the pane `target` names, or null when it does not exist. `list-panes -t` lists the
   * target's window (and fails for a missing target); the row is then picked by pane id, pane index or activity.
   */
  private async queryPane(
    target: string,
    fields: readonly string[],
    timeoutMs: number = TMUX_TIMEOUTS.query,
  ): Promise<string[] | null> {
    const selector = paneSelector(target);
    const args = ["list-panes", "-t", target, "-F", formatOf(["pane_id", "pane_index", "pane_active", ...fields])];
    const result = answered(args, await this.transport.run(args, { timeoutMs }));
    if (!result.ok) return null;
    for (const line of lines(result.stdout)) {
      const row = line.split("\t");
      if (row.length !== fields.length + 3) {
        throw new TmuxQueryError(
          "tmux_output_unparseable",
          `pane ${target}: expected ${fields.length + 3} tab-separated fields, got ${row.length} (a name contains a tab?)`,
          { args, result },
        );
      }
      const [paneId, paneIndex, active] = row as [string, string, string];
      const chosen =
        "paneId" in selector
          ? paneId === selector.paneId
          : "paneIndex" in selector
            ? paneIndex === String(selector.paneIndex)
            : isTruthyFlag(active);
      if (chosen) return row.slice(3);
    }
    return null;
  }
}

/** The result, unless tmux gave no answer at all (timeout, lost connection, binary missing): then it throws. */
function answered(args: readonly string[], result: TmuxResult): TmuxResult {
  if (result.timedOut) {
    throw new TmuxQueryError("tmux_timeout", `tmux ${args[0]} timed out`, { args, result });
  }
  if (result.exitCode === null) {
    throw new TmuxQueryError("tmux_unavailable", `tmux ${args[0]} got no answer: ${result.stderr.trim()}`, {
      args,
      result,
    });
  }
  return result;
}

function outcome(args: readonly string[], result: TmuxResult): TmuxOutcome {
  if (result.ok) return { ok: true, error: null, timedOut: false };
  return { ok: false, error: result.stderr.trim() || `tmux ${args[0]} failed`, timedOut: result.timedOut };
}

function lines(stdout: string): string[] {
  return stdout === "" ? [] : stdout.split("\n");
}

function integer(value: number): number {
  if (!Number.isInteger(value)) throw new TypeError(`expected an integer line number, got ${value}`);
  return value;
}

function positiveInt(what: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw invalidTmuxInput(what, String(value), "must be a positive integer");
  return value;
}
