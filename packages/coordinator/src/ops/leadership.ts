/**
 * Who leads a team (spec 02 §6, spec 04 §1.7): the caller's pane and tmux server read from its environment, the lead's
 * identity (session uuid, machine, user), and the three ways a pane becomes the lead: attach (bind the receiver),
 * claim-leader (take over a team whose lead pane is gone, with a compare-and-set on the owner epoch) and takeover
 * (take it even from a live pane). A claim or takeover re-queues the result notifications the old lead never got.
 */
import { createHash } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { deriveLeaderSessionUuid, type LeaderBindingRow, type TeamRow, TeamRuntimeError } from "@team-agent/core-state";
import type { TmuxServer } from "@team-agent/tmux-prompt";
import type { TeamRuntime } from "../runtime/runtime.js";
import { bindLeader, type LeaderReceiver, readReceiver } from "./leader.js";
import { wakeDaemon } from "./send.js";

/** The variables these functions read (a process environment, or a fixture in tests). */
export type CallerEnv = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === "" ? null : value.trim();
}

/** The caller's pane: `TEAM_AGENT_LEADER_PANE_ID`, else tmux's own `TMUX_PANE`. */
export function callerPaneId(env: CallerEnv): string | null {
  return nonEmpty(env["TEAM_AGENT_LEADER_PANE_ID"]) ?? nonEmpty(env["TMUX_PANE"]);
}

/** The caller's tmux server from `$TMUX` (`<socket path>,<server pid>,<session index>`); the default one without it. */
export function callerTmuxServer(env: CallerEnv): TmuxServer {
  const tmux = nonEmpty(env["TMUX"]);
  if (tmux === null) return { default: true };
  // The socket path may itself contain commas; the last two fields are numbers.
  const parts = tmux.split(",");
  const socketPath = parts.length >= 3 ? parts.slice(0, -2).join(",") : (parts[0] ?? "");
  return socketPath === "" ? { default: true } : { socketPath };
}

export function machineFingerprint(env: CallerEnv): string {
  return nonEmpty(env["TEAM_AGENT_MACHINE_FINGERPRINT"]) ?? hostname();
}

export function osUserName(env: CallerEnv): string {
  const named = nonEmpty(env["USER"]) ?? nonEmpty(env["USERNAME"]);
  if (named !== null) return named;
  try {
    return userInfo().username;
  } catch {
    return "";
  }
}

/** The lead's provider from its pane's program: `claude` → claude_code; `codex` (a Node launcher too) → codex. */
export function providerFromCommand(command: string | null | undefined): string | null {
  const name = (command ?? "").trim().toLowerCase();
  if (name === "claude" || name === "claude.exe") return "claude_code";
  if (name === "codex" || name === "node" || name === "nodejs") return "codex";
  return null;
}

export interface LeaderSessionUuid {
  uuid: string;
  source: "override" | "stored" | "derived";
}

export interface LeaderUuidInput {
  env: CallerEnv;
  /** The uuid recorded for the team's owner, if any. */
  stored: string | null;
  fingerprint: string;
  workspace: string;
  osUser: string;
  teamId: string;
}

/** Who the caller is, as bindLeader records it: env overrides first, else this machine and user. */
function callerIdentity(env: CallerEnv): { machineFingerprint: string; osUser: string; leaderSessionUuid?: string } {
  const override = nonEmpty(env["TEAM_AGENT_LEADER_SESSION_UUID_OVERRIDE"]);
  return {
    machineFingerprint: machineFingerprint(env),
    osUser: osUserName(env),
    ...(override !== null ? { leaderSessionUuid: override } : {}),
  };
}

/** `TEAM_AGENT_LEADER_SESSION_UUID_OVERRIDE`, else the recorded uuid, else the one derived from who and where. */
export function resolveLeaderSessionUuid(input: LeaderUuidInput): LeaderSessionUuid {
  const override = nonEmpty(input.env["TEAM_AGENT_LEADER_SESSION_UUID_OVERRIDE"]);
  if (override !== null) return { uuid: override, source: "override" };
  if (input.stored) return { uuid: input.stored, source: "stored" };
  const uuid = deriveLeaderSessionUuid({
    fingerprint: input.fingerprint,
    workspace: input.workspace,
    osUser: input.osUser,
    teamId: input.teamId,
  });
  return { uuid, source: "derived" };
}

