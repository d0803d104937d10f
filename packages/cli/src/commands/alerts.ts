/**
 * `stuck-list`, `stuck-cancel` and `acknowledge-idle`: what the lead has silenced, and silencing a worker's stuck
 * alert (until its work changes) or the team's all-idle reminder (until the next worker turn or delivery).
 */
import {
  ALERT_TYPE_SELECTORS,
  acknowledgeIdle,
  type StuckListResult,
  stuckCancel,
  stuckList,
} from "@team-agent/coordinator";
import { isOneOf, success, usageError } from "@team-agent/core-state";
import type { CommandModule } from "../cli/command.js";

function listLines(result: StuckListResult): string[] {
  const lines: string[] = [];
  for (const [agentId, alerts] of Object.entries(result.suppressed_idle_alerts).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    for (const alert of Object.values(alerts)) {
      const by = alert.suppressed_by === null ? "" : ` by ${alert.suppressed_by}`;
      const until = alert.expires_at === null ? "until its work changes" : `record expires ${alert.expires_at}`;
      lines.push(
        `  ${agentId.padEnd(16)} ${alert.alert_type.padEnd(13)} since ${alert.suppressed_at ?? "-"}${by}; ${until}`,
      );
    }
  }
  return lines;
}

export const stuckListCommand: CommandModule = {
  async run(context) {
    const runtime = await context.runtime();
    const team = await context.team();
    const { ok: _ok, team_id, ...result } = stuckList(runtime, team);
    const count = Object.keys(result.suppressed_idle_alerts).length;
    const summary =
      count === 0
        ? `no silenced alerts in team ${team_id}`
        : `${count} worker(s) with silenced alerts in team ${team_id}`;
    const text = [summary, ...listLines({ ok: true, team_id, ...result })].join("\n");
    return { envelope: success(summary, { team: team_id, ...result }), text };
  },
};

export const stuckCancelCommand: CommandModule = {
  async run(context, args) {
    const alertType = (args.values["alert-type"] as string | undefined) ?? "stuck";
    if (!isOneOf(ALERT_TYPE_SELECTORS, alertType)) {
      const choices = ALERT_TYPE_SELECTORS.join(", ");
      throw usageError(
        `unknown --alert-type ${JSON.stringify(alertType)} (one of ${choices})`,
        `Use one of ${choices}.`,
      );
    }
    const runtime = await context.runtime();
    const team = await context.team();
    const {
      ok: _ok,
      team_id,
      ...result
    } = stuckCancel(runtime, team, args.positionals[0] as string, alertType, team.leader_id);
    const what = result.alert_types.map((type) => (type === "stuck" ? "stuck alert" : "team's all-idle reminder"));
    const summary = `silenced ${result.agent_id}'s ${what.join(" and the ")} until new work arrives`;
    return { envelope: success(summary, { team: team_id, ...result }, ["team-agent stuck-list"]) };
  },
};

export const acknowledgeIdleCommand: CommandModule = {
  async run(context, args) {
    const runtime = await context.runtime();
    const team = runtime.team(args.positionals[0] ?? context.options.team ?? null);
    const { ok: _ok, team_id, ...result } = acknowledgeIdle(runtime, team, team.leader_id);
    const summary = `all-idle reminder of team ${team_id} acknowledged; it stays quiet until a worker starts new work`;
    return { envelope: success(summary, { team: team_id, ...result }) };
  },
};
