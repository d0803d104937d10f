import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { classifyScreen, type ScreenClassification } from "@team-agent/tmux-prompt";
import { describe, expect, it } from "vitest";
import { claudeCodePrompts } from "../../src/screen/prompts.js";
import { claudeCodeSignatures } from "../../src/screen/signatures.js";
import { FIXTURES, SCREENS } from "../helpers.js";

interface Screen {
  name: string;
  text: string;
  meta: { expected_kind: string; pane_width: number; workspace_path?: string };
}

/** Recorded Claude Code 2.1.332 screens: tmux-prompt's set plus this package's own (plain and ANSI variants). */
function loadScreens(): Screen[] {
  const screens: Screen[] = [];
  for (const dir of [SCREENS, join(FIXTURES, "screens")]) {
    for (const file of readdirSync(dir).filter((f) => f.startsWith("claude-code-2.1.332-") && f.endsWith(".txt"))) {
      const base = file.replace(/(\.ansi)?\.txt$/, "");
      screens.push({
        name: file.replace(/\.txt$/, ""),
        text: readFileSync(join(dir, file), "utf8"),
        meta: JSON.parse(readFileSync(join(dir, `${base}.meta.json`), "utf8")),
      });
    }
  }
  return screens;
}

const screens = loadScreens();
const byName = (name: string) => screens.find((s) => s.name === `claude-code-2.1.332-${name}`)!;
const classify = (screen: Screen): ScreenClassification =>
  classifyScreen(screen.text, { signatures: claudeCodeSignatures, paneWidth: screen.meta.pane_width });

describe("Claude Code signatures on recorded 2.1.332 screens", () => {
  it("has the recorded screens to replay", () => {
    expect(screens.length).toBeGreaterThanOrEqual(50);
  });

  it.each(screens.map((s) => [s.name, s] as const))("%s", (_name, screen) => {
    expect(classify(screen).kind).toBe(screen.meta.expected_kind);
  });

  it("the signatures decide: without them the trust, sign-in, busy and paste screens are misread", () => {
    const misread = screens.filter(
      (s) => classifyScreen(s.text, { paneWidth: s.meta.pane_width }).kind !== s.meta.expected_kind,
    );
    const kinds = new Set(misread.map((s) => s.meta.expected_kind));
    for (const kind of ["trust_prompt", "auth_required", "busy", "pasted_unsubmitted"]) expect(kinds).toContain(kind);
  });

  it("trust screens: the path shown is the workspace, even wrapped at 60 columns", () => {
    const trust = screens.filter((s) => s.meta.expected_kind === "trust_prompt" && s.meta.workspace_path);
    expect(trust.length).toBeGreaterThanOrEqual(4);
    for (const screen of trust) {
      const result = classify(screen);
      expect(result.provider, screen.name).toBe("claude_code");
      expect(result.trustPath, screen.name).toBe(screen.meta.workspace_path);
      expect(
        result.options?.map((o) => o.label),
        screen.name,
      ).toEqual(["No, exit", "Yes, I trust this folder"]);
    }
  });

  it("the live composer (❯ + NBSP) is the prompt; a submitted history line (❯ + space) is not", () => {
    const typed = classify(byName("input-ready-typed"));
    expect(typed.rule).toBe("input_prompt");
    const ours = (line: string) => claudeCodeSignatures.inputPrompt!.some((re) => re.test(line));
    expect(ours("❯\u00a0please summarise the README")).toBe(true);
    expect(ours("❯")).toBe(true);
    expect(ours("❯ hello there")).toBe(false);
  });

  it("notices: API errors, rate limits, retries and a missing login are reported", () => {
    const kinds = (name: string) => classify(byName(name)).notices.map((n) => n.kind);
    expect(kinds("api-error-400-after")).toContain("api_error");
    expect(kinds("api-error-429-after")).toEqual(expect.arrayContaining(["api_error", "rate_limited"]));
    expect(kinds("api-error-retrying")).toContain("reconnecting");
    expect(kinds("api-error-429-retrying")).toEqual(expect.arrayContaining(["reconnecting", "rate_limited"]));
    expect(kinds("input-ready-not-logged-in")).toContain("not_logged_in");
    expect(kinds("context-auto-compact-next")).toContain("auto_compact_next");
    expect(kinds("after-turn")).toEqual([]);
    expect(kinds("input-ready-empty")).toEqual([]);
  });

  it("the paste placeholder is read back", () => {
    expect(classify(byName("pasted-unsubmitted")).placeholder).toBe("[Pasted text #1 +29 lines]");
  });
});

describe("prompt catalog", () => {
  const windowText = (screen: Screen) => classify(screen).window.join("\n");
  const matches = (id: string, screen: Screen) =>
    claudeCodePrompts.find((p) => p.id === id)!.match.some((re) => re.test(windowText(screen)));

  const expected: [string, string[], string][] = [
    [
      "claude_workspace_trust",
      ["trust-prompt", "trust-prompt-long-path-60", "trust-prompt-yes-highlighted"],
      "trust_policy",
    ],
    ["claude_api_key_dialog", ["api-key-dialog"], "report"],
    ["claude_login_required", ["login-method-menu", "not-logged-in-after-send"], "report"],
    ["claude_bypass_permissions_warning", ["bypass-permissions-warning"], "report"],
    ["claude_tool_permission", ["approval-bash", "approval-bash-no-highlighted"], "report"],
    ["claude_question", ["question-ask-user"], "report"],
  ];

  it.each(expected)("%s matches its screens, whose kind is the entry's kind", (id, names, answer) => {
    const entry = claudeCodePrompts.find((p) => p.id === id)!;
    expect(entry.answer.type).toBe(answer);
    for (const name of names) {
      const screen = byName(name);
      expect(matches(id, screen), name).toBe(true);
      expect(classify(screen).kind, name).toBe(entry.kind);
    }
  });

  it("no entry applies (same kind and a match) to a ready, busy or finished screen", () => {
    const calm = [
      "input-ready-empty",
      "after-turn",
      "busy-1",
      "api-error-500-after",
      "approval-denied-esc",
      "exited-with-box",
    ];
    for (const name of calm) {
      const screen = byName(name);
      const kind = classify(screen).kind;
      for (const entry of claudeCodePrompts) {
        expect(entry.kind === kind && matches(entry.id, screen), `${entry.id} on ${name}`).toBe(false);
      }
    }
  });

  it("only workspace trust is ever answered without a person", () => {
    expect(claudeCodePrompts.filter((p) => p.answer.type !== "report").map((p) => p.id)).toEqual([
      "claude_workspace_trust",
    ]);
  });
});
