import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { TeamRuntimeError, ValidationError } from "../errors.js";
import { assertSafeId } from "../ids.js";
import { fromJsonText, type StoreContext, toJsonText } from "./connection.js";
import { RowPatcher } from "./patch.js";
import { assertTeamRegistered } from "./teams.js";

/** §2.5 `team_owner` + `leader_receiver` of one team. `owner_epoch` and `leader_session_uuid` are authoritative here. */
export interface LeaderBindingRow {
  team_id: string;
  pane_id: string | null;
  provider: string | null;
  machine_fingerprint: string | null;
  leader_session_uuid: string | null;
  owner_epoch: number;
  os_user: string | null;
  claimed_at: string | null;
  /** `launch`, `quick_start`, `autopopulate`, `takeover`, `claim-leader`, … */
  claimed_via: string | null;
  /** The receiver record (`{mode: "direct_tmux", status, pane_id, …}`), parsed. */
  receiver: Record<string, unknown> | null;
  updated_at: string;
}

export interface LeaderBindInput {
  paneId: string;
  provider: string;
  machineFingerprint: string;
  osUser: string;
  claimedVia: string;
  receiver?: Record<string, unknown> | null;
  /** An explicit override; otherwise the stored value, else derived (see deriveLeaderSessionUuid). */
  leaderSessionUuid?: string;
}

export interface LeaderClaimInput extends Omit<LeaderBindInput, "claimedVia"> {
  claimedVia?: string;
  /** Compare-and-set: the epoch the caller saw. A different current epoch means another claim won the race. */
  expectedEpoch?: number;
}

export interface LeaderClaimResult {
  previous_epoch: number;
  owner_epoch: number;
  binding: LeaderBindingRow;
}

export interface LeaderIdentityParts {
  fingerprint: string;
  workspace: string;
  osUser: string;
  teamId: string;
}

/** First 32 hex of SHA-256 over fingerprint, workspace, OS user and team id joined by NUL (§2.5). */
export function deriveLeaderSessionUuid(parts: LeaderIdentityParts): string {
  const fields = [parts.fingerprint, parts.workspace, parts.osUser, parts.teamId];
  const pointers = ["/fingerprint", "/workspace", "/osUser", "/teamId"];
  const problems = fields.flatMap((value, index) =>
    value.includes("\0") ? [{ pointer: pointers[index]!, message: "must not contain a NUL character" }] : [],
  );
  if (problems.length > 0) {
    throw new ValidationError("leader identity inputs must not contain NUL characters", problems, {
      code: "invalid_leader_identity",
      action: "Check TEAM_AGENT_MACHINE_FINGERPRINT, the workspace path and $USER for stray NUL bytes.",
    });
  }
  return createHash("sha256").update(fields.join("\0"), "utf8").digest("hex").slice(0, 32);
}

const LEADER_SELECT =
  "SELECT team_id, pane_id, provider, machine_fingerprint, leader_session_uuid, owner_epoch, os_user, claimed_at, " +
  "claimed_via, receiver, updated_at FROM leader_bindings";

type RawLeaderRow = Omit<LeaderBindingRow, "receiver"> & { receiver: string | null };

function toLeaderRow(raw: RawLeaderRow): LeaderBindingRow {
  return { ...raw, receiver: fromJsonText(raw.receiver, null) };
}

