import { describe, expect, it } from "vitest";
import { classifyScreen } from "../../src/screen/classify.js";
import type { ScreenKind } from "../../src/screen/types.js";
import { allSignatures, claudeLike, codexLike, fakeLike } from "../fixtures/signatures.js";
import { synthetic } from "./load.js";

const NBSP = "\u00a0";

describe("spec §7 screen shapes (our own synthetic texts)", () => {
  it.each([["claude-welcome-empty-prompt.txt"], ["claude-welcome-clipped-path.txt"]])(
    "%s: empty ❯ prompt is not input-ready by the generic rule, but is with Claude's signatures",
    (name) => {
      const text = synthetic(name);
      // Generic rule (spec 2.3): a bare `❯` (NBSP trimmed away) has no text after the glyph.
      expect(classifyScreen(text).kind).toBe("unknown");
      const withClaude = classifyScreen(text, { signatures: claudeLike });
      expect(withClaude.kind).toBe("input_ready");
      expect(withClaude.provider).toBe("claude");
    },
  );

  it("legacy Codex trust prompt: trust_prompt with path and highlighted first option", () => {
    const r = classifyScreen(synthetic("codex-trust-legacy.txt"), { signatures: codexLike });
    expect(r.kind).toBe("trust_prompt");
    expect(r.provider).toBe("codex");
    expect(r.trustPath).toBe("/srv/teams/orchard/worker-a");
    expect(r.options).toEqual([
      { number: 1, label: "Yes, continue", highlighted: true },
      { number: 2, label: "No, quit", highlighted: false },
    ]);
  });

  it("without a trust signature the same screen is still blocking (press enter)", () => {
    expect(classifyScreen(synthetic("codex-trust-legacy.txt")).kind).toBe("press_enter");
  });

  it("today's folder-access trust screen", () => {
    const r = classifyScreen(synthetic("codex-trust-folder-access.txt"), { signatures: codexLike });
    expect(r.kind).toBe("trust_prompt");
    expect(r.trustPath).toBe("/srv/teams/orchard/worker-b");
    expect(r.options?.map((o) => o.label)).toEqual(["Trust and continue", "Back to Agent Command Center"]);
    expect(r.trustPathAtRightEdge).toBeUndefined();
  });

  it("stale trust prompt above a live Codex input box → input_ready, not trust", () => {
    const r = classifyScreen(synthetic("codex-stale-trust-then-ready.txt"), { signatures: codexLike });
    expect(r.kind).toBe("input_ready");
    expect(r.staleKind).toBe("trust_prompt");
    expect(r.trustPath).toBeUndefined();
  });

  it("one-line stale trust text above the banner and a `› hint` → input_ready", () => {
    const r = classifyScreen(synthetic("codex-stale-trust-one-line.txt"), { signatures: codexLike });
    expect(r.kind).toBe("input_ready");
    expect(r.staleKind).toBe("trust_prompt");
  });

  it("trust prompt followed by a bare ❯ stays a trust prompt (a bare glyph is not a ready line)", () => {
    const r = classifyScreen(synthetic("codex-stale-trust-bare-prompt.txt"), { signatures: codexLike });
    expect(r.kind).toBe("trust_prompt");
    expect(r.staleKind).toBeUndefined();
  });

  it("narrow pane: a path hard-cut at the right edge is reported as shown and flagged at the edge", () => {
    const text = synthetic("codex-trust-hard-tail-80.txt");
    const shown = "/srv/teams/orchard/a-folder-name-long-enough-to-reach-the-right-edg";
    const at80 = classifyScreen(text, { signatures: codexLike, paneWidth: 80 });
    expect(at80.kind).toBe("trust_prompt");
    expect(at80.trustPath).toBe(shown);
    expect(at80.trustPathAtRightEdge).toBe(true);
    expect(classifyScreen(text, { signatures: codexLike, paneWidth: 81 }).trustPathAtRightEdge).toBe(true);
    const at82 = classifyScreen(text, { signatures: codexLike, paneWidth: 82 });
    expect(at82.trustPath).toBe(shown);
    expect(at82.trustPathAtRightEdge).toBeUndefined();
    expect(classifyScreen(text, { signatures: codexLike }).trustPathAtRightEdge).toBeUndefined();
  });

  it("narrow pane: a path wrapped over three lines is joined back", () => {
    const full =
      "/srv/teams/orchard-with-an-unusually-long-folder-name/workspace-for-the-second-worker/agents/worker-with-a-long-id-07";
    const text = synthetic("codex-trust-narrow-wrapped.txt");
    for (const paneWidth of [60, undefined]) {
      const r = classifyScreen(text, { signatures: codexLike, paneWidth });
      expect(r.kind).toBe("trust_prompt");
      expect(r.trustPath).toBe(full);
      expect(r.trustPathAtRightEdge).toBeUndefined();
    }
    // In a wide pane those lines would not have wrapped: a 58-column line in a 160-column pane is not a wrap.
    expect(classifyScreen(text, { signatures: codexLike, paneWidth: 160 }).trustPath).toBe(
      "/srv/teams/orchard-with-an-unusually-long-folder-name/wo",
    );
  });

  it("a home-relative path is read; URL pieces and paths inside words are not paths", () => {
    const home = "> You are in ~/work/app.\nDo you trust the contents of this directory?\n› 1. Yes\n  2. No";
    expect(classifyScreen(home, { signatures: codexLike }).trustPath).toBe("~/work/app");
    const url = "Quick safety check: see https://example.com/security and a/b/c\n❯ 1. Yes\n  2. No";
    expect(classifyScreen(url, { signatures: claudeLike }).trustPath).toBeUndefined();
  });

  it("elided path is reported with its ellipsis", () => {
    const r = classifyScreen(synthetic("codex-trust-elided.txt"), { signatures: codexLike });
    expect(r.trustPath).toBe("/srv/teams/orchard/…/worker-c");
    const dots = synthetic("codex-trust-elided.txt").replace("…", "...");
    expect(classifyScreen(dots, { signatures: codexLike }).trustPath).toBe("/srv/teams/orchard/.../worker-c");
  });

  it("two stacked trust prompts: the latest prompt's path wins", () => {
    const r = classifyScreen(synthetic("codex-stacked-trust.txt"), { signatures: codexLike, paneWidth: 80 });
    expect(r.kind).toBe("trust_prompt");
    expect(r.trustPath).toBe("/srv/teams/orchard/worker-d");
    expect(r.trustPathAtRightEdge).toBeUndefined();
  });

  it("three noise lines → unknown", () => {
    const r = classifyScreen(synthetic("noise.txt"), { signatures: allSignatures });
    expect(r.kind).toBe("unknown");
    expect(r.rule).toBe("no_rule_matched");
  });

  it("Claude resume menu → numbered_menu with options", () => {
    const r = classifyScreen(synthetic("claude-resume-menu.txt"), { signatures: claudeLike });
    expect(r.kind).toBe("numbered_menu");
    expect(r.options).toEqual([
      { number: 1, label: "Resume previous conversation", highlighted: true },
      { number: 2, label: "Start a new conversation", highlighted: false },
    ]);
  });

  it("Claude trust menu: numbered_menu without signatures, trust_prompt (with path) with Claude's", () => {
    const text = synthetic("claude-trust-menu.txt");
    expect(classifyScreen(text).kind).toBe("numbered_menu");
    const r = classifyScreen(text, { signatures: claudeLike });
    expect(r.kind).toBe("trust_prompt");
    expect(r.provider).toBe("claude");
    expect(r.trustPath).toBe("/srv/teams/orchard/leader");
    expect(r.options?.find((o) => o.highlighted)?.label).toBe("Yes, I trust this folder");
  });

  it("trust question with a plain (no cursor) numbered choice → trust_prompt", () => {
    const r = classifyScreen(synthetic("codex-trust-plain-numbers.txt"), { signatures: codexLike });
    expect(r.kind).toBe("trust_prompt");
    expect(r.trustPath).toBeUndefined();
    expect(r.options?.map((o) => o.highlighted)).toEqual([false, false]);
  });

  it("numbered markdown prose in a leader message is not a menu", () => {
    for (const signatures of [undefined, claudeLike, codexLike]) {
      const r = classifyScreen(synthetic("leader-markdown-prose.txt"), { signatures });
      expect(r.kind).toBe("unknown");
    }
  });

  it("y/n confirmation → yes_no", () => {
    expect(classifyScreen(synthetic("yes-no.txt")).kind).toBe("yes_no");
  });

  it.each([
    ["codex-busy-working.txt", codexLike],
    ["codex-busy-background.txt", codexLike],
    ["codex-busy-reconnecting.txt", codexLike],
    ["claude-retrying-with-draft.txt", claudeLike],
    ["claude-busy.txt", claudeLike],
    ["fake-working.txt", fakeLike],
  ])("%s → busy even with an input line below the status", (name, signatures) => {
    const r = classifyScreen(synthetic(name), { signatures });
    expect(r.kind).toBe("busy");
    expect(r.provider).toBe(signatures.provider);
    // The same screen without the provider's busy signature is merely input-ready (or unknown).
    expect(classifyScreen(synthetic(name)).kind).not.toBe("busy");
  });

  it("an API error above a ready Claude prompt is a notice, not a blocking kind", () => {
    const r = classifyScreen(synthetic("claude-api-error-ready.txt"), { signatures: claudeLike });
    expect(r.kind).toBe("input_ready");
    expect(r.notices).toEqual([{ kind: "api_error", line: expect.stringContaining("API Error: 529") }]);
  });

  it.each([
    ["codex-pasted.txt", codexLike, "[Pasted Content 1830 chars]"],
    ["claude-pasted.txt", claudeLike, "[Pasted text #2 +41 lines]"],
  ])("%s → pasted_unsubmitted with the placeholder", (name, signatures, placeholder) => {
    const r = classifyScreen(synthetic(name), { signatures });
    expect(r.kind).toBe("pasted_unsubmitted");
    expect(r.placeholder).toBe(placeholder);
  });

  it("a line ending in a percentage counts as a shell prompt (spec: the loose rule is pinned)", () => {
    const r = classifyScreen(synthetic("downloading.txt"));
    expect(r.kind).toBe("cli_exited");
    expect(r.rule).toBe("shell_prompt_loose");
  });

  it("a real shell prompt below a dialog left on screen by an exited CLI → cli_exited", () => {
    const r = classifyScreen(synthetic("claude-exited-below-dialog.txt"), { signatures: claudeLike });
    expect(r.kind).toBe("cli_exited");
    expect(r.rule).toBe("shell_prompt_last_line");
  });

  it("compaction warning with a ready line after it still classifies (not a stale marker)", () => {
    const r = classifyScreen(synthetic("codex-compaction-then-ready.txt"), { signatures: codexLike });
    expect(r.kind).toBe("compaction_warning");
  });

  it("legacy Codex login → auth_required; press any key → press_enter", () => {
    expect(classifyScreen(synthetic("codex-login-legacy.txt"), { signatures: codexLike }).kind).toBe("auth_required");
    expect(classifyScreen(synthetic("codex-login-legacy.txt")).kind).toBe("unknown");
    const anyKey = classifyScreen(synthetic("press-any-key.txt"));
    expect(anyKey.kind).toBe("press_enter");
    expect(anyKey.rule).toBe("press_any_key");
  });

  it("the fake provider's screens", () => {
    const trust = classifyScreen(synthetic("fake-trust.txt"), { signatures: allSignatures });
    expect(trust.kind).toBe("trust_prompt");
    expect(trust.provider).toBe("fake");
    expect(trust.trustPath).toBe("/srv/teams/orchard/worker-f");
    const ready = classifyScreen(synthetic("fake-ready.txt"), { signatures: allSignatures });
    expect(ready.kind).toBe("input_ready");
    expect(ready.provider).toBe("fake");
  });
});

