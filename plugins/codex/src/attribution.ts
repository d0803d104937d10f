/**
 * Workers of one team share one workspace, so a rollout's cwd alone cannot tell whose session it is. The launch
 * appends one identity line to the worker's developer instructions; Codex records those instructions at the top
 * of the rollout, where session capture reads them back. Both sides use these functions so they never drift.
 */

const MARKER_PREFIX = "Team Agent worker identity:";

/** The line appended to the worker prompt. */
export function attributionLine(teamId: string, agentId: string): string {
  return `${MARKER_PREFIX} team_agent_team=${teamId} team_agent_id=${agentId}`;
}

const MARKER_RE = /Team Agent worker identity: team_agent_team=([A-Za-z0-9_-]+) team_agent_id=([A-Za-z0-9_-]+)/;

/** The identity named in a text, or null when it carries no marker. */
export function readAttribution(text: string): { teamId: string; agentId: string } | null {
  const m = MARKER_RE.exec(text);
  return m ? { teamId: m[1] ?? "", agentId: m[2] ?? "" } : null;
}
