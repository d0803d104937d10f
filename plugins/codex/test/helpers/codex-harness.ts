/**
 * Runs the REAL Codex CLI for integration tests and fixture recording: a throwaway CODEX_HOME and workspace
 * under the OS temp dir, a scripted local model endpoint (@team-agent/scripted-model), a private tmux server
 * (`-L ta-test-<random>`), and workers started from this plugin's own launch plans. `stop()` kills the tmux
 * server, stops Codex's app-server daemon for the home (and its leftover `pid-update-loop` helper, by pid),
 * closes the endpoint and removes the temp dir.
 *
 * The CLI is looked up at $TEAM_AGENT_CODEX_BIN, else /tmp/clis/node_modules/.bin/codex (installed outside the
 * repo); tests run only with TEAM_AGENT_REAL_CLI=1 and skip when it is absent.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CanonicalTool, LaunchPlan, McpServerLaunch, WorkerLaunchSpec } from "@team-agent/provider-registry";
import { type Script, type ScriptedModel, startScriptedModel } from "@team-agent/scripted-model";
import { SpawnTransport, TmuxClient } from "@team-agent/tmux-prompt";

export const CODEX_BIN = process.env.TEAM_AGENT_CODEX_BIN ?? "/tmp/clis/node_modules/.bin/codex";
export const STUB_MCP_SERVER = new URL("../fixtures/mcp/stub-server.mjs", import.meta.url).pathname;

/**
 * Real-CLI tests are opt-in (`TEAM_AGENT_REAL_CLI=1`): the CLI is installed outside the repo, so CI stays hermetic
 * and the same on every machine; the real-CLI end-to-end suite runs them on purpose.
 */
export function codexAvailable(): boolean {
  if (process.env.TEAM_AGENT_REAL_CLI !== "1") return false;
  try {
    return existsSync(CODEX_BIN) && /codex-cli/.test(execFileSync(CODEX_BIN, ["--version"], { encoding: "utf8" }));
  } catch {
    return false;
  }
}

export async function waitUntil<T>(
  what: string,
  probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface Harness {
  root: string;
  codexHome: string;
  workspace: string;
  model: ScriptedModel;
  socketName: string;
  client: TmuxClient;
  mcpLog: string;
  /** A worker spec for this harness (compatible API pointing at the local endpoint). */
  worker(agentId: string, overrides?: Partial<WorkerLaunchSpec>): WorkerLaunchSpec;
  mcp(): McpServerLaunch;
  /** Starts a plan in a new window (the first call creates the session); returns the pane id. */
  start(name: string, plan: LaunchPlan): Promise<string>;
  screen(pane: string): Promise<string>;
  waitForScreen(pane: string, pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** What the endpoint answers from now on. */
  setScript(script: Script): void;
  stop(): Promise<void>;
}

const WORKER_TOOLS: CanonicalTool[] = ["fs_read", "fs_write", "fs_list", "execute_bash", "mcp_team"];

export async function startHarness(options: { width?: number; height?: number } = {}): Promise<Harness> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "ta-codex-")));
  const codexHome = join(root, "codex-home");
  const workspace = join(root, "workspace");
  mkdirSync(codexHome, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const mcpLog = join(root, "mcp.log");
  const model = await startScriptedModel();
  const socketName = `ta-test-${randomBytes(6).toString("hex")}`;
  const client = new TmuxClient(new SpawnTransport({ socketName }, { configFile: "/dev/null" }));
  const session = "codex";
  let sessionStarted = false;

  const paneEnv = (plan: LaunchPlan): Record<string, string> => ({
    HOME: root,
    PATH: `${dirname(CODEX_BIN)}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    // A dummy key: the local endpoint accepts anything. Real keys come from the agent's 0600 env file.
    TEAM_AGENT_PROVIDER_API_KEY: "dummy-test-key",
    ...plan.env,
  });

  const harness: Harness = {
    root,
    codexHome,
    workspace,
    model,
    socketName,
    client,
    mcpLog,
    worker(agentId, overrides = {}) {
      return {
        teamId: "rec",
        agentId,
        role: "worker",
        workspace,
        model: "test-model",
        authMode: "compatible_api",
        tools: WORKER_TOOLS,
        systemPrompt: `You are Team Agent worker ${agentId}.\nReport with "report_result" when done.`,
        dangerousAutoApprove: false,
        providerConfigDir: codexHome,
        profileSettings: { BASE_URL: `${model.url}/v1`, MODEL_PROVIDER: "teamlocal" },
        ...overrides,
      };
    },
    mcp() {
      return {
        name: "team_orchestrator",
        command: process.execPath,
        args: [STUB_MCP_SERVER, "--workspace", workspace],
        env: { STUB_MCP_LOG: mcpLog },
      };
    },
    async start(name, plan) {
      if (!sessionStarted) {
        // A quiet first window keeps the server alive while worker windows come and go.
        const keeper = await client.newSession({
          name: session,
          window: "keeper",
          width: options.width ?? 160,
          height: options.height ?? 45,
          command: ["sleep", "infinity"],
        });
        if (!keeper.ok) throw new Error(`tmux could not start: ${keeper.error}`);
        sessionStarted = true;
      }
      const made = await client.newWindow({
        session,
        name,
        command: [...plan.argv],
        cwd: workspace,
        env: paneEnv(plan),
      });
      if (!made.ok || !made.paneId) throw new Error(`tmux could not start ${name}: ${made.error}`);
      return made.paneId;
    },
    async screen(pane) {
      return (await client.capturePane(pane)).text;
    },
    waitForScreen(pane, pattern, timeoutMs = 30_000) {
      return waitUntil(
        `${pattern} on ${pane}`,
        async () => {
          const text = await harness.screen(pane);
          return pattern.test(text) ? text : null;
        },
        timeoutMs,
      );
    },
    setScript(script) {
      model.setScript(script);
    },
    async stop() {
      await client.killServer().catch(() => undefined);
      try {
        execFileSync(CODEX_BIN, ["app-server", "daemon", "stop"], {
          env: { ...process.env, HOME: root, CODEX_HOME: codexHome },
          stdio: "ignore",
          timeout: 15_000,
        });
      } catch {
        /* no daemon was started for this home */
      }
      killDaemonHelpers(root);
      await model.close();
      rmSync(join("/tmp", `tmux-${process.getuid?.() ?? 0}`, socketName), { force: true });
      rmSync(root, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * Codex 0.169's `daemon stop` leaves its `app-server daemon pid-update-loop` helper running; end the ones that
 * belong to our throwaway dir, by pid.
 */
function killDaemonHelpers(root: string): void {
  const ps = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  for (const line of ps.split("\n")) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m?.[2]?.includes(root) && m[2].includes("pid-update-loop")) {
      try {
        process.kill(Number(m[1]), "SIGTERM");
      } catch {
        /* already gone */
      }
    }
  }
}

/** Writes Codex's update-check cache so that, if the check ran, it would offer a newer version. */
export function pretendNewerVersion(codexHome: string): void {
  writeFileSync(
    join(codexHome, "version.json"),
    JSON.stringify({ latest_version: "0.999.0", last_checked_at: new Date().toISOString(), dismissed_version: null }),
  );
}
