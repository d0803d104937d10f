/**
 * The launch plans against the installed Claude Code 2.1.332 (only with TEAM_AGENT_REAL_CLI=1, and skipped when it is not at /tmp/clis): the CLI must
 * accept every flag, start the team MCP server with the worker's identity and reach its input prompt without a
 * dialog. Each test runs a private tmux server that is killed afterwards; no model endpoint is needed.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { LaunchPlan, WorkerLaunchSpec } from "@team-agent/provider-registry";
import { classifyScreen } from "@team-agent/tmux-prompt";
import { afterEach, describe, expect, it } from "vitest";
import { createClaudeCodePlugin } from "../../src/plugin.js";
import { claudeCodeSignatures } from "../../src/screen/signatures.js";
import { FIXTURES, mcp, tempDir, worker } from "../helpers.js";

const BIN = "/tmp/clis/node_modules/.bin";
// Opt-in (TEAM_AGENT_REAL_CLI=1): the CLI lives outside the repo, so CI stays hermetic on every machine.
const available = process.env.TEAM_AGENT_REAL_CLI === "1" && existsSync(join(BIN, "claude"));
const servers: string[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Runs before the helpers' temp-dir cleanup (after-hooks run in reverse order): the CLI writes to its home as it
// exits, so wait for it to be gone before its dirs are removed.
afterEach(async () => {
  while (servers.length > 0) {
    const server = servers.pop() as string;
    let pid = 0;
    try {
      pid = Number(
        execFileSync("tmux", ["-L", server, "display", "-p", "-t", "0", "#{pane_pid}"], { encoding: "utf8" }),
      );
      execFileSync("tmux", ["-L", server, "kill-server"], { stdio: "ignore" });
    } catch {
      // Already gone.
    }
    const deadline = Date.now() + 10_000;
    while (pid > 0 && alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
});

function start(plan: LaunchPlan, cwd: string, env: Record<string, string>): () => string {
  const server = `ta-test-${randomBytes(6).toString("hex")}`;
  servers.push(server);
  const vars = Object.entries({ ...env, ...plan.env }).map(([k, v]) => `${k}=${v}`);
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", server, ...args], { encoding: "utf8" });
  tmux("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "45", "-c", cwd, "env", "-i", ...vars, ...plan.argv);
  tmux("set-option", "-g", "remain-on-exit", "on");
  return () => tmux("capture-pane", "-p", "-t", "0");
}

async function until(what: string, test: () => boolean, capture: () => string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${capture()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function setup(spec: Partial<WorkerLaunchSpec>, pretrust: boolean) {
  const ws = tempDir();
  const home = tempDir();
  writeFileSync(
    join(home, ".claude.json"),
    JSON.stringify({
      hasCompletedOnboarding: true,
      ...(pretrust ? { projects: { [ws]: { hasTrustDialogAccepted: true } } } : {}),
    }),
  );
  const log = join(tempDir(), "mcp.log");
  const launch = mcp({ command: process.execPath, args: [join(FIXTURES, "mcp-stub.mjs"), log, "--workspace", ws] });
  const plan = createClaudeCodePlugin({ home }).buildLaunch(worker({ workspace: ws, ...spec }), launch);
  const env = {
    PATH: `${BIN}:${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: home,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    // Nothing listens here: the CLI must still come up (it calls the model only when a message is sent).
    ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
    ANTHROPIC_AUTH_TOKEN: "dummy-token-for-tests",
    DISABLE_AUTOUPDATER: "1",
    // Otherwise a first start clones the official plugin marketplace from GitHub in the background.
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    // The tests may run as root, where the CLI allows the bypass flag only in a declared sandbox.
    IS_SANDBOX: "1",
  };
  return { ws, log, plan, env };
}

async function expectReadyWithMcp(capture: () => string, log: string): Promise<string> {
  await until(
    "input_ready",
    () => classifyScreen(capture(), { signatures: claudeCodeSignatures }).kind === "input_ready",
    capture,
  );
  await until("the MCP server to start", () => existsSync(log), capture);
  const started = JSON.parse(readFileSync(log, "utf8").split("\n")[0]!);
  expect(started).toMatchObject({ TEAM_AGENT_ID: "dev-1", TEAM_AGENT_OWNER_TEAM_ID: "alpha" });
  const screen = capture();
  expect(screen).not.toMatch(/matches no tool|unknown option|error:/i);
  return screen;
}

describe.skipIf(!available)("launch plans on the real Claude Code", () => {
  it("native, restricted tools: flags accepted, MCP server started with the worker's ids", async () => {
    const { ws, log, plan, env } = setup({ tools: ["fs_read", "mcp_team"], model: "claude-test-model" }, true);
    const capture = start(plan, ws, env);
    const screen = await expectReadyWithMcp(capture, log);
    expect(screen).toMatch(/manual mode on/);
  });

  it("native, dangerous auto-approve: no bypass warning dialog", async () => {
    const { ws, log, plan, env } = setup({ dangerousAutoApprove: true }, true);
    const capture = start(plan, ws, env);
    const screen = await expectReadyWithMcp(capture, log);
    expect(screen).toMatch(/bypass permissions on/);
  });

  it("compatible API with a managed config dir: no trust dialog, MCP server from .claude.json", async () => {
    const configDir = tempDir();
    const { ws, log, plan, env } = setup({ authMode: "compatible_api", providerConfigDir: configDir }, false);
    for (const file of plan.files) writeFileSync(file.path, file.content, { mode: file.mode });
    const capture = start(plan, ws, env);
    await expectReadyWithMcp(capture, log);
  });
});
