import { describe, expect, it } from "vitest";
import { captureContainsFragment, containsToken, strongFragments } from "../../src/screen/fragments.js";

const message = [
  "Team Agent message from lead for task-9:",
  "",
  "Please rebase the parser branch onto main and rerun the integration suite.",
  "ok",
  "-->",
  "",
  "[team-agent-token:msg_0123456789ab]",
].join("\n");

describe("strongFragments", () => {
  it("drops the header, token marker, blank, short and punctuation-only lines; compacts whitespace", () => {
    // "ok" is too short, "-->" is punctuation only, the header and the token marker are never probes.
    expect(strongFragments(message)).toEqual(["Pleaserebasetheparserbranchontomainandreruntheintegrationsuite."]);
    const probes = strongFragments(message);
    expect(probes.every((p) => !/\s/.test(p))).toBe(true);
    expect(probes.some((p) => p.includes("TeamAgent"))).toBe(false);
    expect(probes.some((p) => p.includes("msg_0123456789ab"))).toBe(false);
  });

  it("uses lines up to 72 compact characters whole", () => {
    expect(strongFragments("Run the full test suite and report back")).toEqual(["Runthefulltestsuiteandreportback"]);
  });

  it("cuts longer lines into head, centred middle and tail probes of 36 characters", () => {
    const line = "abcdefghij".repeat(8); // 80 compact characters
    const probes = strongFragments(line);
    expect(probes).toEqual([line.slice(0, 36), line.slice(22, 58), line.slice(44)]);
    expect(probes.every((p) => p.length === 36)).toBe(true);
  });

  it("a short line is strong when it carries an id or four CJK ideographs", () => {
    expect(strongFragments("see res_deadbeef01")).toEqual(["seeres_deadbeef01"]);
    expect(strongFragments("请检查导入流程")).toEqual(["请检查导入流程"]);
    expect(strongFragments("检查流程")).toEqual([]); // 4 ideographs but < 6 characters
    expect(strongFragments("short line")).toEqual([]);
  });

  it("never yields the fixed Team Agent sentences", () => {
    const notice = [
      "Team Agent peer message from a to b:",
      "Team Agent has collected this result for you already.",
      "No manual polling is needed for this task at all.",
    ].join("\n");
    expect(strongFragments(notice)).toEqual([]);
  });

  it("counts characters as code points (astral characters are one each)", () => {
    const line = "😀".repeat(80);
    const probes = strongFragments(line);
    expect(probes).toHaveLength(1); // head, middle and tail are the same text
    expect(Array.from(probes[0] ?? "")).toHaveLength(36);
  });
});

describe("captureContainsFragment", () => {
  const probes = strongFragments(message);

  it("matches a message re-wrapped and indented by the pane", () => {
    const capture = "› Please rebase the parser branch onto\n  main and rerun the integration\n  suite.";
    expect(captureContainsFragment(capture, probes)).toBe(true);
  });

  it("an old header alone never proves visibility", () => {
    expect(captureContainsFragment("Team Agent message from lead for task-9:", probes)).toBe(false);
  });

  it("ignores ANSI codes in the capture; no probes → false", () => {
    const capture = "\x1b[1mRun the full test\x1b[0m suite and report back";
    expect(captureContainsFragment(capture, strongFragments("Run the full test suite and report back"))).toBe(true);
    expect(captureContainsFragment(capture, [])).toBe(false);
  });
});

describe("containsToken", () => {
  it("finds the bare id, the bracketed marker, and a marker broken by the pane's wrap", () => {
    expect(containsToken("… msg_0123456789ab …", "msg_0123456789ab")).toBe(true);
    expect(containsToken("[team-agent-token:msg_0123456789ab]", "msg_0123456789ab")).toBe(true);
    expect(containsToken("[team-agent-token:msg_01234\n  56789ab]", "msg_0123456789ab")).toBe(true);
    expect(containsToken("[team-agent-token:msg_01234\n  56789ab]", "[team-agent-token:msg_0123456789ab]")).toBe(true);
  });

  it("does not match another id or an empty token", () => {
    expect(containsToken("msg_0123456789aa", "msg_0123456789ab")).toBe(false);
    expect(containsToken("anything", "  ")).toBe(false);
  });
});
