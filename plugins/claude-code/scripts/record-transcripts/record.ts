/**
 * Records REAL Claude Code transcripts (and checks this plugin's launch plans against the real CLI) offline.
 *
 *   npx tsx scripts/record-transcripts/record.ts [--bin DIR] [--out DIR]
 *
 * Runs the installed CLI (default /tmp/clis/node_modules/.bin, outside the repo) in private tmux servers with
 * throwaway HOME / CLAUDE_CONFIG_DIR dirs, against a scripted local model endpoint, using the argv and
 * files this plugin's `buildLaunch` produces. Copies the transcripts into test/fixtures/transcripts/ as
 * `claude-code-<version>-<what>.jsonl` and prints what it verified (project dir names, MCP env, tools offered).
 * Every tmux server and the endpoint are stopped at the end, and the temp dirs removed.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { McpServerLaunch, WorkerLaunchSpec } from "@team-agent/provider-registry";
import { always, type ModelRequest, type ScriptedModel, startScriptedModel } from "@team-agent/scripted-model";
import { classifyScreen } from "@team-agent/tmux-prompt";
import { buildLaunch, type LaunchDeps } from "../../src/launch/build.js";
import { claudeCodeSignatures } from "../../src/screen/signatures.js";
import { newSessionId } from "../../src/session-id.js";

const { values } = parseArgs({
  options: {
    bin: { type: "string", default: "/tmp/clis/node_modules/.bin" },
    out: { type: "string", default: join(import.meta.dirname, "../../test/fixtures/transcripts") },
  },
});
const binDir = values.bin as string;
const outDir = values.out as string;
const version = execFileSync(join(binDir, "claude"), ["--version"], { encoding: "utf8" }).trim().split(" ")[0] ?? "";
const root = mkdtempSync("/tmp/ta-cc-rec-");
const servers: { server: string; pid: number }[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const report: Record<string, unknown> = { version };

const deps: LaunchDeps = {
  newSessionId,
  readText: (path) => (existsSync(path) ? readFileSync(path, "utf8") : null),
  realpath: (path) => path,
  checkResumable: null,
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tmux(server: string, ...args: string[]): string {
  return execFileSync("tmux", ["-L", server, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

interface Pane {
  server: string;
  capture(): string;
  type(text: string): void;
  keys(...keys: string[]): void;
}

/** Starts `argv` directly (no shell) in a fresh private tmux server. */
function startPane(name: string, cwd: string, env: Record<string, string>, argv: string[]): Pane {
  const server = `ta-rec-cc-${process.pid}-${name}`;
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  tmux(
    server,
    "-f",
    "/dev/null",
    "new-session",
    "-d",
    "-x",
    "160",
    "-y",
    "45",
    "-c",
    cwd,
    "env",
    "-i",
    ...envArgs,
    ...argv,
  );
  tmux(server, "set-option", "-g", "status", "off");
  tmux(server, "set-option", "-g", "remain-on-exit", "on");
  servers.push({ server, pid: Number(tmux(server, "display", "-p", "-t", "0", "#{pane_pid}")) });
  return {
    server,
    capture: () => tmux(server, "capture-pane", "-p", "-t", "0"),
    type: (text) => tmux(server, "send-keys", "-t", "0", "-l", text),
    keys: (...keys) => tmux(server, "send-keys", "-t", "0", ...keys),
  };
}

