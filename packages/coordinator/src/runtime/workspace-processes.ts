/**
 * The processes a workspace still has running (worker CLIs, their MCP servers, daemons): found by the workspace path
 * in their argv or their TEAM_AGENT_WORKSPACE. Teardown waits for them and kills stragglers by pid, so nothing
 * writes into a workspace after it is removed (Linux /proc; elsewhere the list is empty).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isProcessAlive } from "./process-identity.js";

export function processesUsing(dir: string): number[] {
  if (!existsSync("/proc/self/environ")) return [];
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid || !isProcessAlive(Number(name))) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8");
      const environ = readFileSync(`/proc/${name}/environ`, "utf8");
      if (argv.includes(dir) || environ.includes(`TEAM_AGENT_WORKSPACE=${dir}`)) pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

async function noneLeft(dir: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processesUsing(dir).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Waits for the processes using `dir` to end (a pane's MCP server outlives its CLI briefly); kills stragglers. */
export async function reapProcesses(dir: string, graceMs = 10_000): Promise<void> {
  if (await noneLeft(dir, graceMs)) return;
  for (const pid of processesUsing(dir)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (!(await noneLeft(dir, 5_000))) throw new Error(`processes using ${dir} survived SIGKILL`);
}
