/**
 * The processes a workspace still has running (worker CLIs, their MCP servers, daemons): found by the workspace path
 * in their argv or their TEAM_AGENT_WORKSPACE. Teardown waits for them and kills stragglers by pid, so nothing
 * writes into a workspace after it is removed (Linux /proc; elsewhere the list is empty).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isProcessAlive } from "./process-identity.js";

/** A running process as /proc shows it: argv and environment, each NUL-separated as read. */
export interface ProcessView {
  pid: number;
  cmdline: string;
  environ: string;
}

/** The pids of live processes (other than this one) that `match` accepts; empty where there is no /proc. */
export function processesWhere(match: (process: ProcessView) => boolean): number[] {
  if (!existsSync("/proc/self/environ")) return [];
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid || !isProcessAlive(Number(name))) continue;
    try {
      const view = {
        pid: Number(name),
        cmdline: readFileSync(`/proc/${name}/cmdline`, "utf8"),
        environ: readFileSync(`/proc/${name}/environ`, "utf8"),
      };
      if (match(view)) pids.push(view.pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

export function processesUsing(dir: string): number[] {
  return processesWhere(
    ({ cmdline, environ }) => cmdline.includes(dir) || environ.includes(`TEAM_AGENT_WORKSPACE=${dir}`),
  );
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