async function waitFor(what: string, test: () => boolean, pane: Pane, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${pane.capture()}`);
    await sleep(200);
  }
}

const kindOf = (pane: Pane) => classifyScreen(pane.capture(), { signatures: claudeCodeSignatures }).kind;

async function waitReady(pane: Pane, timeoutMs = 60_000): Promise<void> {
  // Two ready frames in a row: one frame cannot tell "just submitted" from "idle".
  let streak = 0;
  await waitFor(
    "input_ready",
    () => {
      streak = kindOf(pane) === "input_ready" ? streak + 1 : 0;
      return streak >= 3;
    },
    pane,
    timeoutMs,
  );
}

async function send(pane: Pane, text: string): Promise<void> {
  pane.type(text);
  await sleep(400);
  pane.keys("Enter");
}

function snapshot(transcript: string, what: string): void {
  const target = join(outDir, `claude-code-${version}-${what}.jsonl`);
  copyFileSync(transcript, target);
  process.stdout.write(`saved ${target}\n`);
}

/** Waits until the transcript's last record is of `type` (and passes `test`), i.e. the CLI has flushed it. */
async function waitRecord(
  pane: Pane,
  transcript: string,
  test: (record: Record<string, unknown>) => boolean,
  timeoutMs = 240_000,
) {
  await waitFor(
    `a transcript record in ${transcript}`,
    () => {
      if (!existsSync(transcript)) return false;
      const lines = readFileSync(transcript, "utf8").trim().split("\n");
      return lines.some((line) => {
        try {
          return test(JSON.parse(line) as Record<string, unknown>);
        } catch {
          return false;
        }
      });
    },
    pane,
    timeoutMs,
  );
}

const mcpStub = join(import.meta.dirname, "../../test/fixtures/mcp-stub.mjs");
function mcpFor(logFile: string): McpServerLaunch {
  return {
    name: "team_orchestrator",
    command: process.execPath,
    args: [mcpStub, logFile, "--workspace", "ws"],
    // The plugin must override these two with the worker's own ids.
    env: { TEAM_AGENT_ID: "wrong-agent", TEAM_AGENT_OWNER_TEAM_ID: "", TEAM_AGENT_WORKSPACE: "ws" },
  };
}

function worker(overrides: Partial<WorkerLaunchSpec>): WorkerLaunchSpec {
  return {
    teamId: "rec-team",
    agentId: "dev-1",
    role: "developer",
    workspace: root,
    model: "claude-test-model",
    authMode: "subscription",
    tools: ["fs_read", "fs_write", "fs_list", "execute_bash", "mcp_team"],
    // Starts with "-" on purpose: the CLI must take it as the flag's value, not as an option.
    systemPrompt: "- You are Team Agent worker dev-1.\n- Answer briefly.",
    dangerousAutoApprove: false,
    providerConfigDir: null,
    profileSettings: {},
    ...overrides,
  };
}

function baseEnv(model: ScriptedModel, home: string): Record<string, string> {
  return {
    PATH: `${binDir}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    ANTHROPIC_BASE_URL: model.url,
    // An auth token (not an API key) so no "use this API key?" dialog; checked below.
    ANTHROPIC_AUTH_TOKEN: "dummy-token-for-local-testing",
    CLAUDE_CODE_MAX_RETRIES: "2",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: "1",
  };
}

/** The model requests (with their bodies) logged from index `from` on: one recording session's requests. */
function requestsSince(model: ScriptedModel, from: number): ModelRequest[] {
  return model.requests.slice(from).flatMap((entry) => (entry.request ? [entry.request] : []));
}

/** Whether any request body sent to the model mentions `text` (MCP tools are listed as deferred tools by name). */
function requestsMention(requests: ModelRequest[], text: string): boolean {
  return requests.some((request) => JSON.stringify(request.body).includes(text));
}

