#!/usr/bin/env node
/**
 * `team-agent-fake-agent`: the fake agent CLI in a terminal. Raw mode and bracketed paste on, one full-screen frame
 * per change, terminal restored on every way out (exit, Ctrl-C, SIGTERM, SIGHUP when tmux closes the pane).
 */
import { randomUUID } from "node:crypto";
import { StringDecoder } from "node:string_decoder";
import { resolveExistingPath, TeamAgentError } from "@team-agent/core-state";
import { PACKAGE_VERSION } from "../package-info.js";
import { DEFAULT_PASTE_COLLAPSE_LINES } from "../screens.js";
import { defaultProjectsRoot, isSessionId, transcriptPath } from "../transcript/paths.js";
import { FakeAgent } from "./agent.js";
import { parseCliArgs, USAGE } from "./args.js";
import { InputDecoder } from "./keys.js";
import { loadScript, ScriptRunner } from "./script.js";
import { readMcpConfig, TeamMcp } from "./team-mcp.js";
import { TranscriptWriter } from "./transcript-writer.js";

const BRACKETED_PASTE_ON = "\x1b[?2004h";
const BRACKETED_PASTE_OFF = "\x1b[?2004l";
const SHUTDOWN_DEADLINE_MS = 3_000;

function fail(code: number, message: string, action?: string): never {
  process.stderr.write(`team-agent-fake-agent: ${message}\n${action ? `${action}\n` : ""}`);
  process.exit(code);
}

function main(): void {
  let options: ReturnType<typeof parseCliArgs>;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    fail(2, (error as Error).message, USAGE);
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (options.version) {
    process.stdout.write(`${PACKAGE_VERSION} (Team Agent fake agent)\n`);
    return;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) fail(2, "needs a terminal (run it in a tmux pane).");

  const sessionId = options.resume ?? options.sessionId ?? randomUUID();
  if (!isSessionId(sessionId)) fail(2, `session id ${JSON.stringify(sessionId)} is not a UUID.`);
  const workspace = resolveExistingPath(options.workspace);
  let agent: FakeAgent;
  let mcp: TeamMcp | null = null;
  try {
    const script = loadScript(options.script);
    const projectsRoot = options.projectsRoot ?? defaultProjectsRoot(workspace);
    const transcript = new TranscriptWriter(transcriptPath(projectsRoot, workspace, sessionId), {
      sessionId,
      cwd: workspace,
      version: PACKAGE_VERSION,
      now: () => new Date(),
    });
    mcp = options.mcpConfig === null ? null : new TeamMcp(readMcpConfig(options.mcpConfig), workspace);
    agent = new FakeAgent(
      {
        agentId: options.agentId,
        reportAgentId: process.env["TEAM_AGENT_ID"] || options.agentId,
        workspace,
        trustPrompt: options.trustPrompt || script.trust_prompt === true,
        pasteCollapseLines: script.paste_collapse_lines ?? DEFAULT_PASTE_COLLAPSE_LINES,
      },
      {
        terminal: {
          write: (data) => process.stdout.write(data),
          size: () => ({ columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 }),
        },
        script: new ScriptRunner(script),
        transcript,
        mcp,
        onExit: (code) => restoreAndExit(code),
      },
    );
  } catch (error) {
    if (error instanceof TeamAgentError) fail(2, error.message, error.action);
    throw error;
  }

  const decoder = new StringDecoder("utf8");
  const input = new InputDecoder((event) => agent.handle(event));
  function restoreAndExit(code: number): void {
    input.dispose();
    // Like the real CLIs, the last screen stays; the shell prompt (if any) follows below it.
    process.stdout.write(`${BRACKETED_PASTE_OFF}\x1b[${process.stdout.rows || 24};1H\r\n`);
    try {
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
    } catch {
      // the terminal is already gone (pane closed)
    }
    process.exit(code);
  }
  // Whatever way the process ends, the MCP server it started must not outlive it.
  process.on("exit", () => mcp?.killNow());

  // When tmux closes the pane the terminal is gone: a failed write must not turn a clean exit into a crash.
  process.stdout.on("error", () => undefined);
  process.stdin.setRawMode(true);
  process.stdout.write(`${BRACKETED_PASTE_ON}\x1b[2J`);
  process.stdin.on("data", (chunk: Buffer) => input.feed(decoder.write(chunk)));
  process.stdout.on("resize", () => agent.render());
  const stop = (code: number) => {
    void agent.shutdown(code);
    // A clean shutdown takes milliseconds; never hang on a stuck server.
    setTimeout(() => restoreAndExit(code), SHUTDOWN_DEADLINE_MS);
  };
  for (const [signal, code] of [
    ["SIGHUP", 129],
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(signal, () => stop(code));
  }
  // A closed pty can also show up as a read error or end of input before (or instead of) SIGHUP.
  process.stdin.on("error", () => stop(129));
  process.stdin.on("end", () => stop(129));
  agent.start();
}

main();
