/**
 * The take-over reminder text (§2.10). It states only what the transcripts prove — every turn is closed — and
 * never claims work is unfinished or lost: the lead decides that after reading the results.
 */

export interface ReminderInput {
  /** Every node of the team, all of them idle. */
  nodeIds: readonly string[];
  activeIdleSeconds: number;
  /** Nodes whose last turn was closed by an interrupt. */
  interrupted?: readonly string[];
}

export function formatTakeoverReminder(input: ReminderInput): string {
  const count = input.nodeIds.length;
  const minutes = Math.max(1, Math.round(input.activeIdleSeconds / 60));
  const nodes = count === 1 ? "1 team node" : `${count} team nodes`;
  let text =
    `All nodes idle: ${nodes} (${input.nodeIds.join(", ")}) have had no open turn for about ${minutes} min. ` +
    "Check the results they reported and take over the next step. " +
    "If the pause is intended, run team-agent acknowledge-idle; you will not be reminded again until a worker " +
    "starts a new turn.";
  const interrupted = input.interrupted ?? [];
  if (interrupted.length > 0) text += ` Interrupted nodes: ${interrupted.join(", ")}.`;
  return text;
}
