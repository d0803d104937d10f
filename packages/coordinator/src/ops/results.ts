/**
 * Results (spec 04 §2.3 `report_result`, spec 03 §1.6 collection). A report is normalised into a
 * result_envelope_v1, stored, acknowledges the messages it answers, and queues one notification for the lead in
 * the same step (persist first, D4): the notification's `Result id:` line is what the leader-notification log
 * gates, so the lead sees each result exactly once however often delivery is retried. Collection (each tick) marks
 * results collected, moves their tasks on, and settles the watchers.
 */
import { isoNow, type ResultRow, type TeamRow } from "@team-agent/core-state";
import { normaliseReport, type ReportInput, reportedIds } from "../results/normalise-report.js";
import type { TeamRuntime } from "../runtime/runtime.js";

export interface ReportIdentity {
  /** TEAM_AGENT_ID of the calling worker, or null (then the envelope must name its agent). */
  agentId: string | null;
}

export interface ReportResultOutcome {
  ok: true;
  status: string;
  result_id: string;
  task_id: string;
  agent_id: string;
  notification_message_id: string;
  leader_notified: false;
  notification_status: "queued";
}

/** The text the lead receives; its `Result id:` line is the exactly-once key. */
export function resultNotificationText(result: ResultRow): string {
  const envelope = result.envelope;
  const lines = [`Result from ${result.agent_id} for task ${result.task_id}: ${envelope.status}`, envelope.summary];
  if (envelope.changes.length > 0) lines.push(`Changes: ${envelope.changes.map((change) => change.path).join(", ")}`);
  if (envelope.next_actions.length > 0) {
    lines.push(`Next: ${envelope.next_actions.map((action) => action.description).join("; ")}`);
  }
  lines.push(`Result id: ${result.result_id}`);
  return lines.join("\n");
}

export function reportResult(
  runtime: TeamRuntime,
  team: TeamRow,
  input: ReportInput,
  identity: ReportIdentity,
): ReportResultOutcome {
  const named = reportedIds(input);
  const agentId = named.agentId ?? identity.agentId;
  const inferred =
    named.taskId ?? (agentId ? (runtime.store.tasks.inferForAgent(team.team_id, agentId)?.task_id ?? null) : null);
  if (named.taskId === null && inferred === null) {
    runtime.events.emit("mcp.task_inference_failed", { team_id: team.team_id, agent_id: agentId });
  }
  const envelope = normaliseReport(input, { agentId, taskId: inferred });
  const { store } = runtime;
  const stored = store.context.write("report_result", () => {
    const result = store.results.add(team.team_id, envelope);
    store.messages.acknowledgeByTask(team.team_id, result.agent_id, result.task_id);
    const notification = store.messages.create(team.team_id, {
      sender: result.agent_id,
      recipient: team.leader_id,
      content: resultNotificationText(result),
      taskId: result.task_id,
      requiresAck: false,
    });
    return { result, notification };
  });
  runtime.events.emit("report_result.accepted", {
    team_id: team.team_id,
    result_id: stored.result.result_id,
    task_id: stored.result.task_id,
    agent_id: stored.result.agent_id,
    status: envelope.status,
    notification_message_id: stored.notification.message_id,
  });
  return {
    ok: true,
    status: envelope.status,
    result_id: stored.result.result_id,
    task_id: stored.result.task_id,
    agent_id: stored.result.agent_id,
    notification_message_id: stored.notification.message_id,
    leader_notified: false,
    notification_status: "queued",
  };
}

export interface CollectOutcome {
  collected: string[];
  /** Watchers settled by this collection. */
  notified: string[];
}

const TASK_STATUS_FOR_RESULT: Record<string, string> = {
  success: "done",
  partial: "needs_review",
  blocked: "blocked",
  failed: "failed",
};

export function collectResults(runtime: TeamRuntime, team: TeamRow): CollectOutcome {
  const { store } = runtime;
  const uncollected = store.results.listUncollected(team.team_id);
  if (uncollected.length === 0) return { collected: [], notified: [] };
  const collected = store.results.markCollected(uncollected.map((result) => result.result_id));
  const notified: string[] = [];
  for (const result of uncollected) {
    if (!collected.includes(result.result_id)) continue;
    if (store.tasks.get(team.team_id, result.task_id) !== null) {
      store.tasks.setStatus(team.team_id, result.task_id, TASK_STATUS_FOR_RESULT[result.status] ?? "done", {
        acceptedResultId: result.result_id,
      });
    }
    runtime.events.emit("collect.result", {
      team_id: team.team_id,
      result_id: result.result_id,
      task_id: result.task_id,
      agent_id: result.agent_id,
      status: result.status,
    });
    const watchers = store.watchers
      .findMatching(team.team_id, result)
      .filter((watcher) => watcher.status === "pending");
    watchers.forEach((watcher, index) => {
      store.watchers.mark(watcher.watcher_id, index === 0 ? "notified" : "superseded", { resultId: result.result_id });
      if (index === 0) notified.push(watcher.watcher_id);
    });
  }
  runtime.events.emit("coordinator.result_collect", {
    team_id: team.team_id,
    collected: collected.length,
    notified: notified.length,
    at: isoNow(),
  });
  return { collected, notified };
}
