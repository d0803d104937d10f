/**
 * How `status`, `status --summary`, `status --watch` and `settle` show a team: the view they share (also the JSON
 * data of `status`), the six summary buckets, and the text renderings. Pure: data in, lines out.
 */
import { BLOCKING_KINDS, type ScreenKind } from "@team-agent/tmux-prompt";
import type { Style } from "./style.js";
import { alignColumns, cut, formatAge, oneLine } from "./text.js";

export interface AgentView {
  agent_id: string;
  provider: string;
  role: string | null;
  /** Stored runtime status, `missing` when its pane is gone. */
  status: string;
  /** What the screen classifier sees in its pane now (`input_ready`, `busy`, `numbered_menu`, …). */
  screen: string | null;
  /** The turn state its transcript shows (`idle`, `working`, …). */
  turn: string;
  queued: number;
  session_id: string | null;
  /** The lead has sent it something at least once. */
  interacted: boolean;
  last_result: { task_id: string; status: string; summary: string } | null;
}

export interface QueuedMessageView {
  message_id: string;
  sender: string;
  recipient: string;
  task_id: string | null;
  created_at: string;
}

export interface ResultView {
  result_id: string;
  agent_id: string;
  task_id: string;
  status: string;
  summary: string;
  collection: string;
  created_at: string;
}

export interface TaskView {
  id: string;
  title: string | null;
  status: string;
  assignee: string | null;
}

export interface StatusView {
  team_id: string;
  session_name: string;
  team_status: string;
  tmux_session_present: boolean;
  coordinator: { status: string; pid: number | null };
  leader: { pane_id: string | null; attached: boolean };
  agents: AgentView[];
  /** Message counts by status (statuses with no message left out). */
  messages: Record<string, number>;
  queued_messages: QueuedMessageView[];
  results: { total: number; uncollected: number; collected: number; invalid: number };
  latest_results: ResultView[];
  tasks: TaskView[];
}

export const BUCKETS = ["running", "busy", "idle", "stopped", "failed", "unknown"] as const;
export type Bucket = (typeof BUCKETS)[number];

const FAILED_STATUSES = new Set(["failed", "error"]);
const STOPPED_STATUSES = new Set(["stopped", "done", "paused", "exited"]);
const UNSURE_STATUSES = new Set([
  "blocked",
  "awaiting_approval",
  "awaiting_trust_prompt",
  "interrupted",
  "missing",
  "stuck",
  "uncertain",
]);
const UNSURE_TURNS = new Set(["abnormal", "blocked_on_human"]);
const IDLE_TURNS = new Set(["idle", "idle_interrupted"]);

/**
 * One agent's bucket, first match wins: failed; stopped; unknown when it cannot take work as things stand (pane
 * gone, a blocking screen, a turn that died or waits for a human); busy; idle; running; else unknown. A blocking
 * screen outranks an open turn, so a worker stuck on a menu is not counted as busy.
 */
export function bucketOf(agent: Pick<AgentView, "status" | "turn" | "screen">): Bucket {
  if (FAILED_STATUSES.has(agent.status)) return "failed";
  if (STOPPED_STATUSES.has(agent.status)) return "stopped";
  const blockingScreen = agent.screen !== null && BLOCKING_KINDS.has(agent.screen as ScreenKind);
  if (UNSURE_STATUSES.has(agent.status) || blockingScreen || UNSURE_TURNS.has(agent.turn)) return "unknown";
  if (agent.status === "busy" || agent.turn === "working" || agent.screen === "busy") return "busy";
  if (IDLE_TURNS.has(agent.turn)) return "idle";
  if (agent.status === "running") return "running";
  return "unknown";
}

export interface TeamSummary {
  team_id: string;
  coordinator: { status: string; pid: number | null };
  tmux_session_present: boolean;
  lead: { pane_id: string | null; attached: boolean };
  agents: Record<Bucket, number> & { total: number; interacted: number; never: number };
  queued: number;
  latest_result: { agent_id: string; task_id: string; status: string; summary: string; created_at: string } | null;
}

export function summarise(view: StatusView): TeamSummary {
  const counts = Object.fromEntries(BUCKETS.map((bucket) => [bucket, 0])) as Record<Bucket, number>;
  for (const agent of view.agents) counts[bucketOf(agent)] += 1;
  const interacted = view.agents.filter((agent) => agent.interacted).length;
  const latest = view.latest_results[0];
  return {
    team_id: view.team_id,
    coordinator: view.coordinator,
    tmux_session_present: view.tmux_session_present,
    lead: view.leader,
    agents: { total: view.agents.length, ...counts, interacted, never: view.agents.length - interacted },
    queued: view.messages["accepted"] ?? 0,
    latest_result: latest
      ? {
          agent_id: latest.agent_id,
          task_id: latest.task_id,
          status: latest.status,
          summary: latest.summary,
          created_at: latest.created_at,
        }
      : null,
  };
}

