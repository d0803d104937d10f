/**
 * The fake agent itself: keys and pastes in, screens and transcript records out, results to the team's MCP server.
 * Terminal-independent (the terminal is passed in), so tests can drive it without a pane.
 *
 * One turn per submitted message: user record → busy + `tool_use` record → (approval) → work_ms → tool calls
 * (`send_message`, `request_human`, `report_result`) → `end_turn` answer. Esc during a turn interrupts it; messages
 * submitted while busy wait in a queue, as in the real CLIs.
 */
import { RESULT_ENVELOPE_SCHEMA_VERSION } from "@team-agent/core-state";
import { FAKE_TEXT, pastePlaceholder } from "../screens.js";
import {
  apiErrorRecords,
  assistantEndTurn,
  assistantToolUse,
  toolResult,
  userInterrupt,
  userText,
} from "../transcript/records.js";
import { reportArguments } from "./envelope.js";
import type { InputEvent } from "./keys.js";
import { type IncomingMessage, parseIncoming } from "./message.js";
import type { ResolvedAction, ScriptRunner } from "./script.js";
import type { TeamMcp } from "./team-mcp.js";
import { TEAM_SERVER_NAME } from "./team-mcp.js";
import type { TranscriptWriter } from "./transcript-writer.js";
import { type HistoryEntry, renderView, type View } from "./view.js";

export interface AgentTerminal {
  write(data: string): void;
  size(): { columns: number; rows: number };
}

export interface AgentConfig {
  /** Shown in the title. */
  agentId: string;
  /** `agent_id` of reports: $TEAM_AGENT_ID when set, else the agent id. */
  reportAgentId: string;
  /** Resolved workspace (shown on the trust screen and recorded as `cwd`). */
  workspace: string;
  trustPrompt: boolean;
  pasteCollapseLines: number;
}

export interface AgentDeps {
  terminal: AgentTerminal;
  script: ScriptRunner;
  transcript: TranscriptWriter;
  /** null: no MCP config, so tool calls are printed as JSON instead of sent. */
  mcp: TeamMcp | null;
  /** Called once, after the MCP server has been stopped. */
  onExit: (code: number) => void;
}

interface Segment {
  text: string;
  placeholder?: string;
}

interface Turn {
  abort: AbortController;
  answerApproval?: (approved: boolean) => void;
}

/** The model-side tool the fake "works" in, so an open turn looks like Claude Code's (`stop_reason: tool_use`). */
const WORK_TOOL = "fake_work";

