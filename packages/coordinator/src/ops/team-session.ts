/** The team's tmux session as start and restart open it, and the order workers are launched in. */
import { type TeamRow, TeamRuntimeError, type TeamSpec } from "@team-agent/core-state";
import type { TeamRuntime } from "../runtime/runtime.js";
import { KEEPER_WINDOW } from "./launch-worker.js";

/** A window that only sleeps, so the session outlives its workers (stopping every worker must not end the team). */
export const KEEPER_COMMAND = ["sh", "-c", "trap 'exit 0' TERM HUP; while :; do sleep 3600 & wait $!; done"];

/** Variables that identify the lead (spec 04 §1.3); a worker's pane must not inherit them. */
export const LEAD_ONLY_VARIABLES = [
  "TEAM_AGENT_LEADER_PANE_ID",
  "TEAM_AGENT_LEADER_PROVIDER",
  "TEAM_AGENT_LEADER_SESSION_UUID",
  "TEAM_AGENT_LEADER_SESSION_UUID_OVERRIDE",
  "TEAM_AGENT_MACHINE_FINGERPRINT",
  "TEAM_AGENT_TEAM_ID",
];

/** `startup_order` first, then the workers it leaves out, in spec order. */
export function launchOrder(spec: TeamSpec): string[] {
  const ids = spec.agents.map((agent) => agent.id);
  const ordered = spec.runtime.startup_order.filter((id) => ids.includes(id));
  return [...ordered, ...ids.filter((id) => !ordered.includes(id))];
}

/** Opens the team's session on its own server with the keeper window, sized for the workers' screens. */
export async function openTeamSession(runtime: TeamRuntime, team: TeamRow): Promise<void> {
  const tmux = runtime.teamTmux(team);
  const session = await tmux.newSession({
    name: team.session_name,
    window: KEEPER_WINDOW,
    command: KEEPER_COMMAND,
    cwd: runtime.workspace,
    width: 200,
    height: 50,
  });
  if (!session.ok) {
    throw new TeamRuntimeError(
      "tmux_session_failed",
      `Could not start tmux session ${team.session_name} on server ${runtime.config(team).tmux_socket}: ${session.error}.`,
      "Check that tmux works (`tmux -V`) and run `team-agent doctor`.",
    );
  }
  // Windows made later get this size while no client is attached.
  await tmux.run(["set-option", "-g", "default-size", "200x50"]);
  // The server copied the environment of whoever started it (often the lead's pane): workers must never see the
  // lead's identity, so those variables are removed from every window made from now on.
  for (const name of LEAD_ONLY_VARIABLES) await tmux.run(["set-environment", "-g", "-r", name]);
}
