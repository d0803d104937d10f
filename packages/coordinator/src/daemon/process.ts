/**
 * The daemon as a process (D3): one per team, detached, holding the team's lease row. Start is idempotent (a live
 * lease means it is already running); stop asks it to finish its tick and waits, escalating to SIGKILL.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CoordinatorLeaseStatus, resolveNodeEntry, type TeamRow, TeamRuntimeError } from "@team-agent/core-state";
import { isProcessAlive } from "../runtime/process-identity.js";
import type { TeamRuntime } from "../runtime/runtime.js";

/** In every daemon's argv, so `ps` and the doctor's orphan cleanup can recognise it. */
export const DAEMON_ARGV_MARKER = "--team-agent-coordinator";

export interface CoordinatorHealth {
  status: "running" | "stale" | "missing";
  pid: number | null;
  lease: CoordinatorLeaseStatus | null;
}

export interface CoordinatorStartResult {
  ok: true;
  status: "started" | "already_running";
  pid: number;
  log: string;
}

export interface CoordinatorStopResult {
  ok: boolean;
  status: "stopped" | "killed" | "missing";
  pid: number | null;
}

export function coordinatorLogPath(runtime: TeamRuntime, teamId: string): string {
  return join(runtime.layout.runtimeDir, `coordinator-${teamId}.log`);
}

export function coordinatorHealth(runtime: TeamRuntime, team: TeamRow): CoordinatorHealth {
  const lease = runtime.store.lease.current(team.team_id);
  if (lease === null) return { status: "missing", pid: null, lease };
  const alive = lease.live && lease.pid !== null && isProcessAlive(lease.pid);
  return { status: alive ? "running" : "stale", pid: lease.pid, lease };
}

function logTail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-12).join("\n").trim();
  } catch {
    return "";
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
  return true;
}

export interface StartCoordinatorOptions {
  /** How long to wait for the new daemon to take its lease. */
  waitMs?: number;
  /** Extra environment for the daemon (tests inject faults this way). */
  env?: Record<string, string>;
}

export async function startCoordinator(
  runtime: TeamRuntime,
  team: TeamRow,
  options: StartCoordinatorOptions = {},
): Promise<CoordinatorStartResult> {
  const log = coordinatorLogPath(runtime, team.team_id);
  const health = coordinatorHealth(runtime, team);
  if (health.status === "running" && health.pid !== null) {
    return { ok: true, status: "already_running", pid: health.pid, log };
  }
  const entry = resolveNodeEntry(import.meta.url, "main");
  const out = openSync(log, "a", 0o600);
  const child = spawn(
    process.execPath,
    [...entry.nodeArgs, DAEMON_ARGV_MARKER, "--workspace", runtime.workspace, "--team", team.team_id],
    { cwd: runtime.workspace, detached: true, stdio: ["ignore", out, out], env: { ...process.env, ...options.env } },
  );
  closeSync(out);
  let exitCode: number | null = null;
  child.once("exit", (code) => {
    exitCode = code ?? -1;
  });
  child.unref();
  const pid = child.pid ?? -1;
  const took = await until(
    () => exitCode !== null || runtime.store.lease.current(team.team_id)?.pid === pid,
    options.waitMs ?? 15_000,
  );
  if (!took || exitCode !== null) {
    if (exitCode === null) process.kill(pid, "SIGKILL");
    throw new TeamRuntimeError(
      "coordinator_start_failed",
      `The coordinator for ${team.team_id} did not start (${exitCode === null ? "no lease taken in time" : `exit ${exitCode}`}). Log tail:\n${logTail(log)}`,
      `Read ${log}; then run \`team-agent doctor\`.`,
    );
  }
  runtime.events.emit("coordinator.started", { team_id: team.team_id, pid, log });
  return { ok: true, status: "started", pid, log };
}

export async function stopCoordinator(
  runtime: TeamRuntime,
  team: TeamRow,
  options: { timeoutMs?: number } = {},
): Promise<CoordinatorStopResult> {
  const health = coordinatorHealth(runtime, team);
  const pid = health.pid;
  if (pid === null || !isProcessAlive(pid)) return { ok: true, status: "missing", pid };
  const gone = () => !isProcessAlive(pid);
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return { ok: true, status: "missing", pid };
  }
  if (await until(gone, options.timeoutMs ?? 10_000)) {
    runtime.events.emit("coordinator.stopped", { team_id: team.team_id, pid });
    return { ok: true, status: "stopped", pid };
  }
  process.kill(pid, "SIGKILL");
  const killed = await until(gone, 2_000);
  // A killed holder cannot release its lease; drop it so the next start does not wait for it to expire.
  const lease = runtime.store.lease.current(team.team_id);
  if (lease !== null && lease.pid === pid) runtime.store.lease.release(team.team_id, lease.holder_id);
  runtime.events.emit("coordinator.killed", { team_id: team.team_id, pid });
  return { ok: killed, status: "killed", pid };
}