describe("today's CLI shapes (spec 05): unnumbered menus, wrapped prompts", () => {
  it("Claude 2.1.332 trust dialog: unnumbered options, the exiting one highlighted", () => {
    const r = classifyScreen(synthetic("claude-trust-unnumbered.txt"), { signatures: claudeLike });
    expect(r.kind).toBe("trust_prompt");
    expect(r.trustPath).toBe("/srv/teams/orchard/reviewer");
    expect(r.options).toEqual([
      { number: 1, label: "No, exit", highlighted: true },
      { number: 2, label: "Yes, I trust this folder", highlighted: false },
    ]);
    // Without signatures it is still a blocking menu, and `❯ No, exit` is never taken for an input line.
    const generic = classifyScreen(synthetic("claude-trust-unnumbered.txt"));
    expect(generic.kind).toBe("numbered_menu");
    expect(generic.rule).toBe("cursor_menu");
  });

  it("an unnumbered key dialog → numbered_menu with the highlighted default", () => {
    const r = classifyScreen(synthetic("claude-key-dialog-like.txt"), { signatures: claudeLike });
    expect(r.kind).toBe("numbered_menu");
    expect(r.options).toEqual([
      { number: 1, label: "Yes", highlighted: false },
      { number: 2, label: "No (recommended)", highlighted: true },
    ]);
  });

  it("a multi-line draft in an input box has the menu's shape but no menu footer → input_ready", () => {
    const r = classifyScreen(synthetic("codex-multiline-draft.txt"), { signatures: codexLike });
    expect(r.kind).toBe("input_ready");
    expect(r.options).toBeUndefined();
  });

  it("a `> header` line with blank-separated neighbours is not a menu even above a key footer", () => {
    const r = classifyScreen(synthetic("codex-key-entry-like.txt"));
    expect(r.kind).toBe("input_ready");
    expect(r.rule).toBe("input_prompt");
  });

  it("a shell prompt wrapped over two rows below the dialog an exited CLI left → cli_exited", () => {
    const text = synthetic("claude-exited-narrow-48.txt");
    for (const paneWidth of [48, undefined]) {
      const r = classifyScreen(text, { signatures: claudeLike, paneWidth });
      expect(r.kind).toBe("cli_exited");
    }
    // With a different known width those rows are not a wrap, and the dialog above is what is reported.
    expect(classifyScreen(text, { signatures: claudeLike, paneWidth: 80 }).kind).toBe("trust_prompt");
  });

  it("the trust path inside that narrow dialog is joined from its two rows", () => {
    const text = synthetic("claude-exited-narrow-48.txt").replace(/\nClaude Code did not start[\s\S]*$/, "\n");
    const r = classifyScreen(text, { signatures: claudeLike, paneWidth: 48 });
    expect(r.kind).toBe("trust_prompt");
    expect(r.trustPath).toBe("/srv/teams/orchard/a-long-folder-name/reviewer-two");
  });
});

