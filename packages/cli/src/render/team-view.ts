/**
 * Reads a team into the StatusView that `status`, `status --watch` and `settle` render: the coordinator's live
 * status (panes, screens, turns) joined with the store's rows, queue, results and tasks.
 */

import { type TeamRuntime, type TeamStatus, teamStatus } from "@team-agent/coordinator";
import { type AgentRow, type ResultRow, type TeamRow, TeamRuntimeError } from "@team-agent/core-state";
import type { AgentView, ResultView, StatusView } from "./status.js";
import { cut } from "./text.js";

/** Compact views keep strings and lists short enough for a lead's context; detailed ones keep everything. */
export const COMPACT_TEXT = 240;
export const VIEW_LIMITS = {
  compact: { queued: 8, results: 5, text: COMPACT_TEXT },
  detail: { queued: 200, results: 20, text: Number.POSITIVE_INFINITY },
} as const;

export function unknownAgentError(agentId: string): TeamRuntimeError {
  return new TeamRuntimeError(
    "unknown_agent",
    `unknown agent id: ${agentId}`,
    "Run `team-agent status` to list the team's agents.",
  );
}

/** The agent's row, or the `unknown_agent` error. */
export function agentRowOf(runtime: TeamRuntime, team: TeamRow, agentId: string): AgentRow {
  const row = runtime.store.agents.get(team.team_id, agentId);
  if (row === null) throw unknownAgentError(agentId);
  return row;
}

export interface TeamSnapshot {
  status: TeamStatus;
  rows: Map<string, AgentRow>;
  view: StatusView;
}

export function resultView(result: ResultRow, textLimit: number = COMPACT_TEXT): ResultView {
  return {
    result_id: result.result_id,
    agent_id: result.agent_id,
    task_id: result.task_id,
    status: result.status,
    summary: cut(result.envelope.summary ?? "", textLimit),
    collection: result.collection,
    created_at: result.created_at,
  };
}

export async function loadTeamSnapshot(
  runtime: TeamRuntime,
  team: TeamRow,
  options: { detail: boolean },
): Promise<TeamSnapshot> {
  const status = await teamStatus(runtime, team);
  const { store } = runtime;
  const rows = new Map(store.agents.list(team.team_id).map((row) => [row.agent_id, row]));
  const limits = options.detail ? VIEW_LIMITS.detail : VIEW_LIMITS.compact;
  const agents: AgentView[] = status.agents.map((agent) => ({
    agent_id: agent.agent_id,
    provider: agent.provider,
    role: agent.role,
    status: agent.status,
    screen: agent.screen,
    turn: agent.turn,
    queued: agent.queued,
    session_id: agent.session_id,
    interacted: Boolean(rows.get(agent.agent_id)?.attrs["first_send_at"]),
    last_result: agent.last_result
      ? {
          task_id: agent.last_result.task_id,
          status: agent.last_result.status,
          summary: cut(agent.last_result.summary, limits.text),
        }
      : null,
  }));
  const counts = store.results.counts(team.team_id);
  const view: StatusView = {
    team_id: status.team_id,
    session_name: status.session_name,
    team_status: status.team_status,
    tmux_session_present: status.tmux_session_present,
    coordinator: { status: status.coordinator.status, pid: status.coordinator.pid },
    leader: status.leader,
    agents,
    messages: Object.fromEntries(Object.entries(status.messages).filter(([, count]) => count > 0)),
    queued_messages: store.messages.listPending(team.team_id, limits.queued).map((message) => ({
      message_id: message.message_id,
      sender: message.sender,
      recipient: message.recipient,
      task_id: message.task_id,
      created_at: message.created_at,
    })),
    results: {
      total: counts.total,
      uncollected: counts.uncollected,
      collected: counts.collected,
      invalid: counts.invalid,
    },
    latest_results: store.results.latest(team.team_id, limits.results).map((result) => resultView(result, limits.text)),
    tasks: store.tasks.list(team.team_id).map((task) => ({
      id: task.task_id,
      title: task.title,
      status: task.status,
      assignee: task.assignee,
    })),
  };
  return { status, rows, view };
}
