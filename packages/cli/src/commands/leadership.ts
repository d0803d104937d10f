/**
 * `takeover`, `claim-leader`, `identity` and `attach-leader`: which pane leads a team. The caller is whatever pane
 * runs the command (`$TMUX_PANE` on the tmux server `$TMUX` names); the coordinator's leadership operations decide.
 */
import {
  attachLeader,
  claimLeader,
  type LeadershipRefusal,
  leaderIdentity,
  takeoverTeam,
} from "@team-agent/coordinator";
import { success, type TeamRow, TeamRuntimeError } from "@team-agent/core-state";
import type { CommandModule, CommandOutput } from "../cli/command.js";
import { refusalOutput } from "./team.js";

function refused(refusal: LeadershipRefusal): CommandOutput {
  const { team_id, ...rest } = refusal;
  return refusalOutput({ ...rest, ok: false, team: team_id }, refusal.message, refusal.action);
}

export const takeoverCommand: CommandModule = {
  async run(context, args) {
    const runtime = await context.runtime();
    const team = await context.team();
    const result = await takeoverTeam(runtime, team, { env: context.io.env, confirm: args.values["confirm"] === true });
    if (!result.ok) return refused(result);
    const { ok: _ok, team_id, ...data } = result;
    const summary = result.idempotent
      ? `this pane (${result.team_owner.pane_id}) already leads team ${team_id}`
      : `this pane (${result.team_owner.pane_id}) now leads team ${team_id} (owner epoch ${result.team_owner.owner_epoch})`;
    return { envelope: success(summary, { team: team_id, ...data }) };
  },
};

export const claimLeaderCommand: CommandModule = {
  async run(context, args) {
    const runtime = await context.runtime();
    const team = await context.team();
    const result = await claimLeader(runtime, team, { env: context.io.env, confirm: args.values["confirm"] === true });
    if (!result.ok) return refused(result);
    const { ok: _ok, team_id, ...data } = result;
    if (result.status === "dry_run") {
      const summary = `dry run: pane ${result.would_bind_pane_id} would become the lead of team ${team_id}`;
      return { envelope: success(summary, { team: team_id, ...data }, ["team-agent claim-leader --confirm"]) };
    }
    const summary = `pane ${result.leader_receiver.pane_id} now leads team ${team_id} (owner epoch ${result.owner_epoch})`;
    const next = result.inbox_hint ? [result.inbox_hint.command] : [];
    return { envelope: success(summary, { team: team_id, ...data }, next) };
  },
};

/** The team named or active, or none when the workspace has no running team yet (identity still answers). */
async function teamIfAny(select: () => Promise<TeamRow>, named: boolean): Promise<TeamRow | null> {
  try {
    return await select();
  } catch (error) {
    if (!named && error instanceof TeamRuntimeError && error.code === "team_target_unresolved") return null;
    throw error;
  }
}

export const identityCommand: CommandModule = {
  async run(context) {
    const runtime = await context.runtime();
    const team = await teamIfAny(() => context.team(), context.options.team !== undefined);
    const identity = leaderIdentity(runtime, team, context.io.env);
    const owner =
      identity.owner_pane_id === null
        ? "no lead bound"
        : `lead pane ${identity.owner_pane_id} (epoch ${identity.owner_epoch})`;
    const summary = `lead ${identity.uuid_prefix} (${identity.source}) on ${identity.machine_fingerprint}${
      identity.team_id === "" ? "" : `, team ${identity.team_id}: ${owner}`
    }`;
    const lines = [
      summary,
      `  workspace  ${identity.workspace_abspath}`,
      `  os user    ${identity.os_user || "-"}`,
      `  this pane  ${identity.current_pane_id ?? "- (not inside tmux)"}`,
    ];
    return { envelope: success(summary, identity), text: lines.join("\n") };
  },
};

export const attachLeaderCommand: CommandModule = {
  async run(context, args) {
    const runtime = await context.runtime();
    const team = await context.team();
    const pane = args.values["pane"];
    const provider = args.values["provider"];
    const result = await attachLeader(runtime, team, {
      env: context.io.env,
      ...(typeof pane === "string" ? { paneId: pane } : {}),
      ...(typeof provider === "string" ? { provider } : {}),
    });
    if (!result.ok) return refused(result);
    const { ok: _ok, team_id, ...data } = result;
    const requeued = result.requeued_exhausted_watchers.length;
    const summary =
      `pane ${result.leader_receiver.pane_id} is the lead's receiver for team ${team_id}` +
      (requeued > 0 ? `; ${requeued} result notification(s) will be sent again` : "");
    return { envelope: success(summary, { team: team_id, ...data }) };
  },
};
