/**
 * Leftovers of the real CLIs that no workspace path names: Codex keeps helper processes per CODEX_HOME after its
 * TUI exits. They are found by the sandbox HOME in their environment and killed by pid.
 */
import { processesWhere } from "@team-agent/coordinator";

export function killProcessesOfHome(home: string): number[] {
  const pids = processesWhere(({ environ }) => environ.split("\0").includes(`HOME=${home}`));
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
