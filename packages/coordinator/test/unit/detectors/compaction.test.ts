/** Spec 03 §1.6 "Compaction degradation", with the port's rate limit on retrying a failed reset. */
import { describe, expect, it } from "vitest";
import {
  type CompactionInput,
  countCompactionMarks,
  DEFAULT_COMPACTION_RESET_THRESHOLD,
  decideCompaction,
  recordCompactionResetOutcome,
} from "../../../src/daemon/detectors/compaction.js";
import { recordedScreen } from "./recorded-screens.js";

const T0 = Date.parse("2026-03-02T10:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const FIVE_MINUTES_MS = 300_000;

/** A Codex worker pane with one "Context compacted" notice per entry of `compactions`. */
function codexPane(compactions: number): string {
  const turns = Array.from({ length: compactions }, (_, i) => [
    `› continue with step ${i + 1}`,
    "• Context compacted · 6s",
    `• Step ${i + 1} done.`,
  ]);
  return [...turns.flat(), "› Ask Codex to do anything", "  gpt-5.5 default · ~/work/repo"].join("\n");
}

function decide(overrides: Partial<CompactionInput>) {
  return decideCompaction({
    previousCount: 0,
    capture: "",
    threshold: DEFAULT_COMPACTION_RESET_THRESHOLD,
    stuckThisTick: false,
    lastRecommendAt: null,
    now: at(0),
    recommendIntervalMs: FIVE_MINUTES_MS,
    ...overrides,
  });
}

describe("countCompactionMarks", () => {
  it.each([
    { name: "codex-0.169.0-after-compact", marks: 1 },
    { name: "codex-0.169.0-after-auto-compact", marks: 1 },
    { name: "codex-0.169.0-compacting", marks: 0 },
    { name: "codex-0.169.0-after-turn", marks: 0 },
  ])("recorded $name → $marks", ({ name, marks }) => {
    expect(countCompactionMarks(recordedScreen(name))).toBe(marks);
  });

  it.each([
    { capture: codexPane(3), marks: 3 },
    { capture: "CONTEXT COMPACTED\ncontext compacted\nContext Compacted", marks: 3 },
    { capture: "warning: a compaction occurred; earlier turns were summarized", marks: 1 },
    { capture: "• Context compacted · 2s\nnote: Compaction occurred mid-turn", marks: 2 },
    { capture: "the context was compacted", marks: 0 },
    { capture: "", marks: 0 },
  ])("$marks in $capture", ({ capture, marks }) => {
    expect(countCompactionMarks(capture)).toBe(marks);
  });
});

describe("decideCompaction", () => {
  it.each([
    { case: "nothing seen", previousCount: 0, marks: 0, stuck: false, count: 0, changed: false, action: "none" },
    { case: "first compaction", previousCount: 0, marks: 1, stuck: false, count: 1, changed: true, action: "none" },
    {
      case: "fewer marks on screen than stored: keep the max",
      previousCount: 2,
      marks: 1,
      stuck: false,
      count: 2,
      changed: false,
      action: "none",
    },
    { case: "threshold reached", previousCount: 2, marks: 3, stuck: false, count: 3, changed: true, action: "reset" },
    {
      case: "stored count at threshold, marks scrolled away",
      previousCount: 3,
      marks: 0,
      stuck: false,
      count: 3,
      changed: false,
      action: "reset",
    },
    {
      case: "one compaction while stuck",
      previousCount: 0,
      marks: 1,
      stuck: true,
      count: 1,
      changed: true,
      action: "reset",
    },
    {
      case: "stuck without compaction",
      previousCount: 0,
      marks: 0,
      stuck: true,
      count: 0,
      changed: false,
      action: "none",
    },
  ])("$case → $action", ({ previousCount, marks, stuck, count, changed, action }) => {
    expect(decide({ previousCount, capture: codexPane(marks), stuckThisTick: stuck })).toEqual({
      count,
      observed: count > 0,
      changed,
      action,
    });
  });

  it("a threshold of 0 still needs a compaction before it resets", () => {
    expect(decide({ threshold: 0, capture: codexPane(0) }).action).toBe("none");
    expect(decide({ threshold: 0, capture: codexPane(1) }).action).toBe("reset");
  });
});

describe("retrying a failed reset at most once per interval", () => {
  it.each([
    { lastRecommendAt: null, action: "reset" },
    { lastRecommendAt: at(-60), action: "recommend_suppressed" },
    { lastRecommendAt: at(-299), action: "recommend_suppressed" },
    { lastRecommendAt: at(-300), action: "reset" },
    { lastRecommendAt: at(-3600), action: "reset" },
    { lastRecommendAt: "not a timestamp", action: "reset" },
  ])("last failure $lastRecommendAt → $action", ({ lastRecommendAt, action }) => {
    expect(decide({ previousCount: 3, lastRecommendAt }).action).toBe(action);
  });

  it("the outcome says what to store and write", () => {
    expect(recordCompactionResetOutcome({ count: 4, resetOk: true, now: at(0) })).toEqual({
      event: "compaction_threshold_crossed.auto_reset",
      count: 0,
      lastRecommendAt: null,
    });
    expect(recordCompactionResetOutcome({ count: 4, resetOk: false, now: at(0) })).toEqual({
      event: "compaction_threshold_crossed.recommend_reset",
      count: 4,
      lastRecommendAt: at(0),
    });
  });

  it("over 5 s ticks, a reset that keeps failing is tried at 0 s, 300 s and 600 s, then succeeds for good", () => {
    let count = 0;
    let lastRecommendAt: string | null = null;
    const attempts: number[] = [];
    for (let seconds = 0; seconds <= 960; seconds += 5) {
      const capture = count === 0 && attempts.length > 0 ? codexPane(0) : codexPane(3);
      const decision = decide({ previousCount: count, capture, lastRecommendAt, now: at(seconds) });
      count = decision.count;
      if (decision.action !== "reset") continue;
      attempts.push(seconds);
      const outcome = recordCompactionResetOutcome({ count, resetOk: attempts.length === 4, now: at(seconds) });
      count = outcome.count;
      lastRecommendAt = outcome.lastRecommendAt;
    }
    expect(attempts).toEqual([0, 300, 600, 900]);
    expect({ count, lastRecommendAt }).toEqual({ count: 0, lastRecommendAt: null });
  });
});
