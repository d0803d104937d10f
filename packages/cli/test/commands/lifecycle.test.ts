/**
 * Lifecycle commands through the real bin against a running fake team (the coordinator's harness starts it in this
 * process on a private tmux server; the CLI works on the same workspace): one worker at a time, the whole team, and
 * silencing alerts. Every result carries exactly one top-level `coordinator` block.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TeamHarness } from "../../../coordinator/test/helpers/team-harness.js";
import { useTeamHarness } from "../../../coordinator/test/helpers/use-team-harness.js";
import { type CliRun, teamAgent } from "../helpers/cli.js";

const harnesses = useTeamHarness();

function cli(harness: TeamHarness, args: readonly string[], cwd = harness.workspace): Promise<CliRun> {
  return teamAgent(args, { cwd, timeoutMs: 90_000, env: { TMUX: "", TMUX_PANE: "" } });
}

async function json(
  harness: TeamHarness,
  args: readonly string[],
): Promise<{ code: number | null; body: Record<string, unknown> }> {
  const run = await cli(harness, [...args, "--json"]);
  return { code: run.code, body: run.json<Record<string, unknown>>() };
}

/** Keys named `coordinator` anywhere in a result: there must be exactly one, at the top. */
function coordinatorBlocks(value: unknown, path = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(key === "coordinator" ? [`${path}/${key}`] : []),
    ...coordinatorBlocks(child, `${path}/${key}`),
  ]);
}

describe("one worker at a time", () => {
  it("stops, starts, resets and refuses what needs a confirmation", async () => {
    const harness = await harnesses.start({ workers: ["w1", "w2", "w3"], paused: ["w3"], daemon: true });

    const stopped = await json(harness, ["stop-agent", "w2"]);
    expect(stopped.code).toBe(0);
    expect(stopped.body).toMatchObject({ ok: true, agent_id: "w2", status: "stopped", stopped: true });
    expect(coordinatorBlocks(stopped.body)).toEqual(["/coordinator"]);
    expect(harness.agent("w2").status).toBe("stopped");
    expect((await harness.tmux.listWindows("team-alpha")).includes("w2")).toBe(false);

    const started = await json(harness, ["start-agent", "w2"]);
    expect(started.body).toMatchObject({ ok: true, agent_id: "w2", status: "running", start_mode: "fresh" });
    expect(coordinatorBlocks(started.body)).toEqual(["/coordinator"]);
    expect((await json(harness, ["start-agent", "w2"])).body).toMatchObject({ start_mode: "noop" });

    const paused = await json(harness, ["start-agent", "w3"]);
    expect(paused.code).toBe(1);
    expect(paused.body).toMatchObject({ ok: false, reason: "agent_paused", error: { code: "agent_paused" } });

    const unconfirmed = await json(harness, ["reset-agent", "w1"]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.body).toMatchObject({ error: { code: "discard_session_required" } });
    const reset = await json(harness, ["reset-agent", "w1", "--discard-session"]);
    expect(reset.code).toBe(0);
    expect(reset.body).toMatchObject({ ok: true, agent_id: "w1", started: { start_mode: "fresh" } });
    expect(coordinatorBlocks(reset.body)).toEqual(["/coordinator"]);

    const unknown = await cli(harness, ["stop-agent", "nobody"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: .*nobody/m);
  });

  it("adds a worker from a role file, removes it, and guards the spec's own workers", async () => {
    const harness = await harnesses.start({ workers: ["w1"], daemon: true });
    const role = ["---", "name: helper", "role: helps", "provider: fake", "tools:", "  - mcp_team", "---", "Help.", ""];
    writeFileSync(join(harness.workspace, "helper.md"), role.join("\n"));

    expect((await cli(harness, ["add-agent", "helper"])).code).toBe(2);
    const added = await json(harness, ["add-agent", "helper", "--role-file", "helper.md"]);
    expect(added.code, JSON.stringify(added.body)).toBe(0);
    expect(added.body).toMatchObject({ ok: true, new_agent_id: "helper", status: "running" });
    expect(coordinatorBlocks(added.body)).toEqual(["/coordinator"]);

    const running = await json(harness, ["remove-agent", "helper"]);
    expect(running.body).toMatchObject({ ok: false, error: { code: "force_required" } });
    const removed = await json(harness, ["remove-agent", "helper", "--force"]);
    expect(removed.body).toMatchObject({ ok: true, agent_id: "helper", status: "removed", stopped: true });
    expect(harness.runtime.store.agents.get("alpha", "helper")).toBeNull();

    const fromSpec = await json(harness, ["remove-agent", "w1"]);
    expect(fromSpec.code).toBe(1);
    expect(fromSpec.body).toMatchObject({ error: { code: "from_spec_confirm_required" } });

    const fork = await json(harness, ["fork-agent", "w1", "--as", "w1b"]);
    expect(fork.code).toBe(1);
    expect(fork.body).toMatchObject({ error: { code: "fork_unsupported" } });
    expect((await cli(harness, ["fork-agent", "w1"])).code).toBe(2);
  });
});

describe("the whole team", () => {
  it("shuts down, restarts from another folder, and refuses a second restart", async () => {
    const harness = await harnesses.start({ workers: ["w1", "w2"], daemon: true });
    const down = await json(harness, ["shutdown", "--keep-logs"]);
    expect(down.code).toBe(0);
    expect(down.body).toMatchObject({
      ok: true,
      team: "alpha",
      session_name: "team-alpha",
      stopped_agents: ["w1", "w2"],
      session_killed: true,
      cleanup_mode: "synchronous_committed",
      teams_remaining: [],
      coordinator: { ok: true },
    });
    expect(await harness.tmux.hasSession("team-alpha")).toBe(false);
    expect((await cli(harness, ["shutdown"])).code).toBe(1);

    // The workspace is the positional argument: restart works from anywhere.
    const up = await cli(harness, ["restart", harness.workspace, "--json"], join(harness.workspace, ".team"));
    expect(up.code, up.stderr).toBe(0);
    const body = up.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      ok: true,
      team: "alpha",
      agents: [
        { agent_id: "w1", restart_mode: "fresh" },
        { agent_id: "w2", restart_mode: "fresh" },
      ],
      coordinator: { status: "started" },
    });
    expect(coordinatorBlocks(body)).toEqual(["/coordinator"]);
    expect(await harness.tmux.hasSession("team-alpha")).toBe(true);

    const twice = await json(harness, ["restart", "--team", "alpha"]);
    expect(twice.code).toBe(1);
    expect(twice.body).toMatchObject({ error: { code: "team_session_exists" } });
  });
});

