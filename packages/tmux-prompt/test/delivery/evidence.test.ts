/** Pure checks of what proves a paste and a submit, on synthetic captures in the scripted TUI's layout. */
import { describe, expect, it } from "vitest";
import { inputRegion, probesFor, probesInInput, proofOfPaste, readEvidence } from "../../src/delivery/evidence.js";
import { historyLinesFor } from "../../src/delivery/inject.js";
import { renderMessage } from "../../src/delivery/render.js";
import { scriptedTuiSignatures as signatures } from "../fixtures/tui/signatures.js";

const rule = "─".repeat(40);
const screen = (transcript: string[], box: string[]) =>
  [" scripted-tui (a test program)", ...transcript, "", rule, ...box, rule, " scripted-tui · ready"].join("\n");

const message = renderMessage({
  message_id: "msg_0123456789ab",
  sender: "leader",
  content: "Please refactor the parser module.",
});
const probes = probesFor(message, "msg_0123456789ab");
const boxed = message.split("\n").map((line, i) => (i === 0 ? `› ${line}` : `  ${line}`));

describe("proof of a paste", () => {
  it("is the token, a strong fragment or a new placeholder appearing against the baseline", () => {
    const empty = readEvidence(screen([], ["›"]), probes, signatures);
    expect(proofOfPaste(empty, readEvidence(screen([], boxed), probes, signatures))).toEqual({
      verification: "capture_contains_token",
    });
    const withoutToken = boxed.filter((line) => !line.includes("team-agent-token"));
    expect(proofOfPaste(empty, readEvidence(screen([], withoutToken), probes, signatures))).toEqual({
      verification: "capture_contains_message_fragment",
    });
    const placeholder = readEvidence(screen([], ["› [Pasted text #2 +5 lines]"]), probes, signatures);
    expect(proofOfPaste(empty, placeholder)).toEqual({
      verification: "capture_contains_new_pasted_content_prompt",
      placeholder: "[Pasted text #2 +5 lines]",
    });
  });

  it("is not a placeholder, token or fragment that was already on screen before the paste", () => {
    const before = readEvidence(screen([], ["› [Pasted text #1 +5 lines]"]), probes, signatures);
    expect(proofOfPaste(before, before)).toBeUndefined();
    // An echo of the same message in the transcript: only a second copy proves the new paste.
    const echoed = readEvidence(screen(boxed, ["›"]), probes, signatures);
    expect(proofOfPaste(echoed, echoed)).toBeUndefined();
    expect(proofOfPaste(echoed, readEvidence(screen(boxed, boxed), probes, signatures))).toMatchObject({
      verification: "capture_contains_token",
    });
  });

  it("never counts the header alone", () => {
    const headerOnly = readEvidence(screen([], [`› ${message.split("\n")[0]}`]), probes, signatures);
    expect(proofOfPaste(readEvidence(screen([], ["›"]), probes, signatures), headerOnly)).toBeUndefined();
  });
});

describe("the input box", () => {
  it("starts at the bottom-most prompt line, so an echo above it is not input", () => {
    const submitted = screen(["› an older line", ...boxed], ["›"]);
    expect(inputRegion(submitted, signatures)?.split("\n")[0]).toBe("›");
    expect(probesInInput(submitted, probes, signatures)).toEqual([]);
    expect(probesInInput(screen([], boxed), probes, signatures)?.length).toBeGreaterThan(0);
  });

  it("is undefined on a screen without any prompt", () => {
    expect(inputRegion("just some output\nand more", signatures)).toBeUndefined();
  });
});

it("captures history in proportion to the message's lines", () => {
  expect(historyLinesFor("one line")).toBe(102);
  expect(historyLinesFor("a\n".repeat(64))).toBeGreaterThan(64 + 40);
});
