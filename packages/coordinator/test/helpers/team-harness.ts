/**
 * A real team for integration tests: a temp workspace, a private tmux server (`tmux -L ta-test-<random>`), the fake
 * provider loaded from `plugins/fake`, a TeamRuntime, and the fixture MCP server for the workers. `kill()` stops the
 * daemon, the tmux server and every pane program, closes the runtime and removes the workspace, even after a
 * failure; `useTeamHarness()` calls it after each test.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AgentRow,
  type EventRecord,
  resolveNodeEntry,
  type TeamRow,
  type TeamSpec,
  teamSpecFromRoster,
} from "@team-agent/core-state";
import { discoverProviders, type ProviderRegistry } from "@team-agent/provider-registry";
import { classifyScreen, type TmuxClient, windowTarget } from "@team-agent/tmux-prompt";
import { stopCoordinator } from "../../src/daemon/process.js";
import { captureMissingSessions } from "../../src/ops/capture.js";
import { type SendResult, sendMessage } from "../../src/ops/send.js";
import { type StartTeamOptions, type StartTeamResult, startTeam } from "../../src/ops/start-team.js";
import { TeamRuntime } from "../../src/runtime/runtime.js";
import { reapProcesses } from "../../src/runtime/workspace-processes.js";

export const FAKE_PLUGIN_DIR = fileURLToPath(new URL("../../../../plugins/fake", import.meta.url));
const MCP_SERVER_URL = new URL("../fixtures/team-mcp-server.ts", import.meta.url).href;

/** Polls `check` until it returns something other than undefined/null/false; throws naming `label` at the deadline. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  label: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}

export interface FakeTeamSpecOptions {
  name?: string;
  /** How many workers (`w1`…`wN`), or their ids. Default 1. */
  workers?: number | readonly string[];
  /** Workers listed here start paused. */
  paused?: readonly string[];
  tickIntervalSec?: number;
}

/** A valid team spec whose lead and workers all run on the fake provider. */
export function fakeTeamSpec(workspace: string, options: FakeTeamSpecOptions = {}): TeamSpec {
  const workers =
    typeof options.workers === "object"
      ? [...options.workers]
      : Array.from({ length: options.workers ?? 1 }, (_, index) => `w${index + 1}`);
  return teamSpecFromRoster({
    name: options.name ?? "alpha",
    workspace,
    objective: "Integration test team.",
    leaderProvider: "fake",
    workers: workers.map((id) => ({
      id,
      role: `worker ${id}`,
      provider: "fake",
      prompt: `You are ${id}, a test worker.`,
      ...(options.paused?.includes(id) ? { paused: true } : {}),
    })),
    ...(options.tickIntervalSec !== undefined ? { runtime: { tick_interval_sec: options.tickIntervalSec } } : {}),
  });
}

export interface HarnessTeamOptions extends FakeTeamSpecOptions {
  /** Start the coordinator daemon (default false: lifecycle tests drive delivery themselves). */
  daemon?: boolean;
  tickIntervalMs?: number;
  idleDebounceMs?: number;
  /** Wait until every started worker shows its input prompt (default true). */
  waitReady?: boolean;
}

export interface TeamHarness {
  readonly workspace: string;
  readonly socketName: string;
  readonly registry: ProviderRegistry;
  readonly runtime: TeamRuntime;
  /** The fixture MCP server, as `startTeam` takes it. */
  readonly mcp: StartTeamOptions["mcp"];
  /** The team's tmux server. */
  readonly tmux: TmuxClient;
  startTeam(options?: HarnessTeamOptions): Promise<StartTeamResult>;
  /** The started team's current row. */
  team(): TeamRow;
  agent(agentId: string): AgentRow;
  /** Waits until the worker's window shows the CLI's input prompt. */
  waitReady(agentId: string, timeoutMs?: number): Promise<void>;
  /** Sends from the lead; without a daemon the caller delivers (the worker should be ready). */
  sendFromLeader(agentId: string, content: string): Promise<SendResult>;
  /** Waits until the worker's session is captured; returns its id. */
  waitForSession(agentId: string, timeoutMs?: number): Promise<string>;
  /** Events of the workspace log, optionally only those named `name`. */
  events(name?: string): EventRecord[];
  kill(): Promise<void>;
}

/**
 * Processes working for this workspace: its path is in their argv or environment (the tmux server, fake CLIs, their
 * MCP servers, the daemon). A worker's MCP server outlives its CLI for a moment and, started late, would recreate
 * `.team/` in a removed workspace, so cleanup waits for all of them. Temp workspace names have a fixed length, so
 * one never matches another by prefix. Empty where there is no /proc.
 */

