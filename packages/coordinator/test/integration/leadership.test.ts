/**
 * Leadership against a real store and a private tmux server standing in for the user's own: the caller is whatever
 * pane `$TMUX`/`$TMUX_PANE` name, exactly as inside a real lead pane. No team needs to run for ownership changes.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deriveLeaderSessionUuid, type TeamRow } from "@team-agent/core-state";
import { ProviderRegistry } from "@team-agent/provider-registry";
import type { TmuxClient } from "@team-agent/tmux-prompt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readReceiver } from "../../src/ops/leader.js";
import {
  attachLeader,
  bindCallerAsLeader,
  type CallerEnv,
  callerPaneId,
  callerTmuxServer,
  claimLeader,
  leaderIdentity,
  providerFromCommand,
  takeoverTeam,
} from "../../src/ops/leadership.js";
import { TeamRuntime } from "../../src/runtime/runtime.js";
import { fakeTeamSpec } from "../helpers/team-harness.js";

describe("the caller from its environment", () => {
  it("reads the pane from TEAM_AGENT_LEADER_PANE_ID before TMUX_PANE, ignoring blanks", () => {
    expect(callerPaneId({ TMUX_PANE: "%3" })).toBe("%3");
    expect(callerPaneId({ TMUX_PANE: "%3", TEAM_AGENT_LEADER_PANE_ID: "%9" })).toBe("%9");
    expect(callerPaneId({ TMUX_PANE: " ", TEAM_AGENT_LEADER_PANE_ID: "" })).toBeNull();
  });

  it("reads the tmux server's socket from $TMUX, commas in the path included", () => {
    expect(callerTmuxServer({ TMUX: "/tmp/tmux-1000/default,4242,0" })).toEqual({
      socketPath: "/tmp/tmux-1000/default",
    });
    expect(callerTmuxServer({ TMUX: "/tmp/a,b/sock,1,2" })).toEqual({ socketPath: "/tmp/a,b/sock" });
    expect(callerTmuxServer({})).toEqual({ default: true });
  });

  it("names the lead's provider after its pane's program", () => {
    expect(providerFromCommand("claude")).toBe("claude_code");
    expect(providerFromCommand("node")).toBe("codex");
    expect(providerFromCommand("bash")).toBeNull();
  });
});

let workspace: string;
let runtime: TeamRuntime;
let socketName: string;
let tmux: TmuxClient;
let socketPath: string;

beforeEach(async () => {
  workspace = mkdtempSync(join(tmpdir(), "ta-leadership-"));
  runtime = await TeamRuntime.open({ workspace, registry: ProviderRegistry.fromPlugins([]) });
  runtime.store.teams.register({
    teamId: "crew",
    sessionName: "team-crew",
    workspace: runtime.workspace,
    leaderId: "leader",
    leaderProvider: "claude_code",
    spec: fakeTeamSpec(runtime.workspace, { name: "crew" }),
  });
  socketName = `ta-test-${randomBytes(6).toString("hex")}`;
  tmux = runtime.tmux({ socketName });
  await openPane("first");
  const shown = await tmux.run(["display-message", "-p", "-t", "first", "#{socket_path}"]);
  socketPath = shown.stdout.trim();
});

afterEach(async () => {
  await tmux.killServer();
  rmSync(socketPath, { force: true });
  await runtime.close();
  rmSync(workspace, { recursive: true, force: true });
});

const team = (): TeamRow => runtime.store.teams.get("crew") as TeamRow;

async function openPane(session: string): Promise<string> {
  const opened = await tmux.newSession({ name: session, command: ["sleep", "600"], width: 80, height: 20 });
  if (!opened.ok || opened.paneId === null) throw new Error(`tmux: ${opened.error}`);
  return opened.paneId;
}

/** What a shell inside `paneId` on the test server would have in its environment. */
function inPane(paneId: string, extra: CallerEnv = {}): CallerEnv {
  return { TMUX: `${socketPath},1,0`, TMUX_PANE: paneId, USER: "tester", ...extra };
}