describe("alerts", () => {
  it("silences a worker's stuck alert and the all-idle reminder, and lists them", async () => {
    const harness = await harnesses.start({ workers: ["w1", "w2"] });
    expect((await json(harness, ["stuck-list"])).body).toMatchObject({
      ok: true,
      team: "alpha",
      suppressed_idle_alerts: {},
    });

    const cancelled = await json(harness, ["stuck-cancel", "w1"]);
    expect(cancelled.body).toMatchObject({
      ok: true,
      agent_id: "w1",
      alert_types: ["stuck"],
      suppressed: { stuck: { suppressed_by: "leader" } },
    });
    const acknowledged = await json(harness, ["acknowledge-idle", "alpha"]);
    expect(acknowledged.body).toMatchObject({ ok: true, team: "alpha", agent_id: null, ttl_seconds: 1800 });

    const listed = await cli(harness, ["stuck-list"]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split("\n");
    expect(lines[0]).toBe("2 worker(s) with silenced alerts in team alpha");
    expect(lines.filter((line) => /^\s+w1\s+stuck\s+since .* by leader/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /idle_fallback/.test(line))).toHaveLength(2);

    const unknown = await json(harness, ["stuck-cancel", "nobody"]);
    expect(unknown.code).toBe(1);
    expect(unknown.body).toMatchObject({ error: { code: "unknown_agent" } });
    const badType = await cli(harness, ["stuck-cancel", "w1", "--alert-type", "loud"]);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toContain("stuck, idle_fallback, all");
  });
});
