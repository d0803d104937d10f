/**
 * Active idle time: wall-clock time since the all-idle episode began, minus time the machine (or the team) was
 * suspended. Wall clocks keep running while a laptop sleeps; without this a wake-up would ping at once.
 */
import { isoMillis, requireIso } from "./clock.js";

/** A span of wall-clock time to leave out, both ends ISO strings; `end` before `start` is an empty span. */
export interface SuspendInterval {
  start: string;
  end: string;
}

/**
 * Seconds between `startIso` and `nowIso` not covered by any suspend interval. Intervals are clipped to
 * [start, now] and merged when they overlap or touch, so a span reported twice is subtracted once. Never < 0.
 */
export function activeSeconds(startIso: string, nowIso: string, suspends: readonly SuspendInterval[] = []): number {
  const start = isoMillis(startIso);
  const now = isoMillis(nowIso);
  if (now <= start) return 0;
  const clipped = suspends
    .map((span, index) => [
      Math.max(start, isoMillis(requireIso(span.start, `suspendIntervals[${index}].start`))),
      Math.min(now, isoMillis(requireIso(span.end, `suspendIntervals[${index}].end`))),
    ])
    .filter(([from, to]) => to! > from!)
    .sort((left, right) => left[0]! - right[0]!);
  let suspended = 0;
  let runFrom = Number.NaN;
  let runTo = Number.NaN;
  for (const [from, to] of clipped as Array<[number, number]>) {
    if (Number.isNaN(runFrom) || from > runTo) {
      if (!Number.isNaN(runFrom)) suspended += runTo - runFrom;
      runFrom = from;
      runTo = to;
    } else {
      runTo = Math.max(runTo, to);
    }
  }
  if (!Number.isNaN(runFrom)) suspended += runTo - runFrom;
  return Math.max(0, (now - start - suspended) / 1000);
}
