/**
 * `team-agent shutdown` and `restart`, plus the pieces every lifecycle command shares: how an operation's refusal
 * becomes a failure envelope, the one `coordinator` block a result carries, and a runtime on another workspace.
 */
import { resolve } from "node:path";
import { type CoordinatorHealth, restartTeam, shutdownTeam, TeamRuntime } from "@team-agent/coordinator";
import { failure, isAliveStatus, success, type TeamRow, TeamRuntimeError } from "@team-agent/core-state";
import type { CommandModule, CommandOutput } from "../cli/command.js";
import type { CommandContext } from "../cli/context.js";

/** What the operation result keys must not be: the envelope's own (D7). */
const ENVELOPE_KEYS = new Set(["ok", "summary", "next_actions", "error", "message", "action"]);

/** An operation's `ok:false` result as a failure envelope: its `reason` becomes the error code, the rest is data. */
export function refusalOutput<Refusal extends { ok: false; reason: string }>(
  refusal: Refusal,
  message: string,
  action: string,
): CommandOutput {
  const data = Object.fromEntries(Object.entries(refusal).filter(([key]) => !ENVELOPE_KEYS.has(key)));
  return { envelope: failure(new TeamRuntimeError(refusal.reason, message, action), data) };
}

/** The daemon as a result shows it: whether it runs, and its pid. */
export function coordinatorBlock(health: Pick<CoordinatorHealth, "status" | "pid">): {
  status: string;
  pid: number | null;
} {
  return { status: health.status, pid: health.pid };
}

/** A runtime on `workspace`: the command's own when it is the command's workspace, else one opened (and closed) here. */
export async function withRuntimeAt<T>(
  context: CommandContext,
  workspace: string,
  use: (runtime: TeamRuntime) => Promise<T>,
): Promise<T> {
  if (resolve(workspace) === resolve(context.workspace)) return use(await context.runtime());
  const runtime = await TeamRuntime.open({ workspace, registry: await context.registry() });
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

export const shutdownCommand: CommandModule = {
  async run(context) {
    const runtime = await context.runtime();
    const team = await context.team();
    context.progress(`stopping team ${team.team_id}`);
    const result = await shutdownTeam(runtime, team, { keepLogs: true });
    const remaining = runtime.store.teams.list().filter((row) => isAliveStatus(row.status));
    const data = {
      team: result.team_id,
      session_name: result.session_name,
      stopped_agents: result.stopped_agents,
      captured_sessions: result.captured_sessions,
      logs: result.logs,
      session_killed: result.session_killed,
      server_stopped: result.server_stopped,
      coordinator: result.coordinator,
      teams_remaining: remaining.map((row) => row.team_id),
      new_active_team_key: runtime.store.teams.activeTeamId(),
      cleanup_mode: "synchronous_committed",
    };
    const summary = `team ${result.team_id} stopped: ${result.stopped_agents.length} worker(s), coordinator ${result.coordinator.status}`;
    const lines = [
      summary,
      `session ${result.session_name} ${result.session_killed ? "closed" : "was already gone"}`,
      ...(result.logs.length > 0 ? [`scrollback saved: ${result.logs.join(", ")}`] : []),
      `restart it later with: team-agent restart --team ${result.team_id}`,
    ];
    return {
      envelope: success(summary, data, [`team-agent restart --team ${result.team_id}`]),
      text: lines.join("\n"),
    };
  },
};

/**
 * The team a restart means: the one `--team` names, else the only registered team that is down (stopped, or marked
 * alive with its tmux session gone). Several candidates and no `--team` is refused with the list.
 */
async function restartTarget(runtime: TeamRuntime, selector: string | undefined): Promise<TeamRow> {
  const teams = runtime.store.teams.list();
  if (selector !== undefined) {
    const named = teams.filter((row) => [row.team_id, row.session_name, row.team_dir].includes(selector));
    if (named.length === 1) return named[0] as TeamRow;
    throw new TeamRuntimeError(
      "team_target_unresolved",
      `team "${selector}" not found (registered: ${teams.map((row) => row.team_id).join(", ") || "none"}).`,
      "Pass --team with one of the registered teams.",
      { details: { team: selector, candidates: teams.map((row) => row.team_id) } },
    );
  }
  const down: TeamRow[] = [];
  for (const row of teams) {
    if (!isAliveStatus(row.status)) {
      down.push(row);
      continue;
    }
    const running = await runtime
      .teamTmux(row)
      .hasSession(row.session_name)
      .catch(() => false);
    if (!running) down.push(row);
  }
  if (down.length === 1) return down[0] as TeamRow;
  if (down.length === 0) {
    throw new TeamRuntimeError(
      "team_target_unresolved",
      "no stopped team to restart in this workspace.",
      "Use `team-agent status` to see the running team, or `team-agent quick-start` to start one.",
      { details: { candidates: [] } },
    );
  }
  const names = down.map((row) => row.team_id);
  throw new TeamRuntimeError(
    "team_target_ambiguous",
    `several stopped teams could be restarted: ${names.join(", ")}.`,
    `Pass --team <team>, e.g. \`team-agent restart --team ${names[0]}\`.`,
    { details: { candidates: names } },
  );
}

export const restartCommand: CommandModule = {
  async run(context, args) {
    const workspace =
      args.positionals[0] === undefined ? context.workspace : resolve(context.io.cwd, args.positionals[0]);
    const allowFresh = args.values["allow-fresh"] === true;
    return withRuntimeAt(context, workspace, async (runtime) => {
      const team = await restartTarget(runtime, context.options.team);
      context.progress(`restarting team ${team.team_id}`);
      const result = await restartTeam(runtime, team, { allowFresh });
      if (!result.ok) {
        const action =
          result.reason === "resume_atomicity"
            ? "Rerun with --allow-fresh only if losing those workers' conversations is acceptable."
            : "Fix or reset the workers named (team-agent reset-agent --discard-session <id>), then restart.";
        const { team_id, error, ...rest } = result;
        return refusalOutput({ ...rest, team: team_id }, error, action);
      }
      const count = (mode: string) => result.agents.filter((agent) => agent.restart_mode === mode).length;
      const summary =
        `team ${result.team_id} restarted: ${count("resumed")} resumed, ${count("fresh")} fresh, ` +
        `${count("paused")} paused (coordinator pid ${result.coordinator?.pid ?? "-"})`;
      const data = {
        team: result.team_id,
        session_name: result.session_name,
        agents: result.agents,
        coordinator: result.coordinator,
      };
      const lines = [
        summary,
        ...result.agents.map(
          (agent) => `  ${agent.agent_id.padEnd(16)} ${agent.restart_mode}  ${agent.session_id ?? "-"}`,
        ),
      ];
      return {
        envelope: success(summary, data, ["Check the workers with team-agent status."]),
        text: lines.join("\n"),
      };
    });
  },
};
