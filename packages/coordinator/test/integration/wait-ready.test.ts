/**
 * wait-ready and the workspace-trust screen: one answerer per pane. With the team's daemon holding its lease,
 * wait-ready leaves the answer to it (two processes pressing keys on one dialog can step past the trusting option);
 * without one, wait-ready answers itself. The worker is the fake agent CLI asking for trust first, whose
 * highlighted default exits, as Claude Code's does.
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { wakeDir } from "../../src/ops/send.js";
import { waitReady } from "../../src/ops/wait-ready.js";
import type { TeamHarness } from "../helpers/team-harness.js";
import { waitFor } from "../helpers/team-harness.js";
import { useTeamHarness } from "../helpers/use-team-harness.js";

const harnesses = useTeamHarness();

/** Restarts worker w1's CLI so that it asks for workspace trust before its prompt; returns the pane id. */
async function askingForTrust(harness: TeamHarness): Promise<string> {
  const pane = harness.agent("w1").pane_id as string;
  const start = (await harness.tmux.run(["display-message", "-p", "-t", pane, "#{pane_start_command}"])).stdout.trim();
  await harness.tmux.run(["respawn-pane", "-k", "-t", pane, `${start} --trust-prompt`]);
  await waitFor(async () => (await harness.tmux.capturePane(pane)).text.includes("do you trust this folder"), "trust");
  return pane;
}

it("leaves the trust screen to a live daemon: reads the policy's verdict, wakes it, presses nothing", async () => {
  const harness = await harnesses.start({ workers: 1 });
  const pane = await askingForTrust(harness);
  const team = harness.team();
  const held = harness.runtime.store.lease.acquire(team.team_id, {
    // No pid: the harness's cleanup stops a lease holder by its pid, and this stand-in is the test process.
    holderId: "stand-in-daemon",
    pid: null,
    hostname: hostname(),
    ttlMs: 60_000,
  });
  expect(held.acquired).toBe(true);

  const result = await waitReady(harness.runtime, team, { timeoutMs: 1_500 });
  expect(result).toMatchObject({ ok: false, status: "timeout" });
  expect(result.agents).toEqual([{ agent_id: "w1", ready: false, screen: "trust_prompt", trust: "left_to_daemon" }]);
  expect(existsSync(join(wakeDir(harness.runtime), team.team_id))).toBe(true);
  expect(harness.events("leader_panes.trust_auto_answered")).toEqual([]);
  expect((await harness.tmux.capturePane(pane)).text).toContain("do you trust this folder");
});

it("answers the trust screen itself when no daemon holds the lease, then reports the worker ready", async () => {
  const harness = await harnesses.start({ workers: 1 });
  const pane = await askingForTrust(harness);
  const result = await waitReady(harness.runtime, harness.team(), { timeoutMs: 20_000 });
  expect(result).toMatchObject({ ok: true, status: "ready" });
  expect(harness.events("leader_panes.trust_auto_answered").map((event) => event["pane_id"])).toEqual([pane]);
  expect(harness.events("quick_start.trust_auto_answer_attempted")).toMatchObject([{ status: "answered" }]);
});
