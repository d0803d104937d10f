/**
 * The prompt catalog on real screens: a catalog entry applies when the classifier reports its kind and one of
 * its patterns matches the classified window (the screen's last lines), as the runtime matches them.
 */
import type { PromptCatalogEntry } from "@team-agent/provider-registry";
import { classifyScreen } from "@team-agent/tmux-prompt";
import { describe, expect, it } from "vitest";
import { CODEX_PROMPTS } from "../../src/screen/prompts.js";
import { CODEX_SIGNATURES } from "../../src/screen/signatures.js";
import { codexScreens } from "../helpers/screens.js";

const screens = codexScreens();

function promptFor(name: string): PromptCatalogEntry | undefined {
  const screen = screens.find((s) => s.file === `codex-0.169.0-${name}.txt`);
  if (!screen) throw new Error(`no recorded screen ${name}`);
  const result = classifyScreen(screen.text, { signatures: CODEX_SIGNATURES, paneWidth: screen.meta.pane_width });
  const window = result.window.join("\n");
  return CODEX_PROMPTS.find((entry) => entry.kind === result.kind && entry.match.some((re) => re.test(window)));
}

describe("Codex prompt catalog on recorded screens", () => {
  it.each([
    ["trust-prompt", "codex_workspace_trust"],
    ["trust-prompt-long-path-60", "codex_workspace_trust"],
    ["sign-in", "codex_sign_in"],
    ["sign-in-other-way", "codex_sign_in"],
    ["api-key-entry", "codex_sign_in"],
    ["update-available", "codex_update_available"],
    ["update-available-skip-highlighted", "codex_update_available"],
    ["ctrl-c-during-turn-menu", "codex_task_running_menu"],
    ["approval-exec-command", "codex_command_approval"],
    ["approval-exec-command-option-2", "codex_command_approval"],
    ["question-plan-mode", "codex_question"],
  ])("%s → %s", (screen, id) => {
    expect(promptFor(screen)?.id).toBe(id);
  });

  it.each([["input-ready-empty"], ["after-turn"], ["busy-1"], ["update-skipped"], ["api-error-500-after"]])(
    "%s needs no answer",
    (screen) => {
      expect(promptFor(screen)).toBeUndefined();
    },
  );

  it("answers only safe screens with keys: trust goes to the policy, decisions to the lead", () => {
    const answers = Object.fromEntries(CODEX_PROMPTS.map((p) => [p.id, p.answer]));
    expect(answers.codex_workspace_trust).toEqual({ type: "trust_policy" });
    expect(answers.codex_sign_in).toEqual({ type: "report" });
    expect(answers.codex_command_approval).toEqual({ type: "report" });
    expect(answers.codex_question).toEqual({ type: "report" });
    expect(answers.codex_update_available).toEqual({ type: "keys", keys: ["Down", "Enter"] });
    expect(answers.codex_task_running_menu).toEqual({ type: "keys", keys: ["Escape"] });
  });

  it("skips the update: Down moves the highlight from 'Update now' to 'Skip'", () => {
    const before = screens.find((s) => s.file === "codex-0.169.0-update-available.txt")!;
    const after = screens.find((s) => s.file === "codex-0.169.0-update-available-skip-highlighted.txt")!;
    const highlighted = (text: string) =>
      classifyScreen(text, { signatures: CODEX_SIGNATURES }).options?.find((o) => o.highlighted)?.label;
    expect(highlighted(before.text)).toMatch(/^Update now/);
    expect(highlighted(after.text)).toBe("Skip");
  });

  it("has unique ids", () => {
    expect(new Set(CODEX_PROMPTS.map((p) => p.id)).size).toBe(CODEX_PROMPTS.length);
  });
});
