import { describe, expect, it } from "vitest";
import { formatTakeoverReminder } from "../../src/reminder.js";

describe("formatTakeoverReminder", () => {
  it("lists the nodes, the rounded minutes and the way to acknowledge", () => {
    const text = formatTakeoverReminder({ nodeIds: ["w1", "w2", "w3"], activeIdleSeconds: 150 });
    expect(text).toMatch(/^All nodes idle: 3 team nodes \(w1, w2, w3\) have had no open turn for about 3 min\./);
    expect(text).toContain("take over");
    expect(text).toContain("run team-agent acknowledge-idle");
    expect(text).not.toContain("Interrupted");
  });

  it.each([
    [0, 1],
    [60, 1],
    [89, 1],
    [90, 2],
    [3600, 60],
  ])("%i s → about %i min (never less than 1)", (seconds, minutes) => {
    expect(formatTakeoverReminder({ nodeIds: ["w1"], activeIdleSeconds: seconds })).toContain(`about ${minutes} min`);
  });

  it("uses the singular for one node and appends interrupted nodes", () => {
    const text = formatTakeoverReminder({ nodeIds: ["solo"], activeIdleSeconds: 60, interrupted: ["solo"] });
    expect(text).toContain("1 team node (solo)");
    expect(text.endsWith(" Interrupted nodes: solo.")).toBe(true);
  });

  it("never claims the work is unfinished or lost", () => {
    const text = formatTakeoverReminder({ nodeIds: ["w1", "w2"], activeIdleSeconds: 300, interrupted: ["w2"] });
    expect(text).not.toMatch(/unfinished|incomplete|dropped|lost|failed|stuck/i);
  });
});