/** Session A: subscription-style native launch (MCP flags, manual permission mode), a symlinked cwd. */
async function nativeSession(model: ScriptedModel): Promise<void> {
  const realWs = join(root, "ws_native.team");
  mkdirSync(realWs, { recursive: true });
  const linkWs = join(root, "link-to-ws");
  symlinkSync(realWs, linkWs);
  const home = join(root, "home-native");
  mkdirSync(home, { recursive: true });
  // The runtime answers the trust dialog through its trust policy; here the workspace is pre-trusted.
  writeFileSync(
    join(home, ".claude.json"),
    JSON.stringify({
      hasCompletedOnboarding: true,
      projects: { [realWs]: { hasTrustDialogAccepted: true }, [linkWs]: { hasTrustDialogAccepted: true } },
    }),
  );
  const mcpLog = join(root, "mcp-native.log");
  const spec = worker({ workspace: realWs, tools: ["fs_read", "fs_list", "mcp_team"] });
  const plan = buildLaunch(spec, mcpFor(mcpLog), deps);
  report.native_argv = plan.argv;
  report.native_session_id = plan.predeterminedSessionId;
  report.native_workspace = realWs;
  report.native_spawn_cwd = linkWs;
  const pane = startPane("native", linkWs, { ...baseEnv(model, home), ...plan.env }, plan.argv);
  await waitReady(pane);
  report.native_first_screen_kind = kindOf(pane);

  const projects = join(home, ".claude", "projects");
  const id = plan.predeterminedSessionId as string;
  model.setScript([always([{ text: "Hello from the local test model. Short answer." }])]);
  await send(pane, "hello, please answer briefly");
  const dirName = await waitDir(pane, projects);
  const transcript = join(projects, dirName, `${id}.jsonl`);
  report.native_project_dir = dirName;
  await waitRecord(pane, transcript, (r) => r.type === "assistant");
  await waitReady(pane);
  snapshot(transcript, "turn-complete");

  // Interrupted before the model sent any text: 2.1.332 writes no interrupt record at all.
  model.setScript([always([{ text: "This answer is never finished.", holdMs: 60_000 }])]);
  await send(pane, "start a long answer");
  await waitFor("busy", () => kindOf(pane) === "busy", pane);
  await sleep(1500);
  pane.keys("Escape");
  await waitReady(pane);
  await sleep(1000);
  pane.keys("C-u");
  snapshot(transcript, "interrupted-before-output");

  // Interrupted while text streams in.
  const words = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(" ");
  model.setScript([always([{ text: words }])]);
  await send(pane, "write a very long answer");
  await waitFor("busy", () => kindOf(pane) === "busy", pane);
  await sleep(3000); // the 3000 words stream for about 30 s
  pane.keys("Escape");
  await waitRecord(pane, transcript, (r) => JSON.stringify(r).includes("[Request interrupted by user"), 30_000);
  await waitReady(pane);
  pane.keys("C-u");
  snapshot(transcript, "interrupted");

  model.setScript([always([{ error: 400, message: "Injected bad request for testing" }])]);
  await send(pane, "trigger a 400");
  await waitRecord(pane, transcript, (r) => r.isApiErrorMessage === true);
  await waitReady(pane);
  pane.keys("C-u");
  snapshot(transcript, "api-error-400");

  model.setScript([always([{ error: 429, message: "Rate limit reached for testing" }])]);
  await send(pane, "trigger a 429");
  await waitRecord(pane, transcript, (r) => r.isApiErrorMessage === true && JSON.stringify(r).includes("429"));
  await waitReady(pane);
  pane.keys("C-u");
  snapshot(transcript, "api-error-429-retried");
  model.setScript([]);

  report.native_mcp_log = readFileSync(mcpLog, "utf8").trim().split("\n").slice(0, 3);
}

async function waitDir(pane: Pane, projects: string): Promise<string> {
  let name = "";
  await waitFor(
    `a project dir in ${projects}`,
    () => {
      if (!existsSync(projects)) return false;
      name = readdirSync(projects)[0] ?? "";
      return name !== "";
    },
    pane,
  );
  return name;
}

