/**
 * Cross-worker deadlock (spec 03 §1.6): a worker sits idle while messages to it are still undelivered, typically
 * two workers each waiting for the other. Reported in the tick result only (nothing goes to the leader), and once
 * per set of pending messages: the daemon stores `newSuppressions` and passes them back as `suppressedSnapshots`.
 */

export interface CrossWorkerDeadlockAlert {
  agent_id: string;
  alert_type: "cross_worker_deadlock";
  pending_messages: string[];
}

export interface CrossWorkerDeadlockResult {
  alerts: CrossWorkerDeadlockAlert[];
  /** Agent id → snapshot of its pending message ids, to merge into the stored suppressions. */
  newSuppressions: Record<string, string>;
}

/** Order-independent, unambiguous key of a set of message ids. */
export function pendingMessagesSnapshot(messageIds: readonly string[]): string {
  return JSON.stringify([...new Set(messageIds)].sort());
}

export function findCrossWorkerDeadlocks(input: {
  idleAgents: readonly string[];
  /** Agent id → ids of its messages in an undelivered status (pending, accepted, queued_*, failed, …). */
  undelivered: Record<string, readonly string[]>;
  suppressedSnapshots: Record<string, string>;
}): CrossWorkerDeadlockResult {
  const result: CrossWorkerDeadlockResult = { alerts: [], newSuppressions: {} };
  for (const agentId of new Set(input.idleAgents)) {
    const pending = input.undelivered[agentId] ?? [];
    if (pending.length === 0) continue;
    const snapshot = pendingMessagesSnapshot(pending);
    if (input.suppressedSnapshots[agentId] === snapshot) continue;
    result.alerts.push({ agent_id: agentId, alert_type: "cross_worker_deadlock", pending_messages: [...pending] });
    result.newSuppressions[agentId] = snapshot;
  }
  return result;
}
