// Benchmark of the `team-agent` command's cold start: a new process per run for `--help`, `status --json` in an empty
// workspace, and `status --json` against a running 4-worker team of the fake provider (private tmux server, real
// daemon). Measured from source (tsx, what a checkout runs) and, when `dist/` exists, built. The original took
// 0.26 s (--help), 0.34 s (status, empty) and 0.45 s (status, 4 workers).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolveNodeEntry } from "@team-agent/core-state";
import { discoverProviders } from "@team-agent/provider-registry";
import { writeBenchReport } from "../../../scripts/bench-report.mjs";
import { DEMO_WORKERS, type DemoWorker, startDemoTeam } from "../src/commands/demo.js";

type Row = Record<string, string | number>;
const RUNS = Number(process.env["BENCH_CLI_RUNS"] ?? 15);
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

interface Launcher {
  mode: string;
  nodeArgs: string[];
}

function launchers(): Launcher[] {
  const source = resolveNodeEntry(pathToFileURL(join(PACKAGE_DIR, "src", "cli", "run.ts")).href, "../bin");
  const found: Launcher[] = [{ mode: "source (tsx)", nodeArgs: source.nodeArgs }];
  const built = join(PACKAGE_DIR, "dist", "bin.js");
  if (existsSync(built)) found.push({ mode: "built", nodeArgs: [built] });
  return found;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/** Runs the command `RUNS` times (after one warm-up for the file cache) and reports p50/p90 wall time. */
function measure(measurement: string, launcher: Launcher, args: string[], cwd: string): Row {
  const times: number[] = [];
  let exit: number | null = null;
  for (let run = 0; run <= RUNS; run += 1) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [...launcher.nodeArgs, ...args], { cwd, encoding: "utf8" });
    const elapsed = performance.now() - started;
    exit = result.status;
    if (run > 0) times.push(elapsed);
  }
  return {
    measurement,
    mode: launcher.mode,
    runs: RUNS,
    p50_ms: Math.round(percentile(times, 0.5)),
    p90_ms: Math.round(percentile(times, 0.9)),
    exit: exit ?? -1,
  };
}

export async function benchCli(): Promise<Row[]> {
  const rows: Row[] = [];
  const empty = mkdtempSync(join(tmpdir(), "ta-bench-cli-"));
  try {
    for (const launcher of launchers()) {
      rows.push(measure("--help", launcher, ["--help"], empty));
      rows.push(measure("status --json, empty workspace", launcher, ["status", "--json"], empty));
    }
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  const registry = await discoverProviders({
    runtimePackageJson: pathToFileURL(join(PACKAGE_DIR, "package.json")),
    searchFrom: null,
  });
  const workers: DemoWorker[] = Array.from({ length: 4 }, (_, index) => ({
    ...(DEMO_WORKERS[index % DEMO_WORKERS.length] as DemoWorker),
    id: `w${index + 1}`,
  }));
  const source = launchers()[0] as Launcher;
  const team = await startDemoTeam({
    registry,
    mcp: (workspace) => ({ command: process.execPath, args: [...source.nodeArgs, "mcp", "--workspace", workspace] }),
    workers,
  });
  try {
    for (const launcher of launchers()) {
      rows.push(measure("status --json, 4-worker team", launcher, ["status", "--json"], team.workspace));
    }
  } finally {
    await team.cleanup();
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeBenchReport("cli", await benchCli());
}
