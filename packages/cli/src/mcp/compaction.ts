/**
 * What a worker gets back (spec 04 §2.4). Tool results land in a language model's context, so operation results keep
 * only the fields a worker acts on (ids, status, counts), and views (team status, alert lists) are cut to size: long
 * strings shortened, long lists capped, internals (pane ids, launch commands, message bodies) never included.
 */
import type { TeamStatus } from "@team-agent/coordinator";
import type { TaskRow } from "@team-agent/core-state";

type Fields = Record<string, unknown>;

const SUCCESS_KEYS = [
  "ok",
  "status",
  "message_id",
  "to",
  "targets",
  "delivered_count",
  "failed_count",
  "submitted",
  "visible",
  "queued",
  "durably_stored",
  "result_id",
  "task_id",
  "agent_id",
  "new_agent_id",
  "source_agent_id",
  "role_file_sha",
  "session_id",
  "leader_notified",
  "notification_message_id",
  "notification_status",
  "notification_channel",
  "notification_event_id",
  // Ours: guidance and the non-blocking send's pointers are worker-facing text, not internals.
  "hint",
  "delivery_pending",
  "poll_via",
];

const FAILURE_KEYS = [
  "ok",
  "status",
  "reason",
  "error",
  "message_id",
  "agent_id",
  "new_agent_id",
  "source_agent_id",
  "role_file_sha",
  "session_id",
  "to",
  "targets",
  "delivered_count",
  "failed_count",
  "fallback_path",
  "suggestion",
  "hint",
];

const FANOUT_KEYS = ["deliveries", "recipients"];

function pick(source: Fields, keys: readonly string[]): Fields {
  const kept: Fields = {};
  for (const key of keys) if (source[key] !== undefined) kept[key] = source[key];
  return kept;
}

/** An operation's result as a worker sees it (§2.4): the keep list of its outcome, `{ok:true}` at least. */
export function compactForAgent(result: Fields): Fields {
  const failed = result["ok"] === false;
  const kept = pick(result, failed ? FAILURE_KEYS : SUCCESS_KEYS);
  const status = result["status"];
  if (typeof status === "string" && status.startsWith("fanout_")) Object.assign(kept, pick(result, FANOUT_KEYS));
  if (!failed && Array.isArray(result["acknowledged_messages"])) {
    kept["acknowledged_count"] = result["acknowledged_messages"].length;
  }
  return Object.keys(kept).length === 0 ? { ok: true } : kept;
}

const STRING_LIMIT = 240;
const PRIMITIVE_LIST_LIMIT = 8;
const OBJECT_LIST_LIMIT = 20;
const DEPTH_LIMIT = 6;
/** Bulky or sensitive keys that never belong in a worker's context. */
const DROPPED_KEYS: ReadonlySet<string> = new Set([
  "command",
  "payload",
  "launch_args",
  "content",
  "prompt",
  "developer_instructions",
]);

export function cutString(text: string, limit = STRING_LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

const isFields = (value: unknown): value is Fields =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** A view cut to size: strings ≤ 240 chars, lists capped with a `... N more` marker, dropped keys gone. */
export function compactView(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return cutString(value);
  if (Array.isArray(value)) {
    if (depth >= DEPTH_LIMIT) return `${value.length} item(s)`;
    const primitive = value.every((item) => item === null || typeof item !== "object");
    const limit = primitive ? PRIMITIVE_LIST_LIMIT : OBJECT_LIST_LIMIT;
    const kept = value.slice(0, limit).map((item) => compactView(item, depth + 1));
    return value.length > limit ? [...kept, `... ${value.length - limit} more`] : kept;
  }
  if (isFields(value)) {
    if (depth >= DEPTH_LIMIT) return `${Object.keys(value).length} field(s)`;
    const out: Fields = {};
    for (const [key, field] of Object.entries(value)) {
      if (!DROPPED_KEYS.has(key) && field !== undefined) out[key] = compactView(field, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * The team as a worker needs to see it: each member's state keyed by id, the task list, queue and result counts,
 * the daemon's health. No pane ids or process details.
 */
export function statusForAgent(status: TeamStatus, tasks: readonly TaskRow[]): Fields {
  const agents: Fields = {};
  for (const agent of status.agents) {
    agents[agent.agent_id] = {
      status: agent.status,
      provider: agent.provider,
      role: agent.role,
      screen: agent.screen,
      turn: agent.turn,
      queued: agent.queued,
      last_result: agent.last_result && {
        task_id: agent.last_result.task_id,
        status: agent.last_result.status,
        summary: agent.last_result.summary,
      },
    };
  }
  const messages = Object.fromEntries(Object.entries(status.messages).filter(([, count]) => count > 0));
  const view = {
    ok: true,
    team: status.team_id,
    session_name: status.session_name,
    team_status: status.team_status,
    tmux_session_present: status.tmux_session_present,
    coordinator: { status: status.coordinator.status },
    leader: { attached: status.leader.attached },
    agents,
    // The newest tasks are the ones being worked on.
    tasks: tasks
      .slice(-OBJECT_LIST_LIMIT)
      .map((task) => ({ id: task.task_id, title: task.title, status: task.status, assignee: task.assignee })),
    tasks_total: tasks.length,
    messages,
    results: status.results,
  };
  return compactView(view) as Fields;
}