/** A result watcher whose notification failed: a new lead must get it again. */
function failedWatcher(): string {
  const watcher = runtime.store.watchers.create("crew", { taskId: "t1" });
  runtime.store.watchers.mark(watcher.watcher_id, "notify_failed", { error: "lead pane gone" });
  return watcher.watcher_id;
}

describe("identity", () => {
  it("derives the uuid until one is recorded, and an override wins over both", async () => {
    const env = { ...inPane("%1"), TEAM_AGENT_MACHINE_FINGERPRINT: "box-1" };
    const derived = leaderIdentity(runtime, team(), env);
    const expected = deriveLeaderSessionUuid({
      fingerprint: "box-1",
      workspace: runtime.workspace,
      osUser: "tester",
      teamId: "crew",
    });
    expect(derived).toMatchObject({
      source: "derived",
      uuid_prefix: expected.slice(0, 12),
      machine_fingerprint: "box-1",
      workspace_abspath: runtime.workspace,
      os_user: "tester",
      team_id: "crew",
      current_pane_id: "%1",
      owner_pane_id: null,
    });
    runtime.store.leader.claim("crew", {
      paneId: "%1",
      provider: "codex",
      machineFingerprint: "box-1",
      osUser: "tester",
      leaderSessionUuid: "f".repeat(32),
    });
    expect(leaderIdentity(runtime, team(), env)).toMatchObject({ source: "stored", uuid_prefix: "f".repeat(12) });
    const overridden = leaderIdentity(runtime, team(), { ...env, TEAM_AGENT_LEADER_SESSION_UUID_OVERRIDE: "abc" });
    expect(overridden).toMatchObject({ source: "override", uuid_prefix: "abc" });
    expect(leaderIdentity(runtime, null, env).team_id).toBe("");
  });
});

describe("binding the caller", () => {
  it("binds the caller's pane on the caller's server, and nothing without a pane", async () => {
    const paneId = await openPane("lead");
    expect(await bindCallerAsLeader(runtime, team(), { USER: "tester" }, "quick_start")).toBeNull();
    const bound = await bindCallerAsLeader(runtime, team(), inPane(paneId), "quick_start");
    expect(bound?.receiver).toMatchObject({ pane_id: paneId, server: { socketPath }, provider: "claude_code" });
    expect(bound?.pane_current_command).toBe("sleep");
    expect(runtime.store.leader.get("crew")).toMatchObject({ pane_id: paneId, claimed_via: "quick_start" });
  });

  it("attach-leader binds a live pane and gives exhausted notifications another round", async () => {
    const paneId = await openPane("lead");
    const watcher = runtime.store.watchers.create("crew", { taskId: "t1" });
    for (let attempt = 0; attempt < 5; attempt += 1) runtime.store.watchers.mark(watcher.watcher_id, "notify_failed");
    expect(runtime.store.watchers.get(watcher.watcher_id)?.status).toBe("delivery_exhausted");

    const missing = await attachLeader(runtime, team(), { env: inPane(paneId), paneId: "%999" });
    expect(missing).toMatchObject({ ok: false, reason: "caller_pane_not_found" });
    const attached = await attachLeader(runtime, team(), { env: inPane(paneId), provider: "codex" });
    expect(attached).toMatchObject({
      ok: true,
      leader_receiver: { pane_id: paneId, provider: "codex" },
      validation: { pane_exists: true, pane_current_command: "sleep" },
      requeued_exhausted_watchers: [watcher.watcher_id],
    });
    expect(runtime.store.watchers.get(watcher.watcher_id)?.status).toBe("notify_failed");
  });
});