describe("spec §2 edge cases", () => {
  const kind = (text: string, signatures = codexLike): ScreenKind => classifyScreen(text, { signatures }).kind;

  it("(y/N), (Y/N) and [Y/N] are not yes_no; the five listed hints are", () => {
    for (const hint of ["(y/N)", "(Y/N)", "[Y/N]"]) expect(kind(`Overwrite the file? ${hint}`)).not.toBe("yes_no");
    for (const hint of ["(y/n)", "(Y/n)", "[y/N]", "[Y/n]", "[y/n]"]) {
      expect(kind(`Overwrite the file? ${hint}`)).toBe("yes_no");
    }
  });

  it("numbered lines 3./4. or 1. then 3. are not a menu", () => {
    expect(kind("3. Three\n4. Four")).toBe("unknown");
    expect(kind("1. One\n3. Three")).toBe("unknown");
    expect(kind("› 3. Three\n  4. Four")).not.toBe("numbered_menu");
  });

  it("a plain `1. a` / `2. b` block is a menu, the same block under a `Plan:` line is not", () => {
    expect(kind("1. a\n2. b")).toBe("numbered_menu");
    expect(kind("Plan:\n1. a\n2. b")).toBe("unknown");
  });

  it("a long plain list is prose, unless a key hint or cursor says menu", () => {
    const long = "1. Rewrite the importer so that every stage logs its input size\n2. Add a cache";
    expect(kind(long)).toBe("unknown");
    expect(kind(`${long}\nPress return to select`)).toBe("numbered_menu");
    expect(kind(`${long}\nEsc to go back`)).toBe("numbered_menu");
    expect(kind(long.replace("1.", "❯ 1."))).toBe("numbered_menu");
  });

  it("key-hint words must be whole words (Unicode-aware): 'entered … selection' is no hint", () => {
    expect(kind("Plan:\n1. a\n2. b\nwe entered the preselected values")).toBe("unknown");
    expect(kind("Plan:\n1. a\n2. b\nenterprise reselection")).toBe("unknown");
  });

  it("a menu drawn inside a box is still a menu", () => {
    const r = classifyScreen(
      "│ Pick one                 │\n│ ❯ 1. Keep going          │\n│   2. Stop here           │",
    );
    expect(r.kind).toBe("numbered_menu");
    expect(r.options?.map((o) => o.label)).toEqual(["Keep going", "Stop here"]);
  });

  it("the trust sentence wrapped over two lines is still detected", () => {
    const text =
      "> You are in /srv/w\n\nDo you trust the contents of\nthis directory?\n› 1. Yes, continue\n  2. No, quit";
    const r = classifyScreen(text, { signatures: codexLike });
    expect(r.kind).toBe("trust_prompt");
    expect(r.trustPath).toBe("/srv/w");
  });

  it("ANSI bold around the trust sentence", () => {
    const text = synthetic("codex-trust-legacy.txt").replace(
      "Do you trust the contents of this directory?",
      "\x1b[1mDo you trust the contents\x1b[0m of \x1b[1;4mthis directory\x1b[0m?",
    );
    const r = classifyScreen(text, { signatures: codexLike });
    expect(r.kind).toBe("trust_prompt");
    expect(r.trustPath).toBe("/srv/teams/orchard/worker-a");
  });

  it("12 trailing blank lines after a prompt change nothing", () => {
    const base = "  >_ OpenAI Codex\n› Explain this codebase\n  gpt-5 medium · /srv/w";
    const padded = `${base}${"\n".repeat(12)}`;
    expect(kind(padded)).toBe("input_ready");
    expect(classifyScreen(padded).window).toEqual(classifyScreen(base).window);
    expect(kind(`${"\r\n".repeat(3)}${base.replaceAll("\n", "\r\n")}${"   \r\n".repeat(12)}`)).toBe("input_ready");
  });

  it("stale trust prompt followed by `› hint` → not trust; followed by a bare ❯ → trust", () => {
    const trust =
      "Do you trust the contents of this directory?\n› 1. Yes, continue\n  2. No, quit\nPress enter to continue";
    expect(kind(`${trust}\n› Find and fix a bug in @filename`)).toBe("input_ready");
    expect(kind(`${trust}\n❯${NBSP}`)).toBe("trust_prompt");
  });

  it("a stale marker also hides a loose shell-prompt last line (the stale flag stops the blocking scan)", () => {
    expect(kind("Press enter to continue\n› ready line\nDownloading 50%")).toBe("input_ready");
  });

  it("a numbered menu or press-enter hint above a ready line is stale too", () => {
    const r = classifyScreen("❯ 1. Resume\n  2. New\n› typed answer", { signatures: codexLike });
    expect(r.kind).toBe("input_ready");
    expect(r.staleKind).toBe("numbered_menu");
  });

  it("the window is only the last 15 non-blank lines: an older trust sentence is out of view", () => {
    const filler = Array.from({ length: 15 }, (_, i) => `log line ${i}`).join("\n");
    expect(kind(`Do you trust the contents of this directory?\n${filler}`)).toBe("unknown");
    expect(kind(`Do you trust the contents of this directory?\n${filler.split("\n").slice(1).join("\n")}`)).toBe(
      "trust_prompt",
    );
  });

  it("precedence: trust beats auth beats compaction beats press-enter beats y/n beats menu", () => {
    const trust = "Do you trust the contents of this directory?";
    const auth = "Press Enter to log in";
    const compaction = "capability may degrade";
    const enter = "Press enter to continue";
    const yn = "Proceed? (y/n)";
    const menu = "❯ 1. a\n  2. b";
    expect(kind([menu, yn, enter, compaction, auth, trust].join("\n"))).toBe("trust_prompt");
    expect(kind([menu, yn, enter, compaction, auth].join("\n"))).toBe("auth_required");
    expect(kind([menu, yn, enter, compaction].join("\n"))).toBe("compaction_warning");
    expect(kind([menu, yn, enter].join("\n"))).toBe("press_enter");
    expect(kind([menu, yn].join("\n"))).toBe("yes_no");
    expect(kind(menu)).toBe("numbered_menu");
  });

  it("non-blocking precedence: placeholder beats busy beats input_ready", () => {
    const busy = "• Working (3s • esc to interrupt)";
    expect(kind(`${busy}\n› [Pasted Content 99 chars]`)).toBe("pasted_unsubmitted");
    expect(kind(`${busy}\n› draft`)).toBe("busy");
    expect(kind("› draft")).toBe("input_ready");
  });

  it("shell prompts: root `#`, user `$`, zsh `%` → cli_exited; prose ending in `#` is not", () => {
    for (const prompt of ["root@box:/srv/w#", "dev@box:~/w$", "dev@box ~ %", "[dev@box w]$", "bash-5.2#", "$"]) {
      expect(kind(`some output\n${prompt}`)).toBe("cli_exited");
    }
    expect(kind("see issue #")).toBe("unknown");
    expect(kind("costs 5 US$")).toBe("cli_exited"); // the loose rule, as pinned by the spec
  });

  it("a capture with nothing on it is unknown", () => {
    const r = classifyScreen("\n\n   \n");
    expect(r).toMatchObject({ kind: "unknown", rule: "empty_screen", window: [], notices: [] });
  });

  it("non-ASCII prompt text and CJK menus are handled", () => {
    expect(kind("› 修复 @文件 里的错误")).toBe("input_ready");
    const r = classifyScreen("❯ 1. 继续\n  2. 退出");
    expect(r.kind).toBe("numbered_menu");
    expect(r.options?.map((o) => o.label)).toEqual(["继续", "退出"]);
  });

  it("a menu label ends at two spaces (right-hand hints are not part of it)", () => {
    const r = classifyScreen("› 1. Allow for this session   (a)\n  2. Deny   (esc)");
    expect(r.options?.map((o) => o.label)).toEqual(["Allow for this session", "Deny"]);
  });

  it("caller regexes with g/y flags give the same answer on every call", () => {
    const sticky = { provider: "x", trustPrompt: [/trust me/g], busy: [/spinning/gy] };
    const text = "please trust me\n1. yes\n2. no";
    const kinds = Array.from({ length: 4 }, () => classifyScreen(text, { signatures: sticky }).kind);
    expect(kinds).toEqual(["trust_prompt", "trust_prompt", "trust_prompt", "trust_prompt"]);
    const busy = Array.from({ length: 4 }, () => classifyScreen("spinning\n› x", { signatures: sticky }).kind);
    expect(busy).toEqual(["busy", "busy", "busy", "busy"]);
  });

  it("capitalised signature patterns still match the lower-cased window", () => {
    const sig = { provider: "x", authRequired: [/Sign In Please/] };
    expect(classifyScreen("Sign in please", { signatures: sig }).kind).toBe("auth_required");
  });

  it("several signature sets: the provider whose signature matched is reported", () => {
    const r = classifyScreen(synthetic("claude-trust-menu.txt"), { signatures: [codexLike, claudeLike] });
    expect(r.provider).toBe("claude");
  });
});

