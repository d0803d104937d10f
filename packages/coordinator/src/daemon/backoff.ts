/**
 * Tick-failure backoff and log throttling of the coordinator main loop (spec 03 §1.3). Pure: the daemon sleeps and
 * writes the events; this class only counts failures and says what to write and how long to wait.
 *
 * A tick that throws never ends the loop. The sleep doubles from one interval up to a 60 s cap (5 s interval:
 * 5, 10, 20, 40, 60, 60, …). To keep a persistent failure from flooding the event log, `coordinator.tick_error` is
 * written when the error signature changes and at the throttled points only (first failure, every 12th, and once
 * the sleep has reached 40 s or 60 s); the other repeats write the short `coordinator.tick_error.suppressed`.
 * These are exactly the original's rules, kept on purpose so people grepping for them find the same lines.
 */

/** Upper bound of the sleep after a failed tick. */
export const MAX_TICK_FAILURE_SLEEP_MS = 60_000;
/** The doubling stops after this many steps (interval × 2^5), before the cap applies. */
const MAX_DOUBLINGS = 5;
/** Characters of the error message that make up its signature; longer messages often end in volatile detail. */
const SIGNATURE_MESSAGE_CHARS = 200;
/** A repeated error is logged in full again on every this-many consecutive failure. */
const FULL_LOG_EVERY = 12;
/** Sleeps at which a repeated error is logged in full (the loop is clearly in trouble by then). */
const FULL_LOG_SLEEPS_MS: ReadonlySet<number> = new Set([40_000, 60_000]);

export type TickFailureEvent = "coordinator.tick_error" | "coordinator.tick_error.suppressed";

export interface TickFailureDecision {
  event: TickFailureEvent;
  fields: Record<string, unknown>;
  /** How long the daemon waits before the next tick. */
  sleepMs: number;
}

export interface TickRecovery {
  event: "coordinator.tick_recovered";
  fields: { consecutive_failures: number };
}

/** Sleep after the `failureNumber`-th consecutive failure (1-based). */
export function tickFailureSleepMs(intervalMs: number, failureNumber: number): number {
  const doublings = Math.min(Math.max(failureNumber - 1, 0), MAX_DOUBLINGS);
  return Math.min(intervalMs * 2 ** doublings, MAX_TICK_FAILURE_SLEEP_MS);
}

/** Class name and message of anything a tick may throw (JavaScript can throw non-Error values too). */
export function describeThrown(error: unknown): { excType: string; message: string } {
  if (error instanceof Error) {
    // The constructor name survives subclasses that forget to set `name`.
    const constructorName = error.constructor?.name;
    const excType = constructorName && constructorName !== "Object" ? constructorName : error.name;
    return { excType, message: error.message };
  }
  if (error === null) return { excType: "null", message: "null" };
  if (typeof error === "object") {
    const name = (error as object).constructor?.name ?? "Object";
    return { excType: name, message: safeString(error) };
  }
  return { excType: typeof error, message: String(error) };
}

function safeString(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export class TickFailureTracker {
  readonly intervalMs: number;
  #consecutiveFailures = 0;
  #lastSignature: string | null = null;

  constructor(options: { intervalMs: number }) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) {
      throw new RangeError(`tick interval must be a positive number of milliseconds, got ${options.intervalMs}`);
    }
    this.intervalMs = options.intervalMs;
  }

  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /** Records one failed tick: which event to write and how long to sleep before the next tick. */
  failure(error: unknown): TickFailureDecision {
    this.#consecutiveFailures += 1;
    const count = this.#consecutiveFailures;
    const { excType, message } = describeThrown(error);
    const signature = `${excType}\u0000${message.slice(0, SIGNATURE_MESSAGE_CHARS)}`;
    const isNewSignature = signature !== this.#lastSignature;
    this.#lastSignature = signature;
    const sleepMs = tickFailureSleepMs(this.intervalMs, count);
    const nextSleepSec = sleepMs / 1000;
    const logInFull = isNewSignature || count === 1 || count % FULL_LOG_EVERY === 0 || FULL_LOG_SLEEPS_MS.has(sleepMs);
    if (logInFull) {
      return {
        event: "coordinator.tick_error",
        fields: { error: message, exc_type: excType, consecutive_failures: count, next_sleep_sec: nextSleepSec },
        sleepMs,
      };
    }
    return {
      event: "coordinator.tick_error.suppressed",
      fields: { consecutive_failures: count, next_sleep_sec: nextSleepSec },
      sleepMs,
    };
  }

  /** Records a tick that did not throw; after failures it returns the recovery event and starts over. */
  success(): TickRecovery | null {
    const failures = this.#consecutiveFailures;
    this.#consecutiveFailures = 0;
    this.#lastSignature = null;
    if (failures === 0) return null;
    return { event: "coordinator.tick_recovered", fields: { consecutive_failures: failures } };
  }
}
