/**
 * `status`: one read of the whole team — per agent its process/pane, live screen kind, turn state, queue and last
 * result; the daemon's health; the lead binding; message and result counts. Reads only (a status call never writes).
 */
import type { MessageStatus, TeamRow } from "@team-agent/core-state";
import { type CoordinatorHealth, coordinatorHealth } from "../daemon/process.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import { readReceiver } from "./leader.js";
import { turnStateOf, viewWorker } from "./observe.js";

export interface AgentStatus {
  agent_id: string;
  provider: string;
  role: string | null;
  /** Stored runtime status (`running`, `busy`, `stopped`, `missing`, …). */
  status: string;
  pane_id: string | null;
  pane_present: boolean;
  screen: string | null;
  turn: string;
  session_id: string | null;
  queued: number;
  last_result: { result_id: string; task_id: string; status: string; summary: string } | null;
}

export interface TeamStatus {
  ok: true;
  team_id: string;
  session_name: string;
  team_status: string;
  tmux_session_present: boolean;
  coordinator: CoordinatorHealth;
  leader: { pane_id: string | null; attached: boolean };
  agents: AgentStatus[];
  messages: Record<MessageStatus, number>;
  results: { total: number; uncollected: number };
}

export async function teamStatus(runtime: TeamRuntime, team: TeamRow): Promise<TeamStatus> {
  const tmux = runtime.teamTmux(team);
  const sessionPresent = await tmux.hasSession(team.session_name).catch(() => false);
  const registry = await runtime.providers(team);
  const latest = runtime.store.results.latest(team.team_id, 200);
  const pending = runtime.store.messages.listPending(team.team_id, 10_000);
  const agents = await Promise.all(
    runtime.store.agents.list(team.team_id).map(async (agent): Promise<AgentStatus> => {
      const plugin = registry.get(agent.provider);
      const view = sessionPresent
        ? await viewWorker(runtime, team, agent, plugin)
        : { pane_present: false, screen: null, text: "" };
      const last = latest.find((result) => result.agent_id === agent.agent_id);
      return {
        agent_id: agent.agent_id,
        provider: agent.provider,
        role: agent.role,
        status: !view.pane_present && ["running", "busy"].includes(agent.status) ? "missing" : agent.status,
        pane_id: agent.pane_id,
        pane_present: view.pane_present,
        screen: view.screen?.kind ?? (view.pane_present ? null : "missing"),
        turn: turnStateOf(agent, plugin, view.pane_present),
        session_id: agent.session_id,
        queued: pending.filter((message) => message.recipient === agent.agent_id).length,
        last_result: last
          ? { result_id: last.result_id, task_id: last.task_id, status: last.status, summary: last.envelope.summary }
          : null,
      };
    }),
  );
  const receiver = readReceiver(runtime, team);
  const counts = runtime.store.results.counts(team.team_id);
  return {
    ok: true,
    team_id: team.team_id,
    session_name: team.session_name,
    team_status: team.status,
    tmux_session_present: sessionPresent,
    coordinator: coordinatorHealth(runtime, team),
    leader: { pane_id: receiver?.pane_id ?? null, attached: receiver !== null },
    agents,
    messages: runtime.store.messages.countsByStatus(team.team_id),
    results: { total: counts.total, uncollected: counts.uncollected },
  };
}
