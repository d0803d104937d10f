/**
 * Single-worker lifecycle against a real team: fake workers in a private tmux server, the real store, no daemon
 * (the test delivers messages itself, so every step is deterministic).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isoNow } from "@team-agent/core-state";
import { describe, expect, test } from "vitest";
import { addAgent, forkAgent, removeAgent, resetAgent, startAgent, stopAgent } from "../../src/ops/agent-lifecycle.js";
import type { TeamHarness } from "../helpers/team-harness.js";
import { useTeamHarness } from "../helpers/use-team-harness.js";

const harnesses = useTeamHarness();
const noDaemon = { daemon: false } as const;

async function windowOpen(harness: TeamHarness, agentId: string): Promise<boolean> {
  return harness.tmux.windowExists(harness.team().session_name, agentId);
}

function transcriptOf(harness: TeamHarness, agentId: string): string {
  const path = harness.agent(agentId).rollout_path;
  if (path === null) throw new Error(`${agentId} has no transcript path`);
  return readFileSync(path, "utf8");
}

/** Sends one message from the lead and waits for the worker's session; returns the session id and message id. */
async function talkTo(harness: TeamHarness, agentId: string, content: string) {
  const sent = await harness.sendFromLeader(agentId, content);
  expect(sent).toMatchObject({ status: "submitted", delivered_by: "caller" });
  return { sessionId: await harness.waitForSession(agentId), messageId: sent.message_id };
}

