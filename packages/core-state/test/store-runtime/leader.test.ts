import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { type TeamRuntimeError, ValidationError } from "../../src/errors.js";
import {
  deriveLeaderSessionUuid,
  type LeaderBindInput,
  LeaderBindingRepo,
  type LeaderClaimInput,
} from "../../src/store/leader.js";
import { thrownBy } from "../helpers/errors.js";
import { useTempStore } from "../helpers/temp-store.js";

const OWNER: LeaderBindInput = {
  paneId: "%12",
  provider: "codex",
  machineFingerprint: "host-fp",
  osUser: "ada",
  claimedVia: "launch",
};

/** Claims name no `claimedVia`, so the repo records `claim-leader` / `takeover`. */
const CLAIMANT: LeaderClaimInput = {
  paneId: OWNER.paneId,
  provider: OWNER.provider,
  machineFingerprint: OWNER.machineFingerprint,
  osUser: OWNER.osUser,
};

describe("deriveLeaderSessionUuid", () => {
  it("is the first 32 hex of SHA-256 over the four parts joined by NUL", () => {
    const parts = { fingerprint: "host-fp", workspace: "/w/alpha", osUser: "ada", teamId: "alpha" };
    const expected = createHash("sha256")
      .update("host-fp\u0000/w/alpha\u0000ada\u0000alpha")
      .digest("hex")
      .slice(0, 32);
    expect(deriveLeaderSessionUuid(parts)).toBe(expected);
    expect(deriveLeaderSessionUuid(parts)).toMatch(/^[0-9a-f]{32}$/);
    // Joining without a separator would make these two collide.
    expect(deriveLeaderSessionUuid({ ...parts, fingerprint: "host-f", workspace: "p/w/alpha" })).not.toBe(expected);
    expect(deriveLeaderSessionUuid({ ...parts, fingerprint: "" })).toMatch(/^[0-9a-f]{32}$/);
  });

  it("rejects inputs containing NUL", () => {
    const error = thrownBy(() =>
      deriveLeaderSessionUuid({ fingerprint: "a\u0000b", workspace: "/w", osUser: "u\u0000", teamId: "t" }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((problem) => problem.pointer)).toEqual(["/fingerprint", "/osUser"]);
  });
});

describe("LeaderBindingRepo", () => {
  const store = useTempStore({ teams: ["alpha"] });
  let leader: LeaderBindingRepo;
  const uuidFor = (input: LeaderBindInput) =>
    deriveLeaderSessionUuid({
      fingerprint: input.machineFingerprint,
      workspace: "/w/alpha",
      osUser: input.osUser,
      teamId: "alpha",
    });

  beforeEach(() => {
    leader = new LeaderBindingRepo(store.ctx);
  });

  it("first bind records the owner at epoch 0 with the derived session uuid", () => {
    expect(leader.get("alpha")).toBeNull();
    expect(
      leader.bind("alpha", { ...OWNER, receiver: { mode: "direct_tmux", status: "attached", pane_id: "%12" } }),
    ).toBe(true);
    const uuid = uuidFor(OWNER);
    expect(leader.get("alpha")).toEqual({
      team_id: "alpha",
      pane_id: "%12",
      provider: "codex",
      machine_fingerprint: "host-fp",
      leader_session_uuid: uuid,
      owner_epoch: 0,
      os_user: "ada",
      claimed_at: store.clock.iso(),
      claimed_via: "launch",
      receiver: { mode: "direct_tmux", status: "attached", pane_id: "%12", leader_session_uuid: uuid, owner_epoch: 0 },
      updated_at: store.clock.iso(),
    });
  });

  it("a later bind refreshes identity without moving the epoch, and an identical bind is skipped", () => {
    leader.bind("alpha", OWNER);
    const first = leader.get("alpha")!;
    store.clock.advance(1_000);
    expect(leader.bind("alpha", OWNER)).toBe(false);
    expect(leader.get("alpha")).toEqual(first);

    expect(leader.bind("alpha", { ...OWNER, paneId: "%40", claimedVia: "quick_start" })).toBe(true);
    expect(leader.get("alpha")).toMatchObject({
      pane_id: "%40",
      owner_epoch: 0,
      claimed_via: "quick_start",
      claimed_at: store.clock.iso(),
      leader_session_uuid: first.leader_session_uuid,
    });
  });

  it("an explicit session uuid overrides the derived one", () => {
    leader.bind("alpha", { ...OWNER, leaderSessionUuid: "0123456789abcdef0123456789abcdef" });
    expect(leader.get("alpha")?.leader_session_uuid).toBe("0123456789abcdef0123456789abcdef");
  });

  it("claim and takeover advance the epoch by one each and emit owner_epoch_advanced", () => {
    leader.bind("alpha", { ...OWNER, receiver: { mode: "direct_tmux", pane_id: "%12" } });
    store.clock.advance(1_000);
    const claimed = leader.claim("alpha", { ...CLAIMANT, paneId: "%20" });
    expect(claimed.previous_epoch).toBe(0);
    expect(claimed.owner_epoch).toBe(1);
    expect(claimed.binding).toMatchObject({ pane_id: "%20", owner_epoch: 1, claimed_via: "claim-leader" });
    expect(claimed.binding.claimed_at).toBe(store.clock.iso());
    // The stored receiver is kept and carries the new epoch.
    expect(claimed.binding.receiver).toMatchObject({ pane_id: "%12", owner_epoch: 1 });

    const taken = leader.takeover("alpha", { ...CLAIMANT, paneId: "%30", osUser: "bob" });
    expect(taken.owner_epoch).toBe(2);
    expect(taken.binding).toMatchObject({ pane_id: "%30", os_user: "bob", claimed_via: "takeover" });
    // The stored uuid wins over a fresh derivation.
    expect(taken.binding.leader_session_uuid).toBe(uuidFor(OWNER));

    expect(store.events.named("owner_epoch_advanced")).toEqual([
      expect.objectContaining({
        team_id: "alpha",
        from_epoch: 0,
        to_epoch: 1,
        pane_id: "%20",
        previous_pane_id: "%12",
      }),
      expect.objectContaining({ team_id: "alpha", from_epoch: 1, to_epoch: 2, claimed_via: "takeover" }),
    ]);
  });

  it("a claim with a stale expected epoch loses with owner_epoch_advanced and changes nothing", () => {
    leader.bind("alpha", OWNER);
    leader.claim("alpha", { ...CLAIMANT, paneId: "%20", expectedEpoch: 0 });
    const before = leader.get("alpha");
    const error = thrownBy<TeamRuntimeError>(() =>
      leader.claim("alpha", { ...CLAIMANT, paneId: "%99", expectedEpoch: 0 }),
    );
    expect(error.code).toBe("owner_epoch_advanced");
    expect(error.details).toMatchObject({ expected_epoch: 0, owner_epoch: 1 });
    expect(leader.get("alpha")).toEqual(before);
    expect(store.events.named("owner_epoch_advanced")).toHaveLength(1);
  });

  it("claiming an unbound team starts at epoch 1", () => {
    const claimed = leader.claim("alpha", CLAIMANT);
    expect(claimed).toMatchObject({ previous_epoch: 0, owner_epoch: 1 });
    expect(claimed.binding.leader_session_uuid).toBe(uuidFor(OWNER));
  });

  it("updateReceiver stamps the row's identity, skips unchanged records and works before a bind", () => {
    expect(leader.updateReceiver("alpha", { mode: "direct_tmux", pane_id: "%5" })).toBe(true);
    expect(leader.get("alpha")).toMatchObject({
      pane_id: null,
      owner_epoch: 0,
      receiver: { mode: "direct_tmux", pane_id: "%5", leader_session_uuid: null, owner_epoch: 0 },
    });
    leader.bind("alpha", OWNER);
    leader.claim("alpha", CLAIMANT);
    expect(leader.updateReceiver("alpha", { mode: "direct_tmux", pane_id: "%6" })).toBe(true);
    expect(leader.get("alpha")?.receiver).toEqual({
      mode: "direct_tmux",
      pane_id: "%6",
      leader_session_uuid: uuidFor(OWNER),
      owner_epoch: 1,
    });
    expect(leader.updateReceiver("alpha", { mode: "direct_tmux", pane_id: "%6" })).toBe(false);
    expect(leader.updateReceiver("alpha", null)).toBe(true);
    expect(leader.get("alpha")?.receiver).toBeNull();
  });

  it("refuses unknown teams", () => {
    expect(thrownBy<TeamRuntimeError>(() => leader.bind("ghost", OWNER)).code).toBe("team_not_found");
    expect(thrownBy<TeamRuntimeError>(() => leader.claim("ghost", OWNER)).code).toBe("team_not_found");
    expect(thrownBy<TeamRuntimeError>(() => leader.updateReceiver("ghost", {})).code).toBe("team_not_found");
    expect(() => leader.get("bad id")).toThrow(ValidationError);
  });
});
