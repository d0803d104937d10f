/**
 * `team-agent demo` and `team-agent e2e` as a user runs them: the real bin, a real team of the fake provider, the real
 * daemon and MCP server. Each run must print the three results and leave no tmux server, daemon, pane program or
 * temp dir behind — also when it is interrupted with Ctrl-C. TMPDIR points at a folder of the test, so "no temp dir
 * left" can be checked exactly.
 */
import { type ChildProcessByStdio, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_WORKERS, processesUsing, reapProcesses, removeTmuxSocket, waitUntil } from "../../src/commands/demo.js";
import { BIN, teamAgent } from "../helpers/cli.js";

const RUN_TIMEOUT = 120_000;
const roots: string[] = [];
const keptServers: string[] = [];
afterEach(async () => {
  for (const socket of keptServers.splice(0)) {
    spawnSync("tmux", ["-L", socket, "kill-server"]);
    removeTmuxSocket(socket);
  }
  for (const root of roots.splice(0)) {
    await reapProcesses(root);
    rmSync(root, { recursive: true, force: true });
  }
});

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "ta-demo-test-"));
  roots.push(root);
  return root;
}

const demoDirs = (root: string) => readdirSync(root).filter((name) => name.startsWith("team-agent-demo-"));
const serverAlive = (socket: string) => spawnSync("tmux", ["-L", socket, "has-session"]).status === 0;

function socketOf(output: string): string {
  const socket = /tmux -L (\S+) attach/.exec(output)?.[1];
  if (socket === undefined) throw new Error(`no attach line in:\n${output}`);
  return socket;
}

/** Nothing of the run is left: no temp workspace, no tmux server, no process working in the workspace. */
/** What a stuck demo was doing (its output, and its daemon's log and events while its workspace exists). */
function demoState(stdout: string, stderr: string): string {
  const workspace = /workspace: (\S+)/.exec(stdout)?.[1];
  const tail = (path: string) => (existsSync(path) ? readFileSync(path, "utf8").split("\n").slice(-40).join("\n") : "");
  const runtime = workspace ? join(workspace, ".team", "runtime") : "";
  const logs = runtime && existsSync(runtime) ? readdirSync(runtime).filter((name) => name.endsWith(".log")) : [];
  return [
    `--- stdout\n${stdout}`,
    `--- stderr\n${stderr}`,
    ...logs.map((name) => `--- ${name}\n${tail(join(runtime, name))}`),
    workspace ? `--- events\n${tail(join(workspace, ".team", "logs", "events.jsonl"))}` : "",
  ].join("\n");
}

function expectCleanedUp(root: string, socket: string, workspace: string): void {
  expect(demoDirs(root)).toEqual([]);
  expect(existsSync(workspace)).toBe(false);
  expect(serverAlive(socket)).toBe(false);
  expect(processesUsing(workspace)).toEqual([]);
}