export const UUID_PREFIX_LENGTH = 12;

export interface LeaderIdentity {
  uuid_prefix: string;
  source: LeaderSessionUuid["source"];
  machine_fingerprint: string;
  workspace_abspath: string;
  os_user: string;
  /** Empty when the workspace has no team yet. */
  team_id: string;
  current_pane_id: string | null;
  owner_pane_id: string | null;
  owner_epoch: number | null;
  /** When the owner binding last changed. */
  last_seen_at: string | null;
}

/** Who the caller is as a lead of `team` (or of no team yet). Reads only. */
export function leaderIdentity(runtime: TeamRuntime, team: TeamRow | null, env: CallerEnv): LeaderIdentity {
  const binding = team === null ? null : runtime.store.leader.get(team.team_id);
  const fingerprint = binding?.machine_fingerprint ?? machineFingerprint(env);
  const osUser = osUserName(env);
  const { uuid, source } = resolveLeaderSessionUuid({
    env,
    stored: binding?.leader_session_uuid ?? null,
    fingerprint,
    workspace: runtime.workspace,
    osUser,
    teamId: team?.team_id ?? "",
  });
  return {
    uuid_prefix: uuid.slice(0, UUID_PREFIX_LENGTH),
    source,
    machine_fingerprint: fingerprint,
    workspace_abspath: runtime.workspace,
    os_user: osUser,
    team_id: team?.team_id ?? "",
    current_pane_id: callerPaneId(env),
    owner_pane_id: binding?.pane_id ?? null,
    owner_epoch: binding?.owner_epoch ?? null,
    last_seen_at: binding?.updated_at ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Refusals: returned (exit 1 in the CLI), never thrown, so the caller sees why and what to run instead.

export type LeadershipRefusalReason =
  | "caller_pane_missing"
  | "caller_pane_not_found"
  | "confirm_required"
  | "team_owner_mismatch"
  | "owner_epoch_advanced";

export interface LeadershipRefusal {
  ok: false;
  status: "refused";
  reason: LeadershipRefusalReason;
  team_id: string;
  message: string;
  action: string;
  [extra: string]: unknown;
}

function refuse(
  team: TeamRow,
  reason: LeadershipRefusalReason,
  message: string,
  action: string,
  extra: Record<string, unknown> = {},
): LeadershipRefusal {
  return { ok: false, status: "refused", reason, team_id: team.team_id, message, action, ...extra };
}

function paneMissing(team: TeamRow): LeadershipRefusal {
  return refuse(
    team,
    "caller_pane_missing",
    "This command must run inside the lead's tmux pane ($TMUX_PANE is not set).",
    "Run team-agent from inside your leader pane (start it with `team-agent claude` or `team-agent codex`).",
    { caller_pane_id: "" },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The caller's pane

export interface CallerPane {
  paneId: string;
  server: TmuxServer;
  /** The pane's program (metadata only), or null when tmux could not say. */
  currentCommand: string | null;
  /** False when tmux answered that the pane does not exist. */
  exists: boolean;
}

/** The caller's pane from its environment plus one tmux lookup of its program; null when there is no pane id. */
export async function findCallerPane(
  runtime: TeamRuntime,
  env: CallerEnv,
  paneId?: string,
): Promise<CallerPane | null> {
  const id = paneId ?? callerPaneId(env);
  if (id === null) return null;
  const server = callerTmuxServer(env);
  try {
    const process = await runtime.tmux(server).paneProcess(id);
    return { paneId: id, server, currentCommand: process?.currentCommand ?? null, exists: process !== null };
  } catch {
    // tmux gave no answer (timeout): the pane may well be there.
    return { paneId: id, server, currentCommand: null, exists: true };
  }
}

function leaderProvider(env: CallerEnv, pane: CallerPane, team: TeamRow): string {
  return (
    nonEmpty(env["TEAM_AGENT_LEADER_PROVIDER"]) ??
    providerFromCommand(pane.currentCommand) ??
    team.leader_provider ??
    "unknown"
  );
}

/** Whether the owner's pane is still there: an unanswered query counts as live (never take a pane by guessing). */
async function ownerPaneLive(runtime: TeamRuntime, team: TeamRow, binding: LeaderBindingRow | null): Promise<boolean> {
  if (binding?.pane_id == null) return false;
  const server = readReceiver(runtime, team)?.server ?? { default: true };
  try {
    return await runtime.tmux(server).paneExists(binding.pane_id);
  } catch {
    return true;
  }
}

export interface BoundCaller {
  receiver: LeaderReceiver;
  pane_current_command: string | null;
}

/**
 * Binds the caller's pane as the team's lead receiver (quick-start, start, launch). Metadata only: the pane is not
 * validated beyond one lookup of its program. Null when the caller has no pane.
 */
export async function bindCallerAsLeader(
  runtime: TeamRuntime,
  team: TeamRow,
  env: CallerEnv,
  claimedVia: string,
): Promise<BoundCaller | null> {
  const pane = await findCallerPane(runtime, env);
  if (pane === null) return null;
  const provider = leaderProvider(env, pane, team);
  const receiver = bindLeader(runtime, team, {
    paneId: pane.paneId,
    server: pane.server,
    provider,
    claimedVia,
    ...callerIdentity(env),
  });
  runtime.events.emit("owner.bound_from_caller_pane", {
    team_id: team.team_id,
    pane_id: pane.paneId,
    pane_current_command: pane.currentCommand,
    claimed_via: claimedVia,
  });
  return { receiver, pane_current_command: pane.currentCommand };
}

// ---------------------------------------------------------------------------------------------------------------
// attach-leader

export interface AttachLeaderOptions {
  env: CallerEnv;
  /** Default: the caller's pane. */
  paneId?: string;
  provider?: string;
}

export interface AttachLeaderResult {
  ok: true;
  team_id: string;
  leader_receiver: LeaderReceiver;
  validation: { pane_exists: boolean; pane_current_command: string | null; provider: string };
  requeued_exhausted_watchers: string[];
}

export async function attachLeader(
  runtime: TeamRuntime,
  team: TeamRow,
  options: AttachLeaderOptions,
): Promise<AttachLeaderResult | LeadershipRefusal> {
  const pane = await findCallerPane(runtime, options.env, options.paneId);
  if (pane === null) return paneMissing(team);
  if (!pane.exists) {
    return refuse(
      team,
      "caller_pane_not_found",
      `Pane ${pane.paneId} does not exist on the caller's tmux server.`,
      "Pass --pane with a live pane id (`tmux display-message -p '#{pane_id}'` in the lead's pane).",
      { caller_pane_id: pane.paneId },
    );
  }
  const provider = options.provider ?? leaderProvider(options.env, pane, team);
  const receiver = bindLeader(runtime, team, {
    paneId: pane.paneId,
    server: pane.server,
    provider,
    claimedVia: "attach",
    ...callerIdentity(options.env),
  });
  // Notifications that gave up while no lead was reachable get a fresh round now that one is.
  const requeued = runtime.store.watchers.requeueExhausted(team.team_id, "requeued_after_attach_leader");
  wakeDaemon(runtime, team);
  return {
    ok: true,
    team_id: team.team_id,
    leader_receiver: receiver,
    validation: { pane_exists: pane.exists, pane_current_command: pane.currentCommand, provider },
    requeued_exhausted_watchers: requeued,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// claim-leader / takeover

export interface ClaimOptions {
  env: CallerEnv;
  /** Without it: a dry run (claim-leader) or a refusal (takeover). */
  confirm: boolean;
}

export interface InboxHint {
  since: string;
  incident_id: string;
  command: string;
  message: string;
}

export interface LeaderDryRun {
  ok: true;
  status: "dry_run";
  team_id: string;
  would_bind_pane_id: string;
  owner_epoch: number;
  current_owner: { pane_id: string | null; live: boolean } | null;
  candidates: Array<{ pane_id: string; pane_current_command: string | null; source: "caller" }>;
}

export interface LeaderClaimed {
  ok: true;
  status: "claimed";
  team_id: string;
  leader_receiver: LeaderReceiver;
  owner_epoch: number;
  previous_epoch: number;
  /** Panes that were the lead before this claim. */
  losers: string[];
  requeued_watchers: string[];
  inbox_hint?: InboxHint;
}

export interface TakeoverResult {
  ok: true;
  status: "claimed";
  team_id: string;
  team_owner: { pane_id: string; provider: string | null; owner_epoch: number; claimed_via: string | null };
  previous_owner?: { pane_id: string | null; owner_epoch: number } | null;
  idempotent?: true;
  requeued_watchers: string[];
}

/** Messages to the lead since the last owner change: what the new lead may have missed. */
function inboxHintSince(runtime: TeamRuntime, team: TeamRow, since: string | null): InboxHint | undefined {
  if (since === null) return undefined;
  const missed = runtime.store.messages
    .inbox(team.team_id, team.leader_id, 500)
    .filter((message) => message.recipient === team.leader_id && message.created_at >= since);
  if (missed.length === 0) return undefined;
  return {
    since,
    incident_id: createHash("sha256").update(`${team.team_id}\0${since}`).digest("hex").slice(0, 16),
    command: `team-agent inbox ${team.leader_id} --since ${since}`,
    message: `${missed.length} message(s) for the lead arrived since the previous lead claimed the team; read them with the command.`,
  };
}

/** The epoch change itself: store claim/takeover (compare-and-set), then the receiver and the re-queues. */
async function advanceOwner(
  runtime: TeamRuntime,
  team: TeamRow,
  pane: CallerPane,
  binding: LeaderBindingRow | null,
  env: CallerEnv,
  via: "claim-leader" | "takeover",
) {
  const provider = leaderProvider(env, pane, team);
  const override = nonEmpty(env["TEAM_AGENT_LEADER_SESSION_UUID_OVERRIDE"]);
  const input = {
    paneId: pane.paneId,
    provider,
    machineFingerprint: machineFingerprint(env),
    osUser: osUserName(env),
    // No receiver until the new one is bound: nothing is delivered to the old pane under the new epoch.
    receiver: null,
    expectedEpoch: binding?.owner_epoch ?? 0,
    ...(override !== null ? { leaderSessionUuid: override } : {}),
  };
  const claim =
    via === "takeover"
      ? runtime.store.leader.takeover(team.team_id, input)
      : runtime.store.leader.claim(team.team_id, input);
  const receiver = bindLeader(runtime, team, {
    paneId: pane.paneId,
    server: pane.server,
    provider,
    claimedVia: via,
    ...callerIdentity(env),
  });
  const requeued = runtime.store.watchers.requeueUnnotified(team.team_id, { error: `requeued_after_${via}` });
  wakeDaemon(runtime, team);
  return { claim, receiver, requeued, provider };
}

function epochRaceRefusal(team: TeamRow, error: TeamRuntimeError): LeadershipRefusal {
  return refuse(team, "owner_epoch_advanced", error.message, error.action, { details: error.details });
}

/** The caller's pane when it exists; the refusal to return otherwise. */
async function livingCallerPane(
  runtime: TeamRuntime,
  team: TeamRow,
  env: CallerEnv,
): Promise<NonNullable<Awaited<ReturnType<typeof findCallerPane>>> | LeadershipRefusal> {
  const pane = await findCallerPane(runtime, env);
  if (pane === null) return paneMissing(team);
  if (pane.exists) return pane;
  return refuse(team, "caller_pane_not_found", `Pane ${pane.paneId} does not exist.`, "Run it from the lead's pane.", {
    caller_pane_id: pane.paneId,
  });
}

export async function claimLeader(
  runtime: TeamRuntime,
  team: TeamRow,
  options: ClaimOptions,
): Promise<LeaderDryRun | LeaderClaimed | LeadershipRefusal> {
  const pane = await livingCallerPane(runtime, team, options.env);
  if ("status" in pane) return pane;
  const binding = runtime.store.leader.get(team.team_id);
  const ownerPane = binding?.pane_id ?? null;
  const ownerLive = ownerPane !== null && ownerPane !== pane.paneId && (await ownerPaneLive(runtime, team, binding));
  if (ownerLive) {
    return refuse(
      team,
      "team_owner_mismatch",
      `Team ${team.team_id} is led from pane ${ownerPane}, which is still there; claim-leader only takes a team whose lead is gone.`,
      "team-agent takeover --confirm",
      {
        reason_kind: "owner_takeover_required",
        team_owner: { pane_id: ownerPane, owner_epoch: binding?.owner_epoch ?? 0 },
        caller: { pane_id: pane.paneId },
      },
    );
  }
  if (!options.confirm) {
    return {
      ok: true,
      status: "dry_run",
      team_id: team.team_id,
      would_bind_pane_id: pane.paneId,
      owner_epoch: binding?.owner_epoch ?? 0,
      current_owner: binding === null ? null : { pane_id: ownerPane, live: false },
      candidates: [{ pane_id: pane.paneId, pane_current_command: pane.currentCommand, source: "caller" }],
    };
  }
  try {
    const { claim, receiver, requeued } = await advanceOwner(runtime, team, pane, binding, options.env, "claim-leader");
    const hint = inboxHintSince(runtime, team, binding?.claimed_at ?? null);
    return {
      ok: true,
      status: "claimed",
      team_id: team.team_id,
      leader_receiver: receiver,
      owner_epoch: claim.owner_epoch,
      previous_epoch: claim.previous_epoch,
      losers: ownerPane !== null && ownerPane !== pane.paneId ? [ownerPane] : [],
      requeued_watchers: requeued,
      ...(hint !== undefined ? { inbox_hint: hint } : {}),
    };
  } catch (error) {
    if (error instanceof TeamRuntimeError && error.code === "owner_epoch_advanced")
      return epochRaceRefusal(team, error);
    throw error;
  }
}

export async function takeoverTeam(
  runtime: TeamRuntime,
  team: TeamRow,
  options: ClaimOptions,
): Promise<TakeoverResult | LeadershipRefusal> {
  if (!options.confirm) {
    return refuse(
      team,
      "confirm_required",
      `Taking over team ${team.team_id} moves its lead to this pane.`,
      "rerun with --confirm to claim ownership of this team",
    );
  }
  const pane = await livingCallerPane(runtime, team, options.env);
  if ("status" in pane) return pane;
  const binding = runtime.store.leader.get(team.team_id);
  if (binding !== null && binding.pane_id === pane.paneId) {
    // Already the owner: make sure the receiver points here too, without a new epoch.
    if (readReceiver(runtime, team)?.pane_id !== pane.paneId) {
      bindLeader(runtime, team, {
        paneId: pane.paneId,
        server: pane.server,
        provider: leaderProvider(options.env, pane, team),
        claimedVia: "takeover",
        ...callerIdentity(options.env),
      });
    }
    return {
      ok: true,
      status: "claimed",
      team_id: team.team_id,
      team_owner: {
        pane_id: pane.paneId,
        provider: binding.provider,
        owner_epoch: binding.owner_epoch,
        claimed_via: binding.claimed_via,
      },
      idempotent: true,
      requeued_watchers: [],
    };
  }
  try {
    const { claim, requeued, provider } = await advanceOwner(runtime, team, pane, binding, options.env, "takeover");
    return {
      ok: true,
      status: "claimed",
      team_id: team.team_id,
      team_owner: { pane_id: pane.paneId, provider, owner_epoch: claim.owner_epoch, claimed_via: "takeover" },
      previous_owner: binding === null ? null : { pane_id: binding.pane_id, owner_epoch: binding.owner_epoch },
      requeued_watchers: requeued,
    };
  } catch (error) {
    if (error instanceof TeamRuntimeError && error.code === "owner_epoch_advanced")
      return epochRaceRefusal(team, error);
    throw error;
  }
}
