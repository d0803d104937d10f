// The tools that act on running workers, against a live team: fake-provider workers on a private tmux server,
// started by the coordinator (daemon off until an operation starts it), driven through the real MCP server.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { windowTarget } from "@team-agent/tmux-prompt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTeamHarness, type TeamHarness } from "../../../coordinator/test/helpers/team-harness.js";
import { connectMcp, type McpSession, workerEnv } from "./harness.js";

let harness: TeamHarness;
let w1: McpSession;

beforeAll(async () => {
  harness = await startTeamHarness({ workers: 2, daemon: false });
  w1 = await connectMcp(harness.workspace, workerEnv("w1", harness.team().team_id, harness.workspace));
});

afterAll(async () => {
  await Promise.allSettled([w1?.close()]);
  await harness?.kill();
});

async function windowPresent(agentId: string): Promise<boolean> {
  const pane = await harness.tmux.paneProcess(windowTarget(harness.team().session_name, agentId));
  return pane !== null;
}

describe("tools on a live team", () => {
  it("get_team_status shows the running workers and their screens", async () => {
    const { isError, body } = await w1.call("get_team_status");
    expect(isError).toBe(false);
    expect(body).toMatchObject({
      ok: true,
      team: harness.team().team_id,
      tmux_session_present: true,
      agents: {
        w1: { status: "running", provider: "fake", screen: "input_ready" },
        w2: { status: "running", provider: "fake", screen: "input_ready" },
      },
    });
  });

  it("stop_agent closes the worker's window and records it stopped", async () => {
    const { isError, body } = await w1.call("stop_agent", { agent_id: "w2" });
    expect(isError).toBe(false);
    expect(body).toEqual({ ok: true, status: "stopped", agent_id: "w2" });
    expect(harness.agent("w2").status).toBe("stopped");
    expect(await windowPresent("w2")).toBe(false);
  });

  it("reset_agent needs discard_session true, then starts the worker afresh", async () => {
    const refused = await w1.call("reset_agent", { agent_id: "w2", discard_session: false });
    expect(refused.isError).toBe(true);
    expect(refused.body).toEqual({ ok: false, status: "refused", reason: "discard_session_required", agent_id: "w2" });
    expect(await windowPresent("w2")).toBe(false);

    const reset = await w1.call("reset_agent", { agent_id: "w2", discard_session: true });
    expect(reset.isError).toBe(false);
    expect(reset.body).toMatchObject({ ok: true, status: "running", agent_id: "w2" });
    expect(harness.agent("w2").status).toBe("running");
    expect(await windowPresent("w2")).toBe(true);
  });

  it("add_agent adds a worker from a role doc inside the workspace, and only from there", async () => {
    mkdirSync(join(harness.workspace, "roles"), { recursive: true });
    writeFileSync(
      join(harness.workspace, "roles", "w3.md"),
      "---\nname: w3\nrole: reviewer\nprovider: fake\ntools: [fs_read, mcp_team]\n---\nYou review small diffs.\n",
    );
    const outside = await w1.call("add_agent", { new_agent_id: "w3", role_file_path: "../w3.md" });
    expect(outside.body).toMatchObject({ reason: "invalid_tool_arguments", exc_type: "ToolArgumentError" });

    const { isError, body } = await w1.call("add_agent", { new_agent_id: "w3", role_file_path: "roles/w3.md" });
    expect(isError).toBe(false);
    expect(body).toMatchObject({ ok: true, status: "running", agent_id: "w3", new_agent_id: "w3" });
    expect(body["role_file_sha"]).toMatch(/^[0-9a-f]{64}$/);
    expect(harness.agent("w3").status).toBe("running");
    expect(await windowPresent("w3")).toBe(true);

    const again = await w1.call("add_agent", { new_agent_id: "w3", role_file_path: "roles/w3.md" });
    expect(again.body).toMatchObject({ reason: "invalid_tool_arguments", code: "agent_exists" });
  });

  it("fork_agent reports that the provider cannot fork, as a runtime failure with its code", async () => {
    const { isError, body } = await w1.call("fork_agent", { source_agent_id: "w1", as_agent_id: "w1b" });
    expect(isError).toBe(true);
    expect(body).toMatchObject({ ok: false, reason: "internal_runtime_error", code: "fork_unsupported" });
    expect(harness.runtime.store.agents.get(harness.team().team_id, "w1b")).toBeNull();
  });

  it("stuck_list answers for the live team", async () => {
    const { isError, body } = await w1.call("stuck_list");
    expect(isError).toBe(false);
    expect(body).toMatchObject({ ok: true, team_id: harness.team().team_id, suppressed_idle_alerts: {} });
  });
});
