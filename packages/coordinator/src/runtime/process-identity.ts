/**
 * Who is delivering a message, written into its claim so another process can tell a live deliverer from a dead one
 * (a daemon killed mid-delivery). The identity is the pid plus its start time from /proc, so a reused pid is not
 * mistaken for the original process.
 */
import { readFileSync } from "node:fs";

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or null where /proc is unavailable. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    if (state === "Z" || state === "X") return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export function isProcessAlive(pid: number, startTicks?: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const now = processStartTicks(pid);
  if (now === null) return process.platform !== "linux";
  return startTicks === undefined || startTicks === null || startTicks === now;
}

const CLAIM_PREFIX = "claimed_by:";

export function claimReasonForThisProcess(): string {
  return `${CLAIM_PREFIX}pid=${process.pid},start=${processStartTicks(process.pid) ?? "?"}`;
}

/** A claim whose recorded deliverer is gone; claims without an identity are left to the age-based reclaim. */
export function isAbandonedClaim(reason: string | null): boolean {
  const match = /^claimed_by:pid=(\d+),start=([^,]+)$/.exec(reason ?? "");
  if (match === null) return false;
  const start = match[2] === "?" ? null : (match[2] as string);
  return !isProcessAlive(Number(match[1]), start);
}