class Interrupted extends Error {}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Interrupted());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Interrupted();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return abortable(
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
    signal,
  ).finally(() => clearTimeout(timer));
}

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export class FakeAgent {
  private mode: View["mode"];
  private trustHighlight = 0;
  private approvalHighlight = 0;
  private approvalTool = "";
  private readonly history: HistoryEntry[] = [];
  private segments: Segment[] = [];
  private pasteCount = 0;
  private readonly queue: string[] = [];
  private turn: Turn | null = null;
  private messages = 0;
  private exiting = false;
  private lastFrame: string[] = [];
  /** Settles when the current turn and everything queued behind it are done (tests wait on it). */
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: AgentConfig,
    private readonly deps: AgentDeps,
  ) {
    this.mode = config.trustPrompt ? "trust" : "input";
  }

  start(): void {
    if (this.mode === "input") this.connectMcp();
    this.render();
  }

  /** The last frame drawn, one string per row. */
  frame(): readonly string[] {
    return this.lastFrame;
  }

  get busy(): boolean {
    return this.turn !== null;
  }

  /** Resolves once no turn is running and the queue is empty. */
  idle(): Promise<void> {
    return this.running;
  }

  handle(event: InputEvent): void {
    if (this.exiting) return;
    if (this.mode === "trust") this.onTrustInput(event);
    else if (this.mode === "approval") this.onApprovalInput(event);
    else this.onInput(event);
    this.render();
  }

  /** Redraws (e.g. after a terminal resize). */
  render(): void {
    const { columns, rows } = this.deps.terminal.size();
    const frame = renderView({
      mode: this.mode,
      columns,
      rows,
      agentId: this.config.agentId,
      workspace: this.config.workspace,
      trustHighlight: this.trustHighlight,
      approvalHighlight: this.approvalHighlight,
      approvalTool: this.approvalTool,
      history: this.history,
      busy: this.busy,
      draft: this.segments.map((s) => s.placeholder ?? s.text).join(""),
      queued: this.queue,
    });
    this.lastFrame = frame;
    // Whole screen from the top, each row cleared first: nothing scrolls, so nothing leaks into tmux history.
    this.deps.terminal.write(`\x1b[H${frame.map((line) => `\x1b[2K${line}`).join("\r\n")}`);
  }

  /** Stops the MCP server and hands over to the caller's exit. Safe to call twice. */
  async shutdown(code: number): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    this.turn?.abort.abort();
    await this.deps.mcp?.close();
    this.deps.onExit(code);
  }

  private connectMcp(): void {
    this.deps.mcp?.connect().catch((error: unknown) => {
      this.history.push({ kind: "notice", text: `MCP server ${TEAM_SERVER_NAME} failed: ${(error as Error).message}` });
      this.render();
    });
  }

  private onTrustInput(event: InputEvent): void {
    if (event.type !== "key") return;
    if (event.name === "up") this.trustHighlight = 0;
    else if (event.name === "down") this.trustHighlight = 1;
    else if (event.name === "escape" || event.name === "ctrl-c") void this.shutdown(1);
    else if (event.name === "enter") {
      // The highlighted default declines and exits, as in Claude Code: a blind Enter must never trust.
      if (this.trustHighlight === 0) void this.shutdown(1);
      else {
        this.mode = "input";
        this.connectMcp();
      }
    }
  }

  private onApprovalInput(event: InputEvent): void {
    if (event.type !== "key") return;
    const answer = (approved: boolean) => this.turn?.answerApproval?.(approved);
    if (event.name === "up") this.approvalHighlight = 0;
    else if (event.name === "down") this.approvalHighlight = 1;
    else if (event.name === "enter") answer(this.approvalHighlight === 0);
    else if (event.name === "char" && (event.text === "1" || event.text === "2")) answer(event.text === "1");
    else if (event.name === "escape") answer(false);
    else if (event.name === "ctrl-c") this.turn?.abort.abort();
  }

  private onInput(event: InputEvent): void {
    if (event.type === "paste") {
      this.paste(event.text);
      return;
    }
    switch (event.name) {
      case "char":
      case "tab":
        this.type(event.name === "tab" ? "\t" : (event.text ?? ""));
        return;
      case "newline":
        this.type("\n");
        return;
      case "backspace":
        this.backspace();
        return;
      case "enter":
        this.submit();
        return;
      case "escape":
        this.turn?.abort.abort();
        return;
      case "ctrl-c":
        if (this.segments.length > 0) this.segments = [];
        else if (this.turn) this.turn.abort.abort();
        else void this.shutdown(0);
        return;
      case "ctrl-d":
        if (this.segments.length === 0 && !this.turn) void this.shutdown(0);
        return;
      default:
        return;
    }
  }

  private paste(raw: string): void {
    // tmux turns line feeds into carriage returns when pasting; in a paste they are line breaks.
    const text = raw.replace(/\r\n?/gu, "\n");
    const breaks = text.split("\n").length - 1;
    const segment: Segment = { text };
    if (breaks + 1 > this.config.pasteCollapseLines) {
      this.pasteCount += 1;
      segment.placeholder = pastePlaceholder(this.pasteCount, breaks);
    }
    this.segments.push(segment);
  }

  private type(text: string): void {
    const last = this.segments[this.segments.length - 1];
    if (last && last.placeholder === undefined) last.text += text;
    else this.segments.push({ text });
  }

  /** Deletes one typed character, or a collapsed paste as a whole. */
  private backspace(): void {
    const last = this.segments[this.segments.length - 1];
    if (!last) return;
    if (last.placeholder === undefined && Array.from(last.text).length > 1) {
      last.text = Array.from(last.text).slice(0, -1).join("");
    } else {
      this.segments.pop();
    }
  }

  private submit(): void {
    const text = this.segments.map((s) => s.text).join("");
    if (text.trim() === "") return;
    this.segments = [];
    if (text.trim() === "/exit") {
      void this.shutdown(0);
      return;
    }
    if (this.turn) {
      this.queue.push(text);
      return;
    }
    this.running = this.drainQueue(text);
  }

  private async drainQueue(first: string): Promise<void> {
    let next: string | undefined = first;
    while (next !== undefined && !this.exiting) {
      await this.runTurn(next);
      next = this.queue.shift();
    }
  }

  private async runTurn(text: string): Promise<void> {
    const n = ++this.messages;
    const message = parseIncoming(text);
    const action = this.deps.script.resolve(message, n, {
      agent: this.config.reportAgentId,
      task: message.task ?? "manual",
      token: message.token ?? "",
      sender: message.sender ?? "",
      n: String(n),
    });
    const turn: Turn = { abort: new AbortController() };
    this.turn = turn;
    this.history.push({ kind: "user", text: message.text });
    this.deps.transcript.append((ctx) => userText(ctx, message.text));
    try {
      await this.work(message, action, turn);
    } catch (error) {
      if (error instanceof Interrupted) {
        if (!this.exiting) {
          this.deps.transcript.append((ctx) => userInterrupt(ctx));
          this.history.push({ kind: "notice", text: FAKE_TEXT.interrupted });
        }
      } else {
        this.history.push({ kind: "notice", text: `fake agent error: ${(error as Error).message}` });
        this.deps.transcript.append((ctx) =>
          assistantEndTurn(ctx, `The fake agent failed: ${(error as Error).message}`),
        );
      }
    } finally {
      this.turn = null;
      if (this.mode === "approval") this.mode = "input";
      if (!this.exiting) this.render();
    }
  }

  private async work(message: IncomingMessage, action: ResolvedAction, turn: Turn): Promise<void> {
    const signal = turn.abort.signal;
    const workInput = { message_id: message.token, task_id: message.task, work_ms: action.workMs };
    const work = this.openTool(WORK_TOOL, workInput);
    this.render();

    if (action.askApproval && !(await this.askApproval(turn, `${WORK_TOOL}(${JSON.stringify(workInput)})`))) {
      throw new Interrupted();
    }
    await sleep(action.workMs, signal);
    if (action.exitCode !== null) {
      // A crash mid-turn: the transcript keeps its open turn.
      await this.shutdown(action.exitCode);
      return;
    }
    this.deps.transcript.append((ctx) => toolResult(ctx, work, `worked for ${action.workMs} ms`, false));

    if (action.fail) {
      const { status, message: text } = action.fail;
      this.deps.transcript.append((ctx) => apiErrorRecords(ctx, status, text));
      this.history.push({ kind: "notice", text: `${FAKE_TEXT.apiErrorPrefix} ${status} ${text}` });
      return;
    }
    for (const send of action.sendMessages) await this.callTeamTool("send_message", { ...send }, signal);
    if (action.requestHuman) await this.callTeamTool("request_human", { ...action.requestHuman }, signal);
    if (action.report) {
      const args = reportArguments(message, this.config.reportAgentId, action.report);
      await this.callTeamTool("report_result", { ...args }, signal);
    }
    checkAborted(signal);
    this.deps.transcript.append((ctx) => assistantEndTurn(ctx, action.reply));
    this.history.push({ kind: "reply", text: action.reply });
  }

  /** Writes the `tool_use` record that opens (or continues) the turn; returns the call id. */
  private openTool(name: string, input: Record<string, unknown>): string {
    let id = "";
    this.deps.transcript.append((ctx) => {
      const { record, toolUseId } = assistantToolUse(ctx, name, input);
      id = toolUseId;
      return record;
    });
    return id;
  }

  private askApproval(turn: Turn, tool: string): Promise<boolean> {
    this.mode = "approval";
    this.approvalHighlight = 0;
    this.approvalTool = tool;
    this.render();
    return abortable(
      new Promise<boolean>((resolve) => {
        turn.answerApproval = resolve;
      }),
      turn.abort.signal,
    ).finally(() => {
      turn.answerApproval = undefined;
      this.mode = "input";
    });
  }

  /** Calls one of the team server's tools, as a real worker does through its MCP client. */
  private async callTeamTool(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<void> {
    checkAborted(signal);
    const id = this.openTool(`mcp__${TEAM_SERVER_NAME}__${tool}`, args);
    const entry: HistoryEntry = { kind: "tool", name: `${TEAM_SERVER_NAME} - ${tool} (MCP)`, detail: "Running…" };
    this.history.push(entry);
    this.render();
    const mcp = this.deps.mcp;
    if (!mcp) {
      const printed = tool === "report_result" ? { schema_version: RESULT_ENVELOPE_SCHEMA_VERSION, ...args } : args;
      entry.detail = `No MCP config: not sent. The ${tool === "report_result" ? "result envelope" : "call"} follows as JSON.`;
      this.history.push({ kind: "json", text: JSON.stringify(printed) });
      this.deps.transcript.append((ctx) =>
        toolResult(ctx, id, "not sent: no MCP server configured; printed instead", false),
      );
      return;
    }
    try {
      const outcome = await abortable(mcp.call(tool, args), signal);
      entry.detail = `${outcome.ok ? "ok" : "error"}: ${oneLine(outcome.text) || "(no text)"}`;
      this.deps.transcript.append((ctx) => toolResult(ctx, id, outcome.text, !outcome.ok));
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      entry.detail = `error: ${oneLine((error as Error).message)}`;
      this.deps.transcript.append((ctx) => toolResult(ctx, id, (error as Error).message, true));
    }
  }
}
