// `npm run bench` for @team-agent/coordinator, with the fake provider on a private tmux server and a real daemon:
// time for a team to become ready, the idle daemon's cost (tick duration, tmux processes per tick, events and CPU
// per minute, RSS) at 1, 4, 8 and 16 workers, and send→submitted latency. Prints a table and writes JSON.
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBenchReport } from "../../../scripts/bench-report.mjs";
import { coordinatorHealth } from "../src/daemon/process.js";
import { sendMessage } from "../src/ops/send.js";
import { createTeamHarness, type TeamHarness, waitFor } from "../test/helpers/team-harness.js";

type Row = Record<string, string | number>;
const TICK_INTERVAL_MS = 2_000;
const IDLE_WINDOW_MS = Number(process.env["BENCH_IDLE_WINDOW_MS"] ?? 30_000);
const CLOCK_TICKS = 100; // USER_HZ on Linux

interface DaemonStats {
  ticks: number;
  tick_ms: number[];
  tmux_processes_spawned: number;
}

function readStats(path: string): DaemonStats {
  return JSON.parse(readFileSync(path, "utf8")) as DaemonStats;
}

/** CPU seconds of a process and its live descendants, plus what its reaped children used. */
function cpuSeconds(rootPid: number): number {
  const table = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSafe("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const own = Number(fields[11]) + Number(fields[12]);
      const reaped = pid === rootPid ? Number(fields[13]) + Number(fields[14]) : 0;
      table.set(pid, { ppid: Number(fields[1]), cpu: own + reaped });
    } catch {
      // exited while we looked
    }
  }
  let total = 0;
  const visit = (pid: number) => {
    total += table.get(pid)?.cpu ?? 0;
    for (const [child, info] of table) if (info.ppid === pid) visit(child);
  };
  visit(rootPid);
  return total / CLOCK_TICKS;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function withTeam<T>(
  workers: number,
  body: (harness: TeamHarness, statsPath: string, readyMs: number) => Promise<T>,
): Promise<T> {
  const statsPath = join(tmpdir(), `ta-bench-stats-${process.pid}-${workers}.json`);
  process.env["TEAM_AGENT_DAEMON_STATS"] = statsPath;
  const harness = await createTeamHarness();
  try {
    const started = performance.now();
    await harness.startTeam({ workers, daemon: true, tickIntervalMs: TICK_INTERVAL_MS });
    const readyMs = performance.now() - started;
    return await body(harness, statsPath, readyMs);
  } finally {
    await harness.kill();
    rmSync(statsPath, { force: true });
    delete process.env["TEAM_AGENT_DAEMON_STATS"];
  }
}

async function idleCost(workers: number): Promise<Row> {
  return withTeam(workers, async (harness, statsPath, readyMs) => {
    const pid = coordinatorHealth(harness.runtime, harness.team()).pid as number;
    await waitFor(
      () => {
        try {
          return readStats(statsPath).ticks >= 2;
        } catch {
          return false;
        }
      },
      "two idle ticks",
      20_000,
    );
    const events = harness.runtime.layout.eventsPath;
    const before = {
      stats: readStats(statsPath),
      cpu: cpuSeconds(pid),
      bytes: statSync(events).size,
      at: performance.now(),
    };
    await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
    const after = {
      stats: readStats(statsPath),
      cpu: cpuSeconds(pid),
      bytes: statSync(events).size,
      at: performance.now(),
    };
    const minutes = (after.at - before.at) / 60_000;
    const ticks = after.stats.ticks - before.stats.ticks;
    const durations = after.stats.tick_ms.slice(-ticks);
    return {
      measurement: "idle team",
      workers,
      ready_ms: Math.round(readyMs),
      ticks,
      tick_p50_ms: round(percentile(durations, 0.5), 2),
      tick_p99_ms: round(percentile(durations, 0.99), 2),
      tmux_procs_per_tick: round(
        (after.stats.tmux_processes_spawned - before.stats.tmux_processes_spawned) / Math.max(1, ticks),
        2,
      ),
      event_bytes_per_min: Math.round((after.bytes - before.bytes) / minutes),
      cpu_s_per_min: round((after.cpu - before.cpu) / minutes, 2),
      rss_mib: rssMiB(pid),
    };
  });
}

async function sendLatency(workers: number, sends: number): Promise<Row> {
  return withTeam(workers, async (harness) => {
    const team = harness.team();
    const latencies: number[] = [];
    for (let index = 0; index < sends; index += 1) {
      const to = `w${(index % workers) + 1}`;
      const started = performance.now();
      const sent = await sendMessage(harness.runtime, team, { from: "leader", to, content: `bench ${index}` });
      if (!sent.submitted) throw new Error(`send ${index} not submitted: ${JSON.stringify(sent)}`);
      latencies.push(performance.now() - started);
    }
    return {
      measurement: "send → submitted",
      workers,
      sends,
      p50_ms: Math.round(percentile(latencies, 0.5)),
      p99_ms: Math.round(percentile(latencies, 0.99)),
      note: "includes the fake's 100 ms paste→Enter pause",
    };
  });
}

const idle: Row[] = [];
for (const workers of [1, 4, 8, 16]) idle.push(await idleCost(workers));
writeBenchReport("coordinator", idle);
writeBenchReport("coordinator-send", [await sendLatency(4, 40), await sendLatency(8, 40)]);
