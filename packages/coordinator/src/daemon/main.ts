#!/usr/bin/env node
/**
 * `team-agent-coordinator --workspace <ws> --team <id> [--once] [--tick-interval-ms N]`: the daemon process that
 * `startCoordinator` spawns detached. It talks to tmux over one control-mode connection per server.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { TeamRuntime } from "../runtime/runtime.js";
import { CoordinatorDaemon } from "./daemon.js";
import { DAEMON_ARGV_MARKER } from "./process.js";

/** A store locked longer than this (times the store's retries) makes a tick `persistence_degraded`, not a freeze. */
const DAEMON_BUSY_TIMEOUT_MS = 1_000;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      workspace: { type: "string" },
      team: { type: "string" },
      once: { type: "boolean", default: false },
      "tick-interval-ms": { type: "string" },
      [DAEMON_ARGV_MARKER.slice(2)]: { type: "boolean", default: false },
    },
  });
  if (!values.workspace || !values.team) {
    process.stderr.write(
      "usage: team-agent-coordinator --workspace <path> --team <id> [--once] [--tick-interval-ms N]\n",
    );
    return 2;
  }
  const runtime = await TeamRuntime.open({
    workspace: values.workspace,
    tmuxTransport: "control",
    busyTimeoutMs: DAEMON_BUSY_TIMEOUT_MS,
  });
  const interval = values["tick-interval-ms"] ? Number(values["tick-interval-ms"]) : undefined;
  const fault = process.env["TEAM_AGENT_TEST_TICK_FAULT"];
  const daemon = new CoordinatorDaemon(runtime, values.team, {
    once: values.once ?? false,
    ...(interval !== undefined && Number.isFinite(interval) ? { tickIntervalMs: interval } : {}),
    ...(fault ? { faultBeforeSteps: faultFromFile(fault) } : {}),
    ...(process.env["TEAM_AGENT_DAEMON_STATS"] ? { statsFile: process.env["TEAM_AGENT_DAEMON_STATS"] } : {}),
  });
  process.on("SIGTERM", () => daemon.stop());
  process.on("SIGINT", () => daemon.stop());
  process.on("SIGHUP", () => daemon.stop());
  const exit = await daemon.run();
  await runtime.close();
  process.stdout.write(`${new Date().toISOString()} coordinator exit: ${exit}\n`);
  return 0;
}

/**
 * Test-only fault injection: while the named file exists, every tick throws the error written in it. Tests create
 * and delete the file to make ticks fail and recover in a real daemon.
 */
function faultFromFile(path: string): () => void {
  return () => {
    let text: string;
    try {
      text = readFileSync(path, "utf8").trim();
    } catch {
      return;
    }
    throw new Error(text || "injected tick fault");
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${new Date().toISOString()} coordinator crashed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
