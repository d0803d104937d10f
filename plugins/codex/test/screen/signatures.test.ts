/**
 * Replays real Codex 0.169.0 screens through tmux-prompt's classifier with THIS plugin's signatures: the
 * recordings of tmux-prompt (test/fixtures/screens/codex-0.169.0-*) and our own (update offer). The expected
 * kind comes from each screen's .meta.json.
 */
import { classifyScreen } from "@team-agent/tmux-prompt";
import { describe, expect, it } from "vitest";
import { CODEX_SIGNATURES } from "../../src/screen/signatures.js";
import { codexScreens, type Screen } from "../helpers/screens.js";

const screens = codexScreens();
const byName = (name: string) => {
  const found = screens.find((s) => s.file === `codex-0.169.0-${name}.txt`);
  if (!found) throw new Error(`no recorded screen ${name}`);
  return found;
};
const classify = (s: Screen) => classifyScreen(s.text, { signatures: CODEX_SIGNATURES, paneWidth: s.meta.pane_width });

describe("recorded Codex 0.169.0 screens", () => {
  it("covers the recordings of both packages", () => {
    expect(screens.length).toBeGreaterThanOrEqual(40);
    expect(screens.some((s) => s.name.endsWith("update-available"))).toBe(true);
    expect(screens.some((s) => s.name.endsWith("trust-prompt"))).toBe(true);
  });

  it.each(screens.map((s) => [s.file, s] as const))("%s classifies as its expected kind", (_file, screen) => {
    expect(classify(screen).kind).toBe(screen.meta.expected_kind);
  });

  it.each(screens.filter((s) => s.meta.workspace_path).map((s) => [s.file, s] as const))(
    "%s: the trust path read is the workspace",
    (_file, screen) => {
      const result = classify(screen);
      expect(result.provider).toBe("codex");
      expect(result.trustPath).toBe(screen.meta.workspace_path);
    },
  );
});

describe("what our signatures decide (not the generic rules)", () => {
  it("reads the Working status line as busy although a composer line is below it", () => {
    const result = classify(byName("busy-1"));
    expect(result).toMatchObject({ kind: "busy", rule: "signature_busy", provider: "codex" });
  });

  it("reads compaction in progress as busy", () => {
    expect(classify(byName("compacting"))).toMatchObject({ kind: "busy", provider: "codex" });
  });

  it("reads the paste placeholder as pasted, not submitted", () => {
    expect(classify(byName("pasted-unsubmitted"))).toMatchObject({
      kind: "pasted_unsubmitted",
      placeholder: "[Pasted Content 2369 chars]",
    });
  });

  it("reads the sign-in screens as auth_required through our signature", () => {
    for (const name of ["sign-in", "sign-in-other-way", "api-key-entry"]) {
      expect(classify(byName(name)), name).toMatchObject({ kind: "auth_required", provider: "codex" });
    }
  });

  it("reads the folder-access screen as a trust prompt with its options", () => {
    const result = classify(byName("trust-prompt"));
    expect(result.kind).toBe("trust_prompt");
    expect(result.options?.map((o) => [o.number, o.label, o.highlighted])).toEqual([
      [1, "Trust and continue", true],
      [2, "Back to Agent Command Center", false],
    ]);
  });

  it("takes the composer, not a highlighted numbered option, as the input prompt", () => {
    const prompt = CODEX_SIGNATURES.inputPrompt ?? [];
    const matches = (line: string) => prompt.some((re) => re.test(line));
    expect(matches("› Ask Codex to do anything")).toBe(true);
    expect(matches("› please summarise the README")).toBe(true);
    expect(matches("›")).toBe(true);
    expect(matches("› 1. Trust and continue")).toBe(false);
    expect(matches("  › 1. approved.txt (Recommended)")).toBe(false);
  });
});

describe("notices", () => {
  const kinds = (name: string) => [...new Set(classify(byName(name)).notices.map((n) => n.kind))].sort();

  it("flags API errors, with rate limits told apart, above a ready prompt", () => {
    expect(kinds("api-error-500-after")).toEqual(["api_error", "warnings"]);
    expect(kinds("api-error-400-after")).toEqual(["api_error", "warnings"]);
    expect(kinds("api-error-429-after")).toEqual(["api_error", "rate_limited", "warnings"]);
  });

  it("does not take the interrupted line (same ■ glyph) for an API error", () => {
    expect(kinds("approval-denied-esc")).toEqual(["interrupted", "warnings"]);
  });

  it("finds nothing on a plain finished turn besides the warnings badge", () => {
    expect(kinds("after-turn")).toEqual(["warnings"]);
  });
});
