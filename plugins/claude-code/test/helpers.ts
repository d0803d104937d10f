/** Shared test helpers: a sample worker, its MCP launch, temp dirs that are always removed, fixture paths. */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { McpServerLaunch, WorkerLaunchSpec } from "@team-agent/provider-registry";
import { afterEach } from "vitest";

export const FIXTURES = join(import.meta.dirname, "fixtures");
export const TRANSCRIPTS = join(FIXTURES, "transcripts");
export const SCREENS = join(import.meta.dirname, "../../../packages/tmux-prompt/test/fixtures/screens");

export const SESSION_A = "5f0c2b1e-8d3a-4c6f-9e21-7a4b3c2d1e0f";
export const SESSION_B = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

export function worker(overrides: Partial<WorkerLaunchSpec> = {}): WorkerLaunchSpec {
  return {
    teamId: "alpha",
    agentId: "dev-1",
    role: "developer",
    workspace: "/work/ws",
    model: null,
    authMode: "subscription",
    tools: ["fs_read", "fs_write", "fs_list", "execute_bash", "git_diff", "mcp_team"],
    systemPrompt: "You are Team Agent worker dev-1.\nFinish with one report_result.",
    dangerousAutoApprove: false,
    providerConfigDir: null,
    profileSettings: {},
    ...overrides,
  };
}

export function mcp(overrides: Partial<McpServerLaunch> = {}): McpServerLaunch {
  return {
    name: "team_orchestrator",
    command: "/opt/team-agent/bin/team-agent-mcp",
    args: ["mcp-server", "--workspace", "/work/ws"],
    env: { TEAM_AGENT_ID: "dev-1", TEAM_AGENT_OWNER_TEAM_ID: "alpha", TEAM_AGENT_WORKSPACE: "/work/ws" },
    ...overrides,
  };
}

const made: string[] = [];
afterEach(() => {
  const failures: unknown[] = [];
  while (made.length > 0) {
    try {
      rmSync(made.pop() as string, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
});

/** A fresh, symlink-resolved temp dir, removed after the current test. */
export function tempDir(prefix = "ta-cc-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}
