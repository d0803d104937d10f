/**
 * Team shutdown and restart against a real team: fake workers in a private tmux server, the real store; the daemon
 * only in the test that needs it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isoNow } from "@team-agent/core-state";
import { describe, expect, test } from "vitest";
import { coordinatorHealth } from "../../src/daemon/process.js";
import { restartTeam, shutdownTeam } from "../../src/ops/team-lifecycle.js";
import { type TeamHarness, waitFor } from "../helpers/team-harness.js";
import { useTeamHarness } from "../helpers/use-team-harness.js";

const harnesses = useTeamHarness();
const noDaemon = { daemon: false } as const;

async function talkTo(harness: TeamHarness, agentId: string, content: string): Promise<string> {
  const sent = await harness.sendFromLeader(agentId, content);
  expect(sent.submitted).toBe(true);
  return harness.waitForSession(agentId);
}

function transcriptOf(harness: TeamHarness, agentId: string): string {
  return readFileSync(harness.agent(agentId).rollout_path as string, "utf8");
}

describe("shutdown and restart", () => {
  test("shutdown stops everything but the records; restart resumes every worker on its own session", async () => {
    const harness = await harnesses.start({ workers: ["w1", "w2", "w3"], paused: ["w3"] });
    const { runtime, tmux } = harness;
    const sessions = { w1: await talkTo(harness, "w1", "task one"), w2: await talkTo(harness, "w2", "task two") };

    const shutdown = await shutdownTeam(runtime, harness.team(), { keepLogs: true });
    expect(shutdown).toMatchObject({
      ok: true,
      stopped_agents: ["w1", "w2"],
      session_killed: true,
      server_stopped: true,
      coordinator: { status: "missing" },
      logs: [".team/logs/w1.scrollback", ".team/logs/w2.scrollback"],
    });
    expect(await tmux.listSessions()).toEqual([]);
    expect(harness.team().status).toBe("stopped");
    expect(harness.agent("w1")).toMatchObject({ status: "stopped", pane_id: null, session_id: sessions.w1 });
    expect(harness.agent("w3").status).toBe("paused");
    expect(readFileSync(join(harness.workspace, ".team/logs/w1.scrollback"), "utf8")).toContain("❯");
    expect(existsSync(runtime.layout.dbPath)).toBe(true);

    const restarted = await restartTeam(runtime, harness.team(), noDaemon);
    expect(restarted).toEqual({
      ok: true,
      team_id: "alpha",
      session_name: "team-alpha",
      agents: [
        { agent_id: "w1", restart_mode: "resumed", session_id: sessions.w1 },
        { agent_id: "w2", restart_mode: "resumed", session_id: sessions.w2 },
        { agent_id: "w3", restart_mode: "paused", session_id: null },
      ],
      coordinator: null,
    });
    expect(harness.team().status).toBe("alive");
    expect(await tmux.listWindows("team-alpha")).toEqual(["_team", "w1", "w2"]);
    expect(harness.agent("w3").status).toBe("paused");

    // The resumed CLI continues the same transcript.
    await harness.waitReady("w2");
    const next = await harness.sendFromLeader("w2", "after the restart");
    expect(next.submitted).toBe(true);
    expect(harness.agent("w2").session_id).toBe(sessions.w2);
    await expect.poll(() => transcriptOf(harness, "w2"), { timeout: 5_000 }).toContain(next.message_id);

    await expect(restartTeam(runtime, harness.team(), noDaemon)).rejects.toMatchObject({ code: "team_session_exists" });
    expect(harness.events("restart.session_conflict")).toHaveLength(1);
  });

  test("restart refuses as a whole when a worker would lose its conversation, and starts nothing", async () => {
    const harness = await harnesses.start({ workers: ["w1", "w2", "w3"] });
    const { runtime, tmux } = harness;
    const teamId = harness.team().team_id;
    const w1Session = await talkTo(harness, "w1", "keep this");
    // w2 was talked to but its session never got captured; w3 was never talked to.
    const firstSend = isoNow();
    runtime.store.agents.setAttrs(teamId, "w2", { first_send_at: firstSend });
    await shutdownTeam(runtime, harness.team(), { captureBudgetMs: 200 });
    expect(harness.events("shutdown.session_capture_missed").map((event) => event["agent_id"])).toEqual(["w2", "w3"]);

    const refused = await restartTeam(runtime, harness.team(), noDaemon);
    expect(refused).toMatchObject({
      ok: false,
      status: "refused",
      reason: "resume_atomicity",
      unresumable: [{ agent_id: "w2", reason: "no_persisted_session_id", session_id: null, first_send_at: firstSend }],
    });
    expect(refused.ok === false && refused.error).toContain("w2");
    expect(await tmux.listSessions()).toEqual([]);
    expect(harness.team().status).toBe("stopped");
    expect(harness.events("restart.agent_start")).toEqual([]);
    expect(harness.events("restart.resume_decision").map((event) => [event["worker_id"], event["decision"]])).toEqual([
      ["w1", "resume"],
      ["w2", "refuse"],
      ["w3", "fresh_start"],
    ]);

    for (const corrupt of ["", 0, false, "null"]) {
      runtime.store.agents.setAttrs(teamId, "w1", { first_send_at: corrupt });
      const invalid = await restartTeam(runtime, harness.team(), { ...noDaemon, allowFresh: true });
      expect(invalid).toMatchObject({
        ok: false,
        reason: "invalid_first_send_at",
        invalid: [{ agent_id: "w1", raw_first_send_at: corrupt }],
      });
      expect(await tmux.listSessions()).toEqual([]);
    }
    runtime.store.agents.setAttrs(teamId, "w1", { first_send_at: isoNow() });

    const allowed = await restartTeam(runtime, harness.team(), { ...noDaemon, allowFresh: true });
    expect(allowed.ok && allowed.agents).toEqual([
      { agent_id: "w1", restart_mode: "resumed", session_id: w1Session },
      { agent_id: "w2", restart_mode: "fresh", session_id: null },
      { agent_id: "w3", restart_mode: "fresh", session_id: null },
    ]);
    expect(harness.events("restart.fresh_spawn").map((event) => [event["agent_id"], event["reason"]])).toEqual([
      ["w2", "allow_fresh"],
      ["w3", "never_interacted"],
    ]);
  });

  test("a team whose tmux server was killed restarts, and its daemon delivers again", async () => {
    const harness = await harnesses.start({ workers: 1, daemon: true, tickIntervalMs: 200 });
    const { runtime, tmux } = harness;
    const first = await harness.sendFromLeader("w1", "before the crash");
    expect(first).toMatchObject({ submitted: true, delivered_by: "daemon" });
    const session = await harness.waitForSession("w1");

    await tmux.killServer();
    // The daemon notices the session is gone and leaves on its own.
    await waitFor(() => coordinatorHealth(runtime, harness.team()).status !== "running", "the daemon to exit", 15_000);
    expect(harness.team().status).toBe("alive");

    const restarted = await restartTeam(runtime, harness.team());
    expect(restarted).toMatchObject({
      ok: true,
      agents: [{ agent_id: "w1", restart_mode: "resumed", session_id: session }],
      coordinator: { status: "started" },
    });
    await harness.waitReady("w1");
    const after = await harness.sendFromLeader("w1", "after the crash");
    expect(after).toMatchObject({ submitted: true, delivered_by: "daemon" });
    await expect.poll(() => transcriptOf(harness, "w1"), { timeout: 5_000 }).toContain(after.message_id);
    expect(transcriptOf(harness, "w1")).toContain(first.message_id);

    const shutdown = await shutdownTeam(runtime, harness.team());
    expect(shutdown.coordinator.status).toBe("stopped");
    expect(coordinatorHealth(runtime, harness.team()).status).not.toBe("running");
  });
});