describe("team-agent demo", () => {
  it(
    "runs a 3-worker fake team live, prints every result as it reaches the lead, and cleans up everything",
    async () => {
      const root = tempRoot();
      const run = await teamAgent(["demo"], { cwd: root, env: { TMPDIR: root }, timeoutMs: RUN_TIMEOUT });
      expect(run.code, run.stderr).toBe(0);
      const socket = socketOf(run.stdout);
      const workspace = /workspace: (\S+)/.exec(run.stdout)?.[1] as string;
      expect(workspace.startsWith(root)).toBe(true);
      for (const worker of DEMO_WORKERS) {
        const resultLine = run.stdout.split("\n").find((line) => line.includes(`result from ${worker.id}`));
        expect(resultLine).toContain(`success: ${worker.summary}`);
        expect(run.stdout).toContain(`the lead has the result of ${worker.id}`);
        expect(run.stdout).toContain(`leader → ${worker.id}`);
      }
      expect(run.stdout).toContain("All 3 results reached the lead");
      expect(run.stdout.indexOf("result from scout")).toBeLessThan(
        run.stdout.indexOf("the lead has the result of scout"),
      );
      expectCleanedUp(root, socket, workspace);
    },
    RUN_TIMEOUT,
  );

  /**
   * Starts `team-agent demo`, waits until the team is working (first delivery), lets `interrupt` stop it, and checks
   * that it exits 1 saying so, with nothing left behind.
   */
  async function interruptedRun(interrupt: (child: ChildProcessByStdio<null, Readable, Readable>) => void) {
    const root = tempRoot();
    const child = spawn(process.execPath, [...BIN.nodeArgs, "demo"], {
      cwd: root,
      env: { ...process.env, TMPDIR: root, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await waitUntil(() => stdout.includes("delivered to"), "the first delivery", 60_000).catch((error: unknown) => {
        throw new Error(`${error}\n${demoState(stdout, stderr)}`);
      });
      const socket = socketOf(stdout);
      const workspace = /workspace: (\S+)/.exec(stdout)?.[1] as string;
      expect(serverAlive(socket)).toBe(true);
      interrupt(child);
      expect(await exited).toBe(1);
      expect(stderr).toContain("interrupted");
      expect(stdout).not.toContain("All 3 results");
      expectCleanedUp(root, socket, workspace);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }

  it(
    "cleans up when interrupted with Ctrl-C in the middle of the run",
    () => interruptedRun((child) => child.kill("SIGINT")),
    RUN_TIMEOUT,
  );

  it(
    "cleans up when its output is closed mid-run (`team-agent demo | head`)",
    () => interruptedRun((child) => child.stdout.destroy()),
    RUN_TIMEOUT,
  );

  it(
    "--keep leaves the team running and says how to stop it",
    async () => {
      const root = tempRoot();
      const run = await teamAgent(["demo", "--keep", "--json"], {
        cwd: root,
        env: { TMPDIR: root },
        timeoutMs: RUN_TIMEOUT,
      });
      expect(run.code, run.stderr).toBe(0);
      const result = run.json<{ tmux_socket: string; workspace: string; kept: boolean; stop_commands: string[] }>();
      keptServers.push(result.tmux_socket);
      expect(result.kept).toBe(true);
      expect(serverAlive(result.tmux_socket)).toBe(true);
      expect(existsSync(result.workspace)).toBe(true);
      expect(result.stop_commands).toEqual([
        `team-agent shutdown --workspace ${result.workspace}`,
        `tmux -L ${result.tmux_socket} kill-server`,
        `rm -rf ${result.workspace}`,
      ]);
      // The daemon exits on its own once its team's tmux session is gone.
      spawnSync("tmux", ["-L", result.tmux_socket, "kill-server"]);
      await waitUntil(() => processesUsing(result.workspace).length === 0, "the kept team's processes to end", 30_000);
    },
    RUN_TIMEOUT,
  );
});

describe("team-agent e2e", () => {
  it(
    "runs the same loop quietly and answers with one JSON result",
    async () => {
      const root = tempRoot();
      const run = await teamAgent(["e2e", "--json"], { cwd: root, env: { TMPDIR: root }, timeoutMs: RUN_TIMEOUT });
      expect(run.code, run.stderr).toBe(0);
      const result = run.json<{
        ok: boolean;
        cleaned_up: boolean;
        providers: { fake: { ok: boolean; results: { agent_id: string }[]; tmux_socket: string; workspace: string } };
      }>();
      expect(result.ok).toBe(true);
      expect(result.cleaned_up).toBe(true);
      expect(result.providers.fake.results.map((each) => each.agent_id).sort()).toEqual(
        DEMO_WORKERS.map((worker) => worker.id).sort(),
      );
      expectCleanedUp(root, result.providers.fake.tmux_socket, result.providers.fake.workspace);
    },
    RUN_TIMEOUT,
  );
});