/** Session B: compatible API with a managed config dir (files, not flags), bypass mode, a long odd cwd. */
async function managedSession(model: ScriptedModel): Promise<void> {
  // Over 200 encoded characters, with `.`, `_`, a non-ASCII and a non-BMP character.
  const ws = join(root, "wörk_space.b", "😀-emoji", "a-rather-long-directory-name-for-testing".repeat(4));
  mkdirSync(ws, { recursive: true });
  const home = join(root, "home-managed");
  const configDir = join(root, "provider-config", "dev-2", "claude");
  mkdirSync(home, { recursive: true });
  mkdirSync(configDir, { recursive: true });
  const mcpLog = join(root, "mcp-managed.log");
  const spec = worker({
    agentId: "dev-2",
    workspace: ws,
    authMode: "compatible_api",
    providerConfigDir: configDir,
    dangerousAutoApprove: true,
  });
  const plan = buildLaunch(spec, mcpFor(mcpLog), deps);
  for (const file of plan.files) writeFileSync(file.path, file.content, { mode: file.mode });
  report.managed_argv = plan.argv;
  report.managed_session_id = plan.predeterminedSessionId;
  report.managed_workspace = ws;
  // Root may only bypass permissions inside a sandbox it declares (the recordings run as root).
  const pane = startPane("managed", ws, { ...baseEnv(model, home), ...plan.env, IS_SANDBOX: "1" }, plan.argv);
  await waitReady(pane);
  report.managed_first_screen_kind = kindOf(pane);

  const projects = join(configDir, "projects");
  const id = plan.predeterminedSessionId as string;
  model.setScript([always([{ shell: "ls -a" }, { text: "The folder is empty." }])]);
  await send(pane, "list the files here");
  const dirName = await waitDir(pane, projects);
  report.managed_project_dir = dirName;
  const transcript = join(projects, dirName, `${id}.jsonl`);
  await waitRecord(pane, transcript, (r) => (r.message as { stop_reason?: string })?.stop_reason === "end_turn");
  await waitReady(pane);
  snapshot(transcript, "tool-use");

  model.setScript([always([{ shell: "echo failing; exit 3" }, { text: "The command failed." }])]);
  await send(pane, "run the failing command");
  await waitRecord(pane, transcript, (r) => JSON.stringify(r).includes('"is_error":true'));
  await waitReady(pane);
  snapshot(transcript, "tool-error");

  model.setScript([always([{ shell: "timeout 60 tail -f /dev/null; echo waited" }, { text: "Waited." }])]);
  await send(pane, "wait for a minute");
  await waitRecord(pane, transcript, (r) => JSON.stringify(r).includes("tail -f"));
  await sleep(2000);
  pane.keys("Escape");
  await waitRecord(pane, transcript, (r) => JSON.stringify(r).includes("[Request interrupted by user"));
  await waitReady(pane);
  pane.keys("C-u");
  snapshot(transcript, "interrupted-tool-use");
  model.setScript([]);

  report.managed_mcp_log = readFileSync(mcpLog, "utf8").trim().split("\n").slice(0, 3);
  report.managed_claude_json_keys = Object.keys(JSON.parse(readFileSync(join(configDir, ".claude.json"), "utf8")));
}

/** Session C: native launch with the bypass flag: the warning dialog must not appear (flag settings). */
async function nativeBypassSession(model: ScriptedModel): Promise<void> {
  const ws = join(root, "ws-bypass");
  const home = join(root, "home-bypass");
  mkdirSync(ws, { recursive: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, ".claude.json"),
    JSON.stringify({ hasCompletedOnboarding: true, projects: { [ws]: { hasTrustDialogAccepted: true } } }),
  );
  const plan = buildLaunch(
    worker({ workspace: ws, dangerousAutoApprove: true }),
    mcpFor(join(root, "mcp-bypass.log")),
    deps,
  );
  const pane = startPane("bypass", ws, { ...baseEnv(model, home), ...plan.env, IS_SANDBOX: "1" }, plan.argv);
  await waitFor("input_ready or a dialog", () => ["input_ready", "numbered_menu"].includes(kindOf(pane)), pane);
  await sleep(1500);
  report.bypass_screen_kind = kindOf(pane);
  report.bypass_warning_shown = /bypass permissions mode/i.test(pane.capture());
}

const model = await startScriptedModel({ logFile: join(root, "model.log") });
mkdirSync(outDir, { recursive: true });
try {
  await nativeSession(model);
  const native = requestsSince(model, 0);
  report.native_tools = native.findLast((request) => request.tools.length > 0)?.tools;
  report.native_requests_mention_mcp_tool = requestsMention(native, "mcp__team_orchestrator__report_result");
  const managedFrom = model.requests.length;
  await managedSession(model);
  const managed = requestsSince(model, managedFrom);
  report.managed_tools = managed.findLast((request) => request.tools.length > 0)?.tools;
  report.managed_requests_mention_mcp_tool = requestsMention(managed, "mcp__team_orchestrator__report_result");
  await nativeBypassSession(model);
  const reportFile = join(outDir, `claude-code-${version}-recording.json`);
  writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`saved ${reportFile}\n`);
} finally {
  for (const { server, pid } of servers) {
    try {
      tmux(server, "kill-server");
    } catch {
      // Already gone.
    }
    // The CLI writes to its home as it exits: wait for it before removing the dirs.
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  }
  await model.close();
  if (!process.env.KEEP_REC) rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
}