describe("claim-leader", () => {
  it("refuses without a pane, and while the owner's pane is alive points to takeover", async () => {
    const owner = await openPane("owner");
    const caller = await openPane("caller");
    expect(await claimLeader(runtime, team(), { env: { USER: "tester" }, confirm: true })).toMatchObject({
      ok: false,
      reason: "caller_pane_missing",
    });
    await bindCallerAsLeader(runtime, team(), inPane(owner), "quick_start");
    const refused = await claimLeader(runtime, team(), { env: inPane(caller), confirm: true });
    expect(refused).toMatchObject({
      ok: false,
      reason: "team_owner_mismatch",
      reason_kind: "owner_takeover_required",
      action: "team-agent takeover --confirm",
    });
    expect(runtime.store.leader.get("crew")?.pane_id).toBe(owner);
  });

  it("takes a team whose lead pane is gone: new epoch, receiver here, missed notifications re-queued", async () => {
    const owner = await openPane("owner");
    const caller = await openPane("caller");
    await bindCallerAsLeader(runtime, team(), inPane(owner), "quick_start");
    const epoch = runtime.store.leader.get("crew")?.owner_epoch ?? -1;
    await tmux.killSession("owner");
    const watcher = failedWatcher();
    runtime.store.messages.create("crew", { sender: "w1", recipient: "leader", content: "done", requiresAck: false });

    const dryRun = await claimLeader(runtime, team(), { env: inPane(caller), confirm: false });
    expect(dryRun).toMatchObject({ ok: true, status: "dry_run", would_bind_pane_id: caller, owner_epoch: epoch });
    expect(runtime.store.leader.get("crew")?.pane_id).toBe(owner);

    const claimed = await claimLeader(runtime, team(), { env: inPane(caller), confirm: true });
    expect(claimed).toMatchObject({
      ok: true,
      status: "claimed",
      owner_epoch: epoch + 1,
      previous_epoch: epoch,
      losers: [owner],
      requeued_watchers: [watcher],
      leader_receiver: { pane_id: caller, server: { socketPath } },
      inbox_hint: { command: expect.stringMatching(/^team-agent inbox leader --since /) },
    });
    expect(readReceiver(runtime, team())?.pane_id).toBe(caller);
    expect(runtime.store.leader.get("crew")).toMatchObject({ pane_id: caller, owner_epoch: epoch + 1 });
  });

  it("loses cleanly to a claim that lands first", async () => {
    const caller = await openPane("caller");
    const rival = await openPane("rival");
    const leaderRepo = runtime.store.leader;
    const claim = leaderRepo.claim.bind(leaderRepo);
    // The rival's claim lands between our read of the epoch and our compare-and-set.
    leaderRepo.claim = (teamId, input) => {
      claim(teamId, { ...input, paneId: rival, expectedEpoch: undefined });
      return claim(teamId, input);
    };
    const lost = await claimLeader(runtime, team(), { env: inPane(caller), confirm: true });
    expect(lost).toMatchObject({ ok: false, reason: "owner_epoch_advanced" });
    expect(runtime.store.leader.get("crew")?.pane_id).toBe(rival);
  });
});

describe("takeover", () => {
  it("needs --confirm, takes a team from a live pane, and is idempotent for the owner", async () => {
    const owner = await openPane("owner");
    const caller = await openPane("caller");
    await bindCallerAsLeader(runtime, team(), inPane(owner), "quick_start");
    expect(await takeoverTeam(runtime, team(), { env: inPane(caller), confirm: false })).toMatchObject({
      ok: false,
      reason: "confirm_required",
      action: "rerun with --confirm to claim ownership of this team",
    });
    const watcher = failedWatcher();
    const taken = await takeoverTeam(runtime, team(), {
      env: inPane(caller, { TEAM_AGENT_LEADER_PROVIDER: "codex" }),
      confirm: true,
    });
    expect(taken).toMatchObject({
      ok: true,
      status: "claimed",
      team_owner: { pane_id: caller, provider: "codex", owner_epoch: 1, claimed_via: "takeover" },
      previous_owner: { pane_id: owner, owner_epoch: 0 },
      requeued_watchers: [watcher],
    });
    expect(readReceiver(runtime, team())?.pane_id).toBe(caller);
    const again = await takeoverTeam(runtime, team(), { env: inPane(caller), confirm: true });
    expect(again).toMatchObject({ ok: true, idempotent: true, team_owner: { pane_id: caller, owner_epoch: 1 } });
  });
});
