/**
 * `identity`, `attach-leader`, `claim-leader` and `takeover` through the real bin. The caller is a pane on the
 * harness's private tmux server, named to the CLI the way tmux names it to a shell inside it ($TMUX, $TMUX_PANE).
 * Ownership needs a registered team, not a running one.
 */
import { deriveLeaderSessionUuid } from "@team-agent/core-state";
import { describe, expect, it } from "vitest";
import { fakeTeamSpec, type TeamHarness } from "../../../coordinator/test/helpers/team-harness.js";
import { useTeamHarness } from "../../../coordinator/test/helpers/use-team-harness.js";
import { teamAgent } from "../helpers/cli.js";

const harnesses = useTeamHarness();

async function registeredTeam(): Promise<TeamHarness> {
  const harness = await harnesses.create();
  harness.runtime.store.teams.register({
    teamId: "crew",
    sessionName: "team-crew",
    workspace: harness.workspace,
    leaderId: "leader",
    leaderProvider: "claude_code",
    spec: fakeTeamSpec(harness.workspace, { name: "crew" }),
  });
  return harness;
}

/** A pane on the harness's server and the environment of a shell inside it. */
async function pane(harness: TeamHarness, session: string): Promise<Record<string, string>> {
  const opened = await harness.tmux.newSession({ name: session, command: ["sleep", "600"], width: 80, height: 20 });
  if (!opened.ok || opened.paneId === null) throw new Error(`pane: ${opened.error}`);
  const socket = (
    await harness.tmux.run(["display-message", "-p", "-t", opened.paneId, "#{socket_path}"])
  ).stdout.trim();
  return { TMUX: `${socket},1,0`, TMUX_PANE: opened.paneId };
}

const OUTSIDE_TMUX = { TMUX: "", TMUX_PANE: "", TEAM_AGENT_LEADER_PANE_ID: "" };

async function run(harness: TeamHarness, args: readonly string[], env: Record<string, string>) {
  const result = await teamAgent([...args, "--json"], {
    cwd: harness.workspace,
    env: { ...OUTSIDE_TMUX, USER: "tester", TEAM_AGENT_MACHINE_FINGERPRINT: "box-1", ...env },
  });
  return { code: result.code, body: result.json<Record<string, unknown>>() };
}

describe("identity", () => {
  it("answers in a workspace without a team, and follows the override", async () => {
    const harness = await harnesses.create();
    const plain = await run(harness, ["identity"], { TMUX_PANE: "%7" });
    expect(plain.code).toBe(0);
    const uuid = deriveLeaderSessionUuid({
      fingerprint: "box-1",
      workspace: harness.workspace,
      osUser: "tester",
      teamId: "",
    });
    expect(plain.body).toMatchObject({
      ok: true,
      source: "derived",
      uuid_prefix: uuid.slice(0, 12),
      machine_fingerprint: "box-1",
      workspace_abspath: harness.workspace,
      os_user: "tester",
      team_id: "",
      current_pane_id: "%7",
    });
    const overridden = await run(harness, ["identity"], {
      TEAM_AGENT_LEADER_SESSION_UUID_OVERRIDE: "0123456789abcdef",
    });
    expect(overridden.body).toMatchObject({ source: "override", uuid_prefix: "0123456789ab" });
  });
});

describe("who leads the team", () => {
  it("attach, a refused claim over a live lead, takeover, then a claim once that lead is gone", async () => {
    const harness = await registeredTeam();
    const first = await pane(harness, "first");
    const second = await pane(harness, "second");

    const missing = await run(harness, ["claim-leader", "--confirm"], {});
    expect(missing.code).toBe(1);
    expect(missing.body).toMatchObject({
      ok: false,
      reason: "caller_pane_missing",
      error: { code: "caller_pane_missing" },
    });

    const attached = await run(harness, ["attach-leader"], first);
    expect(attached.code).toBe(0);
    expect(attached.body).toMatchObject({
      ok: true,
      team: "crew",
      leader_receiver: { pane_id: first.TMUX_PANE },
      validation: { pane_exists: true, pane_current_command: "sleep" },
    });
    expect((await run(harness, ["identity"], first)).body).toMatchObject({
      team_id: "crew",
      owner_pane_id: first.TMUX_PANE,
    });

    const refused = await run(harness, ["claim-leader", "--confirm"], second);
    expect(refused.code).toBe(1);
    expect(refused.body).toMatchObject({
      reason: "team_owner_mismatch",
      reason_kind: "owner_takeover_required",
      error: { code: "team_owner_mismatch", action: "team-agent takeover --confirm" },
    });

    const unconfirmed = await run(harness, ["takeover"], second);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.body).toMatchObject({
      error: { code: "confirm_required", action: "rerun with --confirm to claim ownership of this team" },
    });
    const taken = await run(harness, ["takeover", "--confirm"], second);
    expect(taken.code).toBe(0);
    expect(taken.body).toMatchObject({
      ok: true,
      status: "claimed",
      team_owner: { pane_id: second.TMUX_PANE, owner_epoch: 1, claimed_via: "takeover" },
      previous_owner: { pane_id: first.TMUX_PANE, owner_epoch: 0 },
    });

    await harness.tmux.killSession("second");
    const dryRun = await run(harness, ["claim-leader"], first);
    expect(dryRun.body).toMatchObject({ ok: true, status: "dry_run", would_bind_pane_id: first.TMUX_PANE });
    expect(harness.runtime.store.leader.get("crew")?.pane_id).toBe(second.TMUX_PANE);
    const claimed = await run(harness, ["claim-leader", "--confirm"], first);
    expect(claimed.code).toBe(0);
    expect(claimed.body).toMatchObject({
      ok: true,
      status: "claimed",
      owner_epoch: 2,
      losers: [second.TMUX_PANE],
      leader_receiver: { pane_id: first.TMUX_PANE },
    });
    expect(harness.runtime.store.leader.get("crew")).toMatchObject({ pane_id: first.TMUX_PANE, owner_epoch: 2 });
  });
});
