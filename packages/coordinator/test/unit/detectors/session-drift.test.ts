/** Spec 03 §1.6 "Session drift", with the port's sticky mark. */
import { describe, expect, it } from "vitest";
import { detectSessionDrift, findReportedThreadId } from "../../../src/daemon/detectors/session-drift.js";
import { recordedScreen } from "./recorded-screens.js";

const STORED = "0199a2b1-7c3e-7d10-9f42-5b8e6c1d2a30";
const OTHER = "0199a2c4-1e5f-7a22-8b13-9c0d4e7f6a51";

describe("findReportedThreadId", () => {
  it("reads the id Codex prints on exit (recorded screen)", () => {
    expect(findReportedThreadId(recordedScreen("codex-0.169.0-exited"))).toBe("01a2132e-4bf6-7971-9e12-646db1b1ae9e");
  });

  it.each([
    { case: "switched", capture: `• Switched to thread ${OTHER}\n› Ask Codex to do anything`, id: OTHER },
    { case: "resume command", capture: `To continue this session, run codex resume ${OTHER}`, id: OTHER },
    { case: "labelled thread id", capture: `session configured · thread id: ${OTHER}`, id: OTHER },
    { case: "thread=…", capture: `debug: thread=${OTHER} model=gpt-5.5`, id: OTHER },
    { case: "upper case", capture: `SWITCHED TO THREAD ${OTHER.toUpperCase()}`, id: OTHER.toUpperCase() },
    {
      case: "the last one wins",
      capture: `Switched to thread ${STORED}\n• working…\nSwitched to thread ${OTHER}`,
      id: OTHER,
    },
    { case: "resume then a later thread", capture: `codex resume ${OTHER}\nthread ${STORED}`, id: STORED },
    {
      case: "prose after the words",
      capture: "Need resume confirmation first.\nSeveral threads mention it.",
      id: null,
    },
    { case: "a UUID with no phrase before it", capture: `• wrote report ${OTHER}.md`, id: null },
    { case: "a longer token that starts like a UUID", capture: `thread ${OTHER}-backup`, id: null },
    { case: "a truncated UUID", capture: `thread ${OTHER.slice(0, 30)}`, id: null },
    { case: "empty", capture: "", id: null },
  ])("$case → $id", ({ capture, id }) => {
    expect(findReportedThreadId(capture)).toBe(id);
  });
});

describe("detectSessionDrift", () => {
  it.each([
    { case: "the pane reports another thread", stored: STORED, capture: `Switched to thread ${OTHER}`, drift: true },
    {
      case: "same id in another case",
      stored: STORED,
      capture: `Switched to thread ${STORED.toUpperCase()}`,
      drift: false,
    },
    { case: "no thread on screen", stored: STORED, capture: "› Ask Codex to do anything", drift: false },
    { case: "no stored session", stored: null, capture: `Switched to thread ${OTHER}`, drift: false },
    { case: "blank stored session", stored: "  ", capture: `Switched to thread ${OTHER}`, drift: false },
  ])("$case → drift $drift", ({ stored, capture, drift }) => {
    const result = detectSessionDrift({ storedSessionId: stored, capture, alreadyDrifted: false });
    expect(result).toEqual(drift ? { storedSessionId: STORED, actualThreadId: OTHER } : null);
  });

  it("the mark is sticky: an agent already marked is not reported again", () => {
    const capture = `Switched to thread ${OTHER}`;
    const ticks = [false, true, true].map((alreadyDrifted) =>
      detectSessionDrift({ storedSessionId: STORED, capture, alreadyDrifted }),
    );
    expect(ticks).toEqual([{ storedSessionId: STORED, actualThreadId: OTHER }, null, null]);
  });

  it("the recorded exit screen drifts from any other stored id", () => {
    const capture = recordedScreen("codex-0.169.0-exited");
    expect(detectSessionDrift({ storedSessionId: STORED, capture, alreadyDrifted: false })?.actualThreadId).toBe(
      "01a2132e-4bf6-7971-9e12-646db1b1ae9e",
    );
    expect(
      detectSessionDrift({ storedSessionId: "01A2132E-4BF6-7971-9E12-646DB1B1AE9E", capture, alreadyDrifted: false }),
    ).toBeNull();
  });
});
