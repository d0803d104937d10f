// The team MCP server's cost as a worker's CLI sees it: spawn → initialize answered, tools/list, and a
// get_team_status call (the first one, which loads the runtime, and a warm one), for `team-agent mcp` and the
// `team_orchestrator` bin, on a workspace whose store holds two registered teams (no tmux server: the status reads
// the store and finds no session). Runs from source (tsx), like the tests; a build starts faster. Prints a table and
// writes JSON.
// Original (Python 0.2.11): spawn → initialize 240 ms, a status call 80 ms.
import { writeBenchReport } from "../../../scripts/bench-report.mjs";
import { connectMcp, storeTeams, workerEnv } from "../test/mcp/harness.js";

const RUNS = Number(process.env["BENCH_MCP_RUNS"] ?? 10);
const ORIGINAL_MS: Record<string, number | string> = { "spawn → initialize": 240, "get_team_status (warm)": 80 };

type Program = "team-agent" | "team_orchestrator";

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

async function timed<T>(samples: number[], step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await step();
  samples.push(performance.now() - started);
  return value;
}

async function measure(program: Program, workspace: string): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = {
    "spawn → initialize": [],
    "tools/list": [],
    "get_team_status (first)": [],
    "get_team_status (warm)": [],
  };
  const env = workerEnv("w1", "alpha", workspace);
  for (let run = 0; run < RUNS; run += 1) {
    const session = await timed(samples["spawn → initialize"] as number[], () => connectMcp(workspace, env, program));
    try {
      await timed(samples["tools/list"] as number[], () => session.client.listTools());
      for (const label of ["get_team_status (first)", "get_team_status (warm)"]) {
        const { isError, body } = await timed(samples[label] as number[], () => session.call("get_team_status"));
        if (isError) throw new Error(`get_team_status failed: ${JSON.stringify(body)}`);
      }
    } finally {
      await session.close();
    }
  }
  return samples;
}

const teams = await storeTeams();
try {
  const rows: Array<Record<string, string | number>> = [];
  for (const program of ["team-agent", "team_orchestrator"] as const) {
    const samples = await measure(program, teams.workspace);
    for (const [step, values] of Object.entries(samples)) {
      rows.push({
        program: program === "team-agent" ? "team-agent mcp" : "team_orchestrator",
        step,
        runs: values.length,
        median_ms: Math.round(percentile(values, 0.5)),
        p90_ms: Math.round(percentile(values, 0.9)),
        original_ms: ORIGINAL_MS[step] ?? "-",
      });
    }
  }
  writeBenchReport("cli-mcp", rows);
} finally {
  await teams.kill();
}
