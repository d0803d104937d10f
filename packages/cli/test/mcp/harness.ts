/**
 * Test support for the MCP server: an SDK client that spawns the real server through the `team-agent mcp` bin, and a
 * store-only workspace with two registered teams (no tmux, no worker processes) for the tools that only touch the
 * store. Live teams come from the coordinator's team harness (fake provider, private tmux server).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { TeamRuntime } from "@team-agent/coordinator";
import { resolveNodeEntry } from "@team-agent/core-state";
import { FAKE_PLUGIN_DIR, fakeTeamSpec } from "../../../coordinator/test/helpers/team-harness.js";
import { BIN } from "../helpers/cli.js";

export type Body = Record<string, unknown>;

export interface ToolAnswer {
  isError: boolean;
  body: Body;
}

export interface McpSession {
  readonly client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<ToolAnswer>;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** The package's `team_orchestrator` bin, run from source like the `team-agent` one. */
const ORCHESTRATOR_BIN = resolveNodeEntry(new URL("../../src/mcp/server.ts", import.meta.url).href, "bin");

/**
 * Spawns `team-agent mcp --workspace <ws>` (or the `team_orchestrator` bin) with exactly `env` as the caller's
 * identity, and connects a client.
 */
export async function connectMcp(
  workspace: string,
  env: Record<string, string> = {},
  program: "team-agent" | "team_orchestrator" = "team-agent",
): Promise<McpSession> {
  const args =
    program === "team-agent"
      ? [...BIN.nodeArgs, "mcp", "--workspace", workspace]
      : [...ORCHESTRATOR_BIN.nodeArgs, "--workspace", workspace];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: "team-agent-mcp-test", version: "0.0.0" });
  await client.connect(transport);
  return {
    client,
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      const content = result.content as Array<{ type: string; text: string }>;
      if (content.length !== 1 || content[0]?.type !== "text") {
        throw new Error(`${name} answered ${JSON.stringify(result)}`);
      }
      return { isError: result.isError === true, body: JSON.parse(content[0].text) as Body };
    },
    stderr: () => stderr,
    close: () => client.close(),
  };
}

export interface StoreTeams {
  readonly workspace: string;
  readonly runtime: TeamRuntime;
  /** The tmux socket recorded for both teams: no server runs there (tests kill it in case one was started). */
  readonly socketName: string;
  /** Rows per table of the workspace's store. */
  counts(): Record<string, number>;
  kill(): Promise<void>;
}

/**
 * A workspace whose store has team `alpha` (lead `leader`, workers `w1`, `w2`; the active team) and team `beta`
 * (worker `b1`), registered the way startTeam registers them, on the fake provider.
 */
export async function storeTeams(): Promise<StoreTeams> {
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), "ta-mcp-")));
  const socketName = `ta-test-${randomBytes(6).toString("hex")}`;
  const runtime = await TeamRuntime.open({ workspace });
  const register = (teamId: string, workers: string[]) => {
    const spec = fakeTeamSpec(workspace, { name: teamId, workers });
    runtime.store.teams.register({
      teamId,
      sessionName: `team-${teamId}`,
      workspace,
      leaderId: spec.leader.id,
      leaderProvider: spec.leader.provider,
      spec,
    });
    for (const agent of spec.agents) {
      runtime.store.agents.upsert(teamId, agent.id, { status: "running", provider: agent.provider, role: agent.role });
    }
    runtime.store.teams.setAttrs(teamId, {
      runtime: {
        tmux_socket: socketName,
        provider_sources: { fake: FAKE_PLUGIN_DIR },
        mcp: { command: process.execPath, args: [...BIN.nodeArgs, "mcp", "--workspace", workspace] },
        tick_interval_ms: 200,
        idle_debounce_ms: 60_000,
        lease_ttl_ms: 15_000,
      },
    });
  };
  register("beta", ["b1"]);
  register("alpha", ["w1", "w2"]);
  runtime.store.teams.setActiveTeam("alpha");
  const tables = (
    runtime.store.context.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as Array<{ name: string }>
  ).map((row) => row.name);
  return {
    workspace,
    runtime,
    socketName,
    counts() {
      const db = runtime.store.context.db;
      return Object.fromEntries(
        tables.map((table) => [table, (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n]),
      );
    },
    async kill() {
      await runtime
        .tmux({ socketName })
        .killServer()
        .catch(() => undefined);
      await runtime.close();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** The identity a worker's server gets from the runtime. */
export function workerEnv(agentId: string, teamId: string, workspace: string): Record<string, string> {
  return { TEAM_AGENT_ID: agentId, TEAM_AGENT_OWNER_TEAM_ID: teamId, TEAM_AGENT_WORKSPACE: workspace };
}
