/** Shared test setup: temp dirs removed after each test, the fixture team server, a worker spec, polling. */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { McpServerLaunch, WorkerLaunchSpec } from "@team-agent/provider-registry";
import { afterEach } from "vitest";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `fn` after the current test, even when it fails (last registered runs first). */
export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}

export function tempDir(prefix = "ta-fake-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const TEAM_SERVER_SCRIPT = fileURLToPath(new URL("../fixtures/team-server.ts", import.meta.url));
const TSX_LOADER = import.meta.resolve("tsx");

/** The fixture team server as the coordinator would describe it to a plugin. */
export function teamServerLaunch(callLog: string, agentId: string, teamId = "alpha"): McpServerLaunch {
  return {
    name: "team_orchestrator",
    command: process.execPath,
    args: ["--import", TSX_LOADER, TEAM_SERVER_SCRIPT],
    env: { TEAM_AGENT_ID: agentId, TEAM_AGENT_OWNER_TEAM_ID: teamId, FAKE_TEST_CALL_LOG: callLog },
  };
}

export interface LoggedCall {
  pid: number;
  tool?: string;
  event?: string;
  arguments?: Record<string, unknown>;
  env_agent?: string | null;
}

export function readCalls(callLog: string): LoggedCall[] {
  if (!existsSync(callLog)) return [];
  return readFileSync(callLog, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LoggedCall);
}

export function workerSpec(workspace: string, overrides: Partial<WorkerLaunchSpec> = {}): WorkerLaunchSpec {
  return {
    teamId: "alpha",
    agentId: "dev",
    role: "developer",
    workspace,
    model: null,
    authMode: "subscription",
    tools: ["fs_read", "mcp_team"],
    systemPrompt: "You are worker dev.",
    dangerousAutoApprove: false,
    providerConfigDir: null,
    profileSettings: {},
    ...overrides,
  };
}

/** Polls `check` until it returns a value other than undefined/null/false; throws with `what` after the deadline. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** True while a process with this pid runs. A zombie (exited, not yet reaped by its new parent) counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // `pid (comm) S …`: the state letter follows the last `)`.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return !existsSync("/proc/self/stat"); // no procfs: trust kill(0)
  }
}