export async function createTeamHarness(): Promise<TeamHarness> {
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), "ta-coord-")));
  const socketName = `ta-test-${randomBytes(6).toString("hex")}`;
  let runtime: TeamRuntime | null = null;
  try {
    const registry = await discoverProviders({ paths: [FAKE_PLUGIN_DIR], searchFrom: null, runtimePackageJson: null });
    runtime = await TeamRuntime.open({ workspace, registry });
    return buildHarness(workspace, socketName, registry, runtime);
  } catch (error) {
    await runtime?.close();
    rmSync(workspace, { recursive: true, force: true });
    throw error;
  }
}

function buildHarness(
  workspace: string,
  socketName: string,
  registry: ProviderRegistry,
  runtime: TeamRuntime,
): TeamHarness {
  const entry = resolveNodeEntry(MCP_SERVER_URL, "team-mcp-server");
  const mcp = { command: process.execPath, args: [...entry.nodeArgs] };
  const tmux = runtime.tmux({ socketName });
  const signatures = registry.get("fake").screen.signatures;
  let teamId: string | null = null;
  let killed = false;

  const harness: TeamHarness = {
    workspace,
    socketName,
    registry,
    runtime,
    mcp,
    tmux,
    async startTeam(options = {}) {
      const spec = fakeTeamSpec(workspace, options);
      const started = await startTeam(runtime, {
        spec,
        mcp,
        registry,
        tmuxSocket: socketName,
        tickIntervalMs: options.tickIntervalMs ?? 200,
        ...(options.idleDebounceMs !== undefined ? { idleDebounceMs: options.idleDebounceMs } : {}),
        daemon: options.daemon ?? false,
      });
      teamId = started.team_id;
      if (options.waitReady !== false) {
        await Promise.all(started.agents.map((worker) => harness.waitReady(worker.agentId)));
      }
      return started;
    },
    team() {
      if (teamId === null) throw new Error("the harness has not started a team");
      const row = runtime.store.teams.get(teamId);
      if (row === null) throw new Error(`team ${teamId} is not registered`);
      return row;
    },
    agent(agentId) {
      const row = runtime.store.agents.get(harness.team().team_id, agentId);
      if (row === null) throw new Error(`no agent row for ${agentId}`);
      return row;
    },
    async waitReady(agentId, timeoutMs = 20_000) {
      const target = windowTarget(harness.team().session_name, agentId);
      await waitFor(
        async () => {
          const screen = await tmux.capturePane(target);
          return screen.ok && classifyScreen(screen.text, { signatures }).kind === "input_ready";
        },
        `${agentId}'s input prompt`,
        timeoutMs,
      );
    },
    sendFromLeader(agentId, content) {
      const team = harness.team();
      return sendMessage(runtime, team, { from: team.leader_id, to: agentId, content }, { waitMs: 20_000 });
    },
    async waitForSession(agentId, timeoutMs = 15_000) {
      return waitFor(
        async () => {
          await captureMissingSessions(runtime, harness.team());
          return harness.agent(agentId).session_id;
        },
        `${agentId}'s session capture`,
        timeoutMs,
      );
    },
    events(name) {
      const path = runtime.layout.eventsPath;
      if (!existsSync(path)) return [];
      const records = readFileSync(path, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as EventRecord);
      return name === undefined ? records : records.filter((record) => record.event === name);
    },
    async kill() {
      if (killed) return;
      killed = true;
      const problems: unknown[] = [];
      const attempt = async (step: () => unknown) => {
        try {
          await step();
        } catch (error) {
          problems.push(error);
        }
      };
      for (const team of runtime.store.teams.list()) await attempt(() => stopCoordinator(runtime, team));
      // Pane programs get SIGHUP with the server; none may still run (and write) when the workspace is removed.
      await attempt(() => tmux.killServer());
      await attempt(() => reapProcesses(workspace, 10_000));
      const socketDir = join(process.env["TMUX_TMPDIR"] ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`);
      rmSync(join(socketDir, socketName), { force: true });
      await attempt(() => runtime.close());
      rmSync(workspace, { recursive: true, force: true });
      if (problems.length > 0) throw new AggregateError(problems, "team harness cleanup failed");
    },
  };
  return harness;
}

/** Creates a harness and starts its team; a failed start cleans up before it throws. */
export async function startTeamHarness(options: HarnessTeamOptions = {}): Promise<TeamHarness> {
  const harness = await createTeamHarness();
  try {
    await harness.startTeam(options);
    return harness;
  } catch (error) {
    await harness.kill();
    throw error;
  }
}
