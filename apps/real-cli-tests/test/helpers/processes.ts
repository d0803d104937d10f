/**
 * Leftovers of the real CLIs that no workspace path names: Codex keeps helper processes per CODEX_HOME after its
 * TUI exits. They are found by the sandbox HOME in their environment and killed by pid.
 */
import { readdirSync, readFileSync } from "node:fs";

export function killProcessesOfHome(home: string): number[] {
  const killed: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${name}/environ`, "utf8").split("\0").includes(`HOME=${home}`)) continue;
      process.kill(Number(name), "SIGKILL");
      killed.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return killed;
}
