/**
 * Compaction degradation (spec 03 §1.6, Codex workers): a worker whose context has been compacted again and again
 * loses track of its task, so past a threshold (or once while it also looks stuck) the daemon resets it with a
 * discarded session.
 *
 * Port improvement: when that reset fails the original retried it, and logged the recommendation, on every tick.
 * Here a failed reset is retried at most once per `recommendIntervalMs`; the daemon stores the time of the last
 * failure (`recordCompactionResetOutcome`) and passes it back as `lastRecommendAt`.
 */

/** `runtime.compaction_reset_threshold` of the original (its spec validation rejects the key, so this is it). */
export const DEFAULT_COMPACTION_RESET_THRESHOLD = 3;

/** Our choice (the original has no rate limit): one retry of a failed reset every 5 minutes, the stuck timeout. */
export const DEFAULT_COMPACTION_RECOMMEND_INTERVAL_MS = 5 * 60_000;

const COMPACTION_MARK = /context compacted|compaction occurred/gi;

export type CompactionAction = "none" | "reset" | "recommend_suppressed";

export interface CompactionInput {
  /** The stored count: the highest seen so far for this agent. */
  previousCount: number;
  /** The worker pane's recent lines. */
  capture: string;
  threshold: number;
  /** The agent is in this tick's stuck list. */
  stuckThisTick: boolean;
  /** When the last failed reset was reported (ISO), or null when none is pending. */
  lastRecommendAt: string | null;
  /** ISO timestamp of this tick. */
  now: string;
  recommendIntervalMs: number;
}

export interface CompactionDecision {
  /** max(previous, seen now): the value to store. */
  count: number;
  /** Any compaction so far (the original writes `coordinator.compaction_observed` while this holds). */
  observed: boolean;
  /** The count differs from the stored one (what an event-on-change log keys on). */
  changed: boolean;
  /** `reset`: reset the agent now; `recommend_suppressed`: a reset is due but the last one failed too recently. */
  action: CompactionAction;
}

export interface CompactionResetOutcome {
  event: "compaction_threshold_crossed.auto_reset" | "compaction_threshold_crossed.recommend_reset";
  /** The count to store: 0 after a successful reset, unchanged after a failed one. */
  count: number;
  /** What to pass as `lastRecommendAt` from now on. */
  lastRecommendAt: string | null;
}

export function countCompactionMarks(capture: string): number {
  return capture.match(COMPACTION_MARK)?.length ?? 0;
}

export function decideCompaction(input: CompactionInput): CompactionDecision {
  const count = Math.max(input.previousCount, countCompactionMarks(input.capture));
  const observed = count > 0;
  const changed = count !== input.previousCount;
  const resetDue = observed && (count >= input.threshold || input.stuckThisTick);
  if (!resetDue) return { count, observed, changed, action: "none" };
  const lastFailureMs = input.lastRecommendAt === null ? Number.NaN : Date.parse(input.lastRecommendAt);
  // An unreadable stored time must not block the reset forever, so it counts as "no recent failure".
  const retryTooSoon =
    Number.isFinite(lastFailureMs) && Date.parse(input.now) - lastFailureMs < input.recommendIntervalMs;
  return { count, observed, changed, action: retryTooSoon ? "recommend_suppressed" : "reset" };
}

/** What to store and write after the daemon tried the reset that `decideCompaction` asked for. */
export function recordCompactionResetOutcome(input: {
  count: number;
  resetOk: boolean;
  now: string;
}): CompactionResetOutcome {
  if (input.resetOk) return { event: "compaction_threshold_crossed.auto_reset", count: 0, lastRecommendAt: null };
  return { event: "compaction_threshold_crossed.recommend_reset", count: input.count, lastRecommendAt: input.now };
}