/** Exactly five lines: daemon, lead, agent buckets, queue, latest result. */
export function summaryLines(summary: TeamSummary, nowMs: number = Date.now()): string[] {
  const { agents, latest_result: latest } = summary;
  const buckets = BUCKETS.map((bucket) => `${bucket}=${agents[bucket]}`).join(" ");
  const contact = agents.interacted > 0 ? ` (${agents.interacted} interacted, ${agents.never} never)` : "";
  return [
    `coordinator: ${summary.coordinator.status}${summary.coordinator.pid === null ? "" : ` pid=${summary.coordinator.pid}`} tmux=${summary.tmux_session_present ? "up" : "down"}`,
    `lead: ${summary.lead.pane_id ?? "-"} ${summary.lead.attached ? "attached" : "not attached"}`,
    `agents: ${agents.total} — ${buckets}${contact}`,
    `queued: ${summary.queued} mailbox message(s) awaiting delivery`,
    latest === null
      ? "latest result: none"
      : `latest result: ${latest.agent_id} -> ${cut(oneLine(latest.summary), 80)} @ ${formatAge(latest.created_at, nowMs)} ago`,
  ];
}

function paintBucket(style: Style, bucket: Bucket, text: string): string {
  if (bucket === "failed") return style.red(text);
  if (bucket === "unknown") return style.yellow(text);
  if (bucket === "stopped") return style.dim(text);
  return style.green(text);
}

function lastResultCell(agent: AgentView, width: number): string {
  const result = agent.last_result;
  return result ? cut(`${result.status} ${result.task_id}: ${oneLine(result.summary)}`, width) : "-";
}

/** The agents as an aligned table; `session` adds the session id column. */
export function agentTable(agents: readonly AgentView[], style: Style, options: { session: boolean }): string[] {
  const header = ["AGENT", "STATUS", "SCREEN", "TURN", "QUEUE", ...(options.session ? ["SESSION"] : []), "LAST RESULT"];
  const rows = agents.map((agent) => [
    agent.agent_id,
    agent.status,
    agent.screen ?? "-",
    agent.turn,
    String(agent.queued),
    ...(options.session ? [agent.session_id?.slice(0, 8) ?? "-"] : []),
    lastResultCell(agent, 70),
  ]);
  return alignColumns([header, ...rows], (cell, column, row) => {
    if (row === 0) return style.bold(cell);
    const agent = agents[row - 1];
    return column === 1 && agent ? paintBucket(style, bucketOf(agent), cell) : cell;
  });
}

function teamLine(view: StatusView): string {
  const { coordinator, leader } = view;
  return [
    `team ${view.team_id} (session ${view.session_name}): ${view.tmux_session_present ? "up" : "down"}`,
    `coordinator ${coordinator.status}${coordinator.pid === null ? "" : ` (pid ${coordinator.pid})`}`,
    `lead ${leader.attached ? (leader.pane_id ?? "attached") : "not attached"}`,
  ].join(" · ");
}

/** `status` without an agent: the team line, results, queue, agents, tasks. */
export function statusText(view: StatusView, style: Style, nowMs: number = Date.now()): string {
  const { results } = view;
  const lines = [teamLine(view)];
  const pending = results.uncollected > 0 ? " — results are waiting: run `team-agent collect`" : "";
  lines.push(
    `results: total ${results.total} · uncollected ${results.uncollected} · collected ${results.collected} · invalid ${results.invalid}${pending}`,
  );
  if (view.queued_messages.length > 0) {
    lines.push(`queued (${view.messages["accepted"] ?? view.queued_messages.length}):`);
    for (const message of view.queued_messages) {
      lines.push(
        `  ${message.message_id} ${message.sender} -> ${message.recipient} (${formatAge(message.created_at, nowMs)} ago)`,
      );
    }
  }
  lines.push("", ...agentTable(view.agents, style, { session: true }));
  if (view.tasks.length > 0) {
    const shown = view.tasks
      .slice(0, 8)
      .map((task) => `${task.id} ${task.status}${task.assignee ? ` (${task.assignee})` : ""}`);
    const more = view.tasks.length > 8 ? ` · … ${view.tasks.length - 8} more` : "";
    lines.push("", `tasks: ${shown.join(" · ")}${more}`);
  }
  return lines.join("\n");
}

/** One frame of `status --watch`; `clock` (a terminal only) is left out of snapshots so they change only with the team. */
export function watchFrame(view: StatusView, style: Style, clock: string | null): string[] {
  const latest = view.latest_results[0];
  return [
    `${teamLine(view)}${clock === null ? "" : ` · ${clock}`}`,
    `queued ${view.messages["accepted"] ?? 0} · results ${view.results.total} (${view.results.uncollected} uncollected)`,
    "",
    ...agentTable(view.agents, style, { session: false }),
    "",
    latest ? `latest: ${latest.agent_id} -> ${cut(oneLine(latest.summary), 100)}` : "latest: none",
  ];
}