function writeRoleFile(harness: TeamHarness, name: string, frontMatter: string): string {
  const dir = join(harness.workspace, "roles");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.md`), `---\n${frontMatter}\n---\nYou review small diffs.\n`);
  return `roles/${name}.md`;
}

/** Everything a refused or rolled-back operation must leave exactly as it was. */
function storage(harness: TeamHarness) {
  const team = harness.team();
  const store = harness.runtime.store;
  const filesIn = (dir: string) =>
    existsSync(dir)
      ? Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), "utf8")]))
      : {};
  return {
    spec: team.spec,
    attrs: team.attrs,
    agents: store.agents.list(team.team_id),
    health: store.health.read(team.team_id),
    roleFiles: filesIn(harness.runtime.layout.dynamicRoleDir),
    mcpFiles: filesIn(harness.runtime.layout.mcpConfigDir),
  };
}

function specAgentIds(harness: TeamHarness): string[] {
  return harness.runtime.spec(harness.team()).agents.map((agent) => agent.id);
}

describe("stop and start", () => {
  test("a stopped worker resumes its own conversation, and a second start is a no-op", async () => {
    const harness = await harnesses.start({ workers: 1 });
    const first = await talkTo(harness, "w1", "first task");

    const stopped = await stopAgent(harness.runtime, harness.team(), "w1");
    expect(stopped).toEqual({ ok: true, agent_id: "w1", status: "stopped", stopped: true });
    expect(await windowOpen(harness, "w1")).toBe(false);
    expect(harness.agent("w1")).toMatchObject({ status: "stopped", pane_id: null, session_id: first.sessionId });

    const started = await startAgent(harness.runtime, harness.team(), "w1", noDaemon);
    expect(started).toMatchObject({ ok: true, status: "running", start_mode: "resumed", session_id: first.sessionId });
    expect(await windowOpen(harness, "w1")).toBe(true);
    await harness.waitReady("w1");

    const again = await startAgent(harness.runtime, harness.team(), "w1", noDaemon);
    expect(again).toMatchObject({ ok: true, start_mode: "noop", coordinator: null });
    expect(again.ok && again.pane_id).toBe(started.ok && started.pane_id);
    expect(harness.events("start_agent.noop")).toHaveLength(1);

    // The resumed CLI writes on in the same transcript.
    const second = await harness.sendFromLeader("w1", "second task");
    expect(second.status).toBe("submitted");
    expect(harness.agent("w1").session_id).toBe(first.sessionId);
    await expect.poll(() => transcriptOf(harness, "w1"), { timeout: 5_000 }).toContain(second.message_id);
    expect(transcriptOf(harness, "w1")).toContain(first.messageId);

    await stopAgent(harness.runtime, harness.team(), "w1");
    const stoppedAgain = await stopAgent(harness.runtime, harness.team(), "w1");
    expect(stoppedAgain.stopped).toBe(false);
  });

  test("start refuses to drop a conversation unless fresh is allowed; paused workers and the lead are refused", async () => {
    const harness = await harnesses.start({ workers: ["w1", "w2"], paused: ["w2"] });
    const { runtime } = harness;
    // w1 was talked to, but its session was never captured.
    runtime.store.agents.setAttrs(harness.team().team_id, "w1", { first_send_at: isoNow() });
    await stopAgent(runtime, harness.team(), "w1");

    const refused = startAgent(runtime, harness.team(), "w1", noDaemon);
    await expect(refused).rejects.toMatchObject({ code: "resume_unavailable" });
    await expect(refused).rejects.toThrow(/no session id was captured/);
    await expect(refused).rejects.toMatchObject({ action: expect.stringContaining("--allow-fresh") });
    expect(await windowOpen(harness, "w1")).toBe(false);

    const fresh = await startAgent(runtime, harness.team(), "w1", { ...noDaemon, allowFresh: true });
    expect(fresh).toMatchObject({ ok: true, start_mode: "fresh", session_id: null });
    expect(harness.events("start_agent.fresh_spawn").at(-1)).toMatchObject({ agent_id: "w1", reason: "allow_fresh" });

    expect(await startAgent(runtime, harness.team(), "w2", noDaemon)).toEqual({
      ok: false,
      agent_id: "w2",
      status: "paused",
      reason: "agent_paused",
    });
    expect(await windowOpen(harness, "w2")).toBe(false);
    await expect(startAgent(runtime, harness.team(), "leader")).rejects.toMatchObject({ code: "leader_not_a_worker" });
    await expect(stopAgent(runtime, harness.team(), "nobody")).rejects.toMatchObject({ code: "unknown_agent" });
    await expect(
      forkAgent(runtime, harness.team(), { sourceAgentId: "w1", newAgentId: "w1copy" }),
    ).rejects.toMatchObject({ code: "fork_unsupported", message: expect.stringContaining("provider fake") });
  });
});

describe("reset", () => {
  test("is refused without discardSession; with it the worker starts over on a new session", async () => {
    const harness = await harnesses.start({ workers: 1 });
    const before = await talkTo(harness, "w1", "remember this");
    const paneBefore = harness.agent("w1").pane_id;

    const refused = await resetAgent(harness.runtime, harness.team(), "w1", noDaemon);
    expect(refused).toEqual({ ok: false, agent_id: "w1", status: "refused", reason: "discard_session_required" });
    expect(harness.agent("w1")).toMatchObject({ session_id: before.sessionId, pane_id: paneBefore });

    const reset = await resetAgent(harness.runtime, harness.team(), "w1", { ...noDaemon, discardSession: true });
    expect(reset).toMatchObject({
      ok: true,
      status: "running",
      stopped: { stopped: true },
      started: { start_mode: "fresh", session_id: null },
      coordinator: null,
    });
    expect(reset.ok && "coordinator" in reset.started).toBe(false);
    expect(harness.events("discard.session_tombstone")).toEqual([
      expect.objectContaining({ agent_id: "w1", discarded_session_id: before.sessionId }),
    ]);
    expect(harness.agent("w1").attrs["first_send_at"]).toBeUndefined();

    await harness.waitReady("w1");
    const after = await talkTo(harness, "w1", "a new start");
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(transcriptOf(harness, "w1")).not.toContain(before.messageId);
  });
});

describe("add", () => {
  test("starts a worker from a role file; bad files and failed starts leave nothing behind", async () => {
    const harness = await harnesses.start({ workers: 1 });
    const { runtime } = harness;
    const roleText = "name: w9\nrole: reviewer\nprovider: fake\ntools: [fs_read, mcp_team]";
    const roleFile = writeRoleFile(harness, "w9", roleText);

    const added = await addAgent(runtime, harness.team(), { ...noDaemon, agentId: "w9", roleFile });
    const expectedSha = createHash("sha256")
      .update(readFileSync(join(harness.workspace, roleFile)))
      .digest("hex");
    expect(added).toMatchObject({
      ok: true,
      agent_id: "w9",
      role_file: ".team/dynamic-role-files/w9.md",
      role_file_sha: expectedSha,
      started: { start_mode: "fresh" },
    });
    expect(harness.agent("w9").attrs).toMatchObject({
      dynamic_role_file: ".team/dynamic-role-files/w9.md",
      role_file_sha: expectedSha,
    });
    expect(specAgentIds(harness)).toEqual(["w1", "w9"]);
    expect(runtime.spec(harness.team()).runtime.startup_order).toEqual(["w1", "w9"]);
    await harness.waitReady("w9");
    expect(harness.events("lifecycle.add_step_completed").map((event) => event["step"])).toEqual([
      "role_file",
      "compile",
      "spec",
      "start",
      "record",
    ]);
    await expect(addAgent(runtime, harness.team(), { ...noDaemon, agentId: "w9", roleFile })).rejects.toMatchObject({
      code: "agent_exists",
    });
    await expect(
      addAgent(runtime, harness.team(), { ...noDaemon, agentId: "w5", roleFile: "roles/none.md" }),
    ).rejects.toMatchObject({ code: "role_file_missing" });

    const untouched = storage(harness);
    const invalid = writeRoleFile(harness, "w8", "name: w8\nrole: reviewer\nprovider: fake");
    await expect(
      addAgent(runtime, harness.team(), { ...noDaemon, agentId: "w8", roleFile: invalid }),
    ).rejects.toMatchObject({ code: "role_file_invalid", message: expect.stringContaining("tools") });
    expect(storage(harness)).toEqual(untouched);

    // A provider this process has no plugin for fails after the spec was written: the spec comes back.
    const foreign = writeRoleFile(harness, "w7", "name: w7\nrole: coder\nprovider: codex\ntools: [fs_read]");
    await expect(
      addAgent(runtime, harness.team(), { ...noDaemon, agentId: "w7", roleFile: foreign }),
    ).rejects.toMatchObject({ code: "unknown_provider" });
    expect(storage(harness)).toEqual(untouched);
    expect(harness.events("lifecycle.add_failed").at(-1)).toMatchObject({
      agent_id: "w7",
      failed_step: "spec",
      rolled_back: ["spec", "role_file"],
      rollback_errors: [],
    });

    // With the team's tmux session gone the start itself fails (after the MCP config was written).
    await harness.tmux.killSession(harness.team().session_name);
    const late = writeRoleFile(harness, "w6", "name: w6\nrole: tester\nprovider: fake\ntools: [fs_read]");
    await expect(
      addAgent(runtime, harness.team(), { ...noDaemon, agentId: "w6", roleFile: late }),
    ).rejects.toMatchObject({ code: "worker_window_failed" });
    expect(storage(harness)).toEqual(untouched);
    expect(harness.events("lifecycle.add_failed").at(-1)).toMatchObject({ agent_id: "w6", failed_step: "start" });
  });
});

describe("remove", () => {
  test("refusals change nothing; a forced removal clears every location of the worker", async () => {
    const harness = await harnesses.start({ workers: ["w1", "w2"] });
    const { runtime } = harness;
    const teamId = harness.team().team_id;
    const roleFile = writeRoleFile(harness, "w9", "name: w9\nrole: reviewer\nprovider: fake\ntools: [fs_read]");
    await addAgent(runtime, harness.team(), { ...noDaemon, agentId: "w9", roleFile });
    runtime.store.health.upsert(teamId, "w9", { status: "IDLE" });

    const untouched = storage(harness);
    const refusals = [
      [{}, "w1", "from_spec_confirm_required"],
      [{ fromSpec: true }, "w1", "from_spec_confirm_required"],
      [{ fromSpec: true, confirm: true }, "w1", "force_required"],
      [{}, "w9", "force_required"],
    ] as const;
    for (const [options, agentId, reason] of refusals) {
      const result = await removeAgent(runtime, harness.team(), agentId, { ...noDaemon, ...options });
      expect(result).toEqual({ ok: false, agent_id: agentId, status: "refused", reason });
      expect(storage(harness)).toEqual(untouched);
    }
    expect(await windowOpen(harness, "w9")).toBe(true);

    const removed = await removeAgent(runtime, harness.team(), "w9", { ...noDaemon, force: true });
    expect(removed).toEqual({
      ok: true,
      agent_id: "w9",
      status: "removed",
      from_spec: false,
      force: true,
      stopped: true,
      role_file_removed: true,
      cleared_locations: ["stop", "agent_row", "spec", "role_file", "mcp_config", "health"],
    });
    expect(await windowOpen(harness, "w9")).toBe(false);
    expect(runtime.store.agents.get(teamId, "w9")).toBeNull();
    expect(runtime.store.health.get(teamId, "w9")).toBeNull();
    expect(existsSync(join(runtime.layout.dynamicRoleDir, "w9.md"))).toBe(false);
    expect(specAgentIds(harness)).toEqual(["w1", "w2"]);

    const native = await removeAgent(runtime, harness.team(), "w1", {
      ...noDaemon,
      fromSpec: true,
      confirm: true,
      force: true,
    });
    expect(native).toMatchObject({ ok: true, from_spec: true, stopped: true, role_file_removed: false });
    const spec = runtime.spec(harness.team());
    expect(spec.agents.map((agent) => agent.id)).toEqual(["w2"]);
    expect(spec.routing.default_assignee).toBe("w2");
    expect(spec.runtime.startup_order).toEqual(["w2"]);

    // The last worker cannot go: the spec would be invalid. Checked before anything is touched.
    const lastStanding = storage(harness);
    await expect(
      removeAgent(runtime, harness.team(), "w2", { ...noDaemon, fromSpec: true, confirm: true, force: true }),
    ).rejects.toMatchObject({ code: "remove_agent_spec_invalid" });
    expect(storage(harness)).toEqual(lastStanding);
    expect(await windowOpen(harness, "w2")).toBe(true);
  });
});