/** Owner identity of each team's leader; claims and takeovers advance `owner_epoch` in one transaction. */
export class LeaderBindingRepo {
  private readonly patcher: RowPatcher;
  private readonly selectOne: Database.Statement<[string], RawLeaderRow>;
  private readonly selectWorkspace: Database.Statement<[string], { workspace: string }>;
  private readonly upsertBinding: Database.Statement;
  private readonly insertReceiverOnly: Database.Statement<[string, string | null, string]>;

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db;
    this.patcher = new RowPatcher(db, {
      table: "leader_bindings",
      keyColumns: ["team_id"],
      columns: [
        "pane_id",
        "provider",
        "machine_fingerprint",
        "leader_session_uuid",
        "os_user",
        "claimed_at",
        "claimed_via",
        "receiver",
      ],
      jsonColumns: ["receiver"],
    });
    this.selectOne = db.prepare<[string], RawLeaderRow>(`${LEADER_SELECT} WHERE team_id = ?`);
    this.selectWorkspace = db.prepare<[string], { workspace: string }>("SELECT workspace FROM teams WHERE team_id = ?");
    // Used by claims: the epoch is set only when it still equals what the caller read (@expected_epoch).
    this.upsertBinding = db.prepare(
      "INSERT INTO leader_bindings (team_id, pane_id, provider, machine_fingerprint, leader_session_uuid, owner_epoch, " +
        "os_user, claimed_at, claimed_via, receiver, updated_at) VALUES (@team_id, @pane_id, @provider, " +
        "@machine_fingerprint, @leader_session_uuid, @owner_epoch, @os_user, @now, @claimed_via, @receiver, @now) " +
        "ON CONFLICT (team_id) DO UPDATE SET pane_id = excluded.pane_id, provider = excluded.provider, " +
        "machine_fingerprint = excluded.machine_fingerprint, leader_session_uuid = excluded.leader_session_uuid, " +
        "owner_epoch = excluded.owner_epoch, os_user = excluded.os_user, claimed_at = excluded.claimed_at, " +
        "claimed_via = excluded.claimed_via, receiver = excluded.receiver, updated_at = excluded.updated_at " +
        "WHERE leader_bindings.owner_epoch = @expected_epoch",
    );
    this.insertReceiverOnly = db.prepare<[string, string | null, string]>(
      "INSERT INTO leader_bindings (team_id, owner_epoch, receiver, updated_at) VALUES (?, 0, ?, ?)",
    );
  }

  get(teamId: string): LeaderBindingRow | null {
    assertSafeId("team", teamId);
    return this.ctx.read(() => {
      const raw = this.selectOne.get(teamId);
      return raw === undefined ? null : toLeaderRow(raw);
    });
  }

  /**
   * Launch-time binding: the first bind creates the owner at epoch 0; a later bind refreshes the identity fields
   * without moving the epoch (a change of owner goes through claim/takeover). True when the row changed.
   */
  bind(teamId: string, input: LeaderBindInput): boolean {
    assertSafeId("team", teamId);
    return this.ctx.write("leader.bind", () => {
      assertTeamRegistered(this.ctx, teamId);
      const existing = this.selectOne.get(teamId);
      const now = this.ctx.now();
      const uuid = this.resolveUuid(teamId, input, existing);
      if (existing === undefined) {
        this.upsertBinding.run(this.bindingParams(teamId, input, uuid, 0, 0, now));
        return true;
      }
      const patch: Record<string, unknown> = {
        pane_id: input.paneId,
        provider: input.provider,
        machine_fingerprint: input.machineFingerprint,
        leader_session_uuid: uuid,
        os_user: input.osUser,
        claimed_via: input.claimedVia,
      };
      if (input.receiver !== undefined) patch["receiver"] = stampReceiver(input.receiver, uuid, existing.owner_epoch);
      return this.patcher.update([teamId], patch, { now, alsoSet: { claimed_at: now } });
    });
  }

  /** `claim-leader`: moves ownership to the caller and advances the epoch by one. */
  claim(teamId: string, input: LeaderClaimInput): LeaderClaimResult {
    return this.advance(teamId, input, "claim-leader");
  }

  /** `takeover`: the same epoch advance, recorded as claimed via `takeover`. */
  takeover(teamId: string, input: LeaderClaimInput): LeaderClaimResult {
    return this.advance(teamId, input, "takeover");
  }

  /** Replaces the receiver record (its `owner_epoch` / `leader_session_uuid` are stamped from the row). */
  updateReceiver(teamId: string, receiver: Record<string, unknown> | null): boolean {
    assertSafeId("team", teamId);
    return this.ctx.write("leader.update_receiver", () => {
      assertTeamRegistered(this.ctx, teamId);
      const existing = this.selectOne.get(teamId);
      const now = this.ctx.now();
      if (existing === undefined) {
        // A receiver may be attached before anyone owns the team: the row starts unowned at epoch 0.
        this.insertReceiverOnly.run(
          teamId,
          receiver === null ? null : toJsonText(stampReceiver(receiver, null, 0)),
          now,
        );
        return true;
      }
      const stamped = stampReceiver(receiver, existing.leader_session_uuid, existing.owner_epoch);
      return this.patcher.update([teamId], { receiver: stamped }, { now });
    });
  }

  private advance(teamId: string, input: LeaderClaimInput, defaultVia: string): LeaderClaimResult {
    assertSafeId("team", teamId);
    const claimedVia = input.claimedVia ?? defaultVia;
    const result = this.ctx.write(`leader.${defaultVia === "takeover" ? "takeover" : "claim"}`, () => {
      assertTeamRegistered(this.ctx, teamId);
      const existing = this.selectOne.get(teamId);
      const previous = existing?.owner_epoch ?? 0;
      if (input.expectedEpoch !== undefined && input.expectedEpoch !== previous) {
        throw epochAdvancedError(teamId, input.expectedEpoch, previous);
      }
      const uuid = this.resolveUuid(teamId, input, existing);
      const next = previous + 1;
      const now = this.ctx.now();
      const changes = this.upsertBinding.run(
        this.bindingParams(teamId, { ...input, claimedVia }, uuid, next, previous, now, existing),
      ).changes;
      // Inside an IMMEDIATE transaction nobody can move the epoch between our read and write; this is a backstop.
      if (changes === 0) {
        throw epochAdvancedError(teamId, previous, this.selectOne.get(teamId)?.owner_epoch ?? previous);
      }
      return {
        previous_epoch: previous,
        owner_epoch: next,
        binding: toLeaderRow(this.selectOne.get(teamId)!),
        previous_pane_id: existing?.pane_id ?? null,
      };
    });
    this.ctx.events.emit("owner_epoch_advanced", {
      team_id: teamId,
      from_epoch: result.previous_epoch,
      to_epoch: result.owner_epoch,
      pane_id: input.paneId,
      previous_pane_id: result.previous_pane_id,
      claimed_via: claimedVia,
    });
    return { previous_epoch: result.previous_epoch, owner_epoch: result.owner_epoch, binding: result.binding };
  }

  private bindingParams(
    teamId: string,
    input: LeaderBindInput,
    uuid: string,
    epoch: number,
    expectedEpoch: number,
    now: string,
    existing?: RawLeaderRow,
  ): Record<string, unknown> {
    // A claim without a receiver keeps the stored one (re-stamped with the new epoch).
    const receiver = input.receiver !== undefined ? input.receiver : fromJsonText(existing?.receiver, null);
    return {
      team_id: teamId,
      pane_id: input.paneId,
      provider: input.provider,
      machine_fingerprint: input.machineFingerprint,
      leader_session_uuid: uuid,
      owner_epoch: epoch,
      expected_epoch: expectedEpoch,
      os_user: input.osUser,
      claimed_via: input.claimedVia,
      receiver: receiver === null ? null : toJsonText(stampReceiver(receiver, uuid, epoch)),
      now,
    };
  }

  /** Explicit override, else the stored value, else derived from the team's workspace (§2.5 / spec 02 §6). */
  private resolveUuid(
    teamId: string,
    input: Pick<LeaderBindInput, "leaderSessionUuid" | "machineFingerprint" | "osUser">,
    existing: RawLeaderRow | undefined,
  ): string {
    if (input.leaderSessionUuid !== undefined) return input.leaderSessionUuid;
    if (existing?.leader_session_uuid) return existing.leader_session_uuid;
    // Callers have checked that the team is registered.
    const workspace = this.selectWorkspace.get(teamId)?.workspace ?? "";
    return deriveLeaderSessionUuid({
      fingerprint: input.machineFingerprint,
      workspace,
      osUser: input.osUser,
      teamId,
    });
  }
}

/** The receiver carries copies of the owner identity; keep them equal to the row's (§2.5 "must agree"). */
function stampReceiver(
  receiver: Record<string, unknown> | null,
  uuid: string | null,
  epoch: number,
): Record<string, unknown> | null {
  return receiver === null ? null : { ...receiver, leader_session_uuid: uuid, owner_epoch: epoch };
}

function epochAdvancedError(teamId: string, expected: number, current: number): TeamRuntimeError {
  return new TeamRuntimeError(
    "owner_epoch_advanced",
    `team "${teamId}" leader ownership moved on (expected owner epoch ${expected}, now ${current}); another claim won`,
    "Run `team-agent identity` to see the current owner, then claim again if you still need to.",
    { details: { team: teamId, expected_epoch: expected, owner_epoch: current } },
  );
}