describe("menus with the cursor below option 2, or with a description under each option", () => {
  const approval = (highlighted: number, glyph = "❯") =>
    [
      "❯ create the file notes.txt",
      "● Bash(touch notes.txt)",
      "─────────────────────────",
      " Bash command",
      "   touch notes.txt",
      " Do you want to proceed?",
      ...["Yes", "Yes, and don't ask again", "Yes, and switch modes", "No"].map(
        (label, i) => `${i + 1 === highlighted ? ` ${glyph} ` : "   "}${i + 1}. ${label}`,
      ),
      " Esc to cancel · Tab to amend",
    ].join("\n");

  it.each([1, 2, 3, 4])("highlight on option %i → numbered_menu, whatever history prompt is above", (n) => {
    for (const signatures of [undefined, claudeLike, codexLike]) {
      const r = classifyScreen(approval(n), { signatures });
      expect(r.kind).toBe("numbered_menu");
      expect(r.staleKind).toBeUndefined();
      expect(r.options?.map((o) => o.highlighted)).toEqual([1, 2, 3, 4].map((k) => k === n));
    }
    expect(classifyScreen(approval(n, "›"), { signatures: codexLike }).kind).toBe("numbered_menu");
  });

  it("a highlighted choice of any number is never an input line", () => {
    for (const n of [1, 2, 3, 4, 9, 12]) {
      const r = classifyScreen(`some output\n❯ ${n}. Option ${n}`, { signatures: claudeLike });
      expect(r.kind, `option ${n}`).toBe("unknown");
    }
  });

  it("an unnumbered menu with the cursor on its third entry hides the history prompt above it", () => {
    const text = "❯ pick a theme\nChoose a theme\n  Dark\n  Light\n❯ High contrast\nEnter to confirm · Esc to cancel";
    const r = classifyScreen(text, { signatures: claudeLike });
    expect(r.kind).toBe("numbered_menu");
    expect(r.rule).toBe("cursor_menu");
    expect(r.options?.find((o) => o.highlighted)).toEqual({ number: 3, label: "High contrast", highlighted: true });
  });

  const question = [
    "❯ ask me which file to create",
    "─────────────────────────",
    " ☐ File name",
    "",
    "Which file should I create?",
    "",
    "❯ 1. alpha.txt",
    "     Create alpha.txt in the workspace.",
    "  2. beta.txt",
    "     Create beta.txt instead.",
    "  3. Type something.",
    "─────────────────────────",
    "  4. Chat about this",
    "",
    "Enter to select · ↑/↓ to navigate · Esc to cancel",
  ].join("\n");

  it("options with a description line under each → numbered_menu with every option", () => {
    for (const signatures of [undefined, claudeLike]) {
      const r = classifyScreen(question, { signatures });
      expect(r.kind).toBe("numbered_menu");
      expect(r.rule).toBe("numbered_menu");
      expect(r.options?.map((o) => o.label)).toEqual(["alpha.txt", "beta.txt", "Type something.", "Chat about this"]);
    }
  });

  it("descriptions may wrap over several lines and blank lines may separate the options", () => {
    const text =
      "❯ 1. alpha.txt\n     Create alpha.txt in the workspace,\n     next to the readme.\n\n  2. beta.txt\n\n     Create beta.txt.";
    expect(classifyScreen(text, { signatures: claudeLike }).kind).toBe("numbered_menu");
  });

  it("a description-line menu without cursor or key hints is not a menu (shape rule)", () => {
    const text = "Options:\n  1. alpha.txt\n     Create alpha.txt.\n  2. beta.txt\n     Create beta.txt.";
    expect(classifyScreen(text).kind).toBe("unknown");
  });

  it("numbered paragraphs separated by unindented text lines are prose, even beside a key hint", () => {
    const prose = [
      "● Here is how I would go about it.",
      "1. Read the importer",
      "Then compare what each stage logs with the docs.",
      "2. Add a cache",
      "It should only hold the parsed headers.",
      "Press Esc to cancel a running import at any time.",
    ];
    expect(classifyScreen(prose.join("\n")).kind).toBe("unknown");
    // Text at the number's own column is not a description either (Claude indents reply paragraphs by 2).
    const indented = prose.map((line) => (line.startsWith("●") ? line : `  ${line}`)).join("\n");
    expect(classifyScreen(indented).kind).toBe("unknown");
    expect(classifyScreen(`${indented}\n❯ thanks`).kind).toBe("input_ready");
    // The same lines indented under their numbers are descriptions: with the key hint, that is a menu.
    const described = prose.map((line) => (/^[●\d]|^Press/.test(line) ? line : `   ${line}`)).join("\n");
    expect(classifyScreen(described).kind).toBe("numbered_menu");
  });

  it("a described menu with its cursor on option 3 that scrolled above a live prompt is stale", () => {
    const text = [
      "Which file should I create?",
      "  1. alpha.txt",
      "     Create alpha.txt.",
      "  2. beta.txt",
      "     Create beta.txt.",
      "❯ 3. Type something.",
      "Enter to select · Esc to cancel",
      "● You chose to type a name.",
      "✻ Baked for 2s · done",
      "› gamma.txt",
    ].join("\n");
    const r = classifyScreen(text, { signatures: codexLike });
    expect(r.kind).toBe("input_ready");
    expect(r.staleKind).toBe("numbered_menu");
  });

  it("a prompt line indented under a stale menu is not taken for a description", () => {
    const text = "❯ 1. Resume\n     Pick up where you left off\n  2. New\n     Start fresh\n    › typed answer";
    const r = classifyScreen(text, { signatures: codexLike });
    expect(r.kind).toBe("input_ready");
    expect(r.staleKind).toBe("numbered_menu");
  });
});
