import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScreenClassification } from "../../src/screen/types.js";
import { TrustAnswerMemory } from "../../src/trust/memory.js";
import { isTrustingLabel, planTrustKeys } from "../../src/trust/options.js";
import { canonicalPath, matchShownPath } from "../../src/trust/paths.js";
import { decideTrustAnswer, type TrustDecisionInput } from "../../src/trust/policy.js";

// Real directories and symlinks: the policy resolves both sides through the file system.
let root: string;
let workspace: string;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "ta-trust-")));
  workspace = join(root, "repo");
  for (const dir of ["repo", "repo-backup", "other/repo", "foreign", "home/code"])
    mkdirSync(join(root, dir), { recursive: true });
  symlinkSync(workspace, join(root, "alias-of-repo"));
  symlinkSync(join(root, "foreign"), join(root, "alias-of-foreign"));
  symlinkSync(workspace, join(root, "home/code/proj"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Option = { number: number; label: string; highlighted: boolean };
const codexOptions = (highlighted = 1): Option[] => [
  { number: 1, label: "Trust and continue", highlighted: highlighted === 1 },
  { number: 2, label: "Back to Agent Command Center", highlighted: highlighted === 2 },
];
const claudeOptions = (highlighted = 2): Option[] => [
  { number: 1, label: "Yes, I trust this folder", highlighted: highlighted === 1 },
  { number: 2, label: "No, exit", highlighted: highlighted === 2 },
];

/** A synthetic trust screen as the classifier would report it: the path line, the question, the menu. */
function trustScreen(
  pathLine: string | undefined,
  trustPath: string | undefined,
  options: Option[] = codexOptions(),
): Pick<ScreenClassification, "kind" | "trustPath" | "options" | "window"> {
  const window = [
    "Folder access",
    ...(pathLine !== undefined ? [pathLine] : []),
    "Trust this folder? Only continue if you trust these files.",
    ...options.map((o) => `${o.highlighted ? "› " : "  "}${o.number}. ${o.label}`),
    "enter continue · esc back",
  ];
  return { kind: "trust_prompt", trustPath, options, window };
}

function decide(shown: string | undefined, extra: Partial<TrustDecisionInput> = {}, line = `  ${shown ?? ""}`) {
  return decideTrustAnswer({
    classification: trustScreen(shown === undefined ? undefined : line, shown),
    workspace,
    paneId: "%1",
    memory: new TrustAnswerMemory(),
    ...extra,
  });
}

describe("own-workspace path check", () => {
  it("answers the exact workspace path with Enter when the trusting option is highlighted", () => {
    const decision = decide(workspace);
    expect(decision).toMatchObject({ action: "answer", keys: ["Enter"], rule: "exact", shownPath: workspace });
  });

  it("accepts a trailing slash on either side", () => {
    expect(decide(`${workspace}/`).action).toBe("answer");
    expect(decide(workspace, { workspace: `${workspace}/` }).action).toBe("answer");
  });

  it("refuses a foreign directory", () => {
    expect(decide(join(root, "foreign"))).toMatchObject({ action: "refuse", reason: "workspace_dir_mismatch" });
  });

  it("refuses a sibling that shares a prefix, both ways round", () => {
    expect(decide(join(root, "repo-backup"))).toMatchObject({ action: "refuse", reason: "workspace_dir_mismatch" });
    expect(decide(workspace, { workspace: join(root, "repo-backup") })).toMatchObject({
      action: "refuse",
      reason: "workspace_dir_mismatch",
    });
  });

  it("refuses the same basename under another parent", () => {
    expect(decide(join(root, "other/repo"))).toMatchObject({ action: "refuse", reason: "workspace_dir_mismatch" });
  });

  it("accepts a symlink alias of the workspace, on either side", () => {
    expect(decide(join(root, "alias-of-repo"))).toMatchObject({ action: "answer", rule: "exact" });
    expect(decide(workspace, { workspace: join(root, "alias-of-repo") })).toMatchObject({ action: "answer" });
  });

  it("refuses a symlink that points to a foreign directory", () => {
    expect(decide(join(root, "alias-of-foreign"))).toMatchObject({
      action: "refuse",
      reason: "workspace_dir_mismatch",
    });
  });

  it("expands ~ against the home directory", () => {
    const home = join(root, "home");
    expect(decide("~/code/proj", { home })).toMatchObject({ action: "answer", rule: "exact" });
    expect(decide("~/code/other", { home })).toMatchObject({ action: "refuse", reason: "workspace_dir_mismatch" });
  });

  it("accepts a middle ellipsis written as … or ...", () => {
    const shortened = (mark: string) => `${root.slice(0, 5)}${mark}${root.slice(-6)}/repo`;
    expect(decide(shortened("…"))).toMatchObject({ action: "answer", rule: "ellipsis" });
    expect(decide(shortened("..."))).toMatchObject({ action: "answer", rule: "ellipsis" });
  });

  it("refuses an ellipsis whose tail or head names something else, or whose tail is empty", () => {
    expect(decide(`${root.slice(0, 5)}…/repo-backup`)).toMatchObject({ reason: "workspace_dir_mismatch" });
    expect(decide(`/nowhere/…/repo`)).toMatchObject({ reason: "workspace_dir_mismatch" });
    expect(decide(`${root}/re…`)).toMatchObject({ reason: "workspace_dir_mismatch" });
    // Head and tail overlapping would mean the ellipsis hides less than nothing.
    expect(decide(`${workspace}…/repo`)).toMatchObject({ reason: "workspace_dir_mismatch" });
  });

  describe("a path cut at the right edge", () => {
    // The line is exactly 80 columns and ends with a prefix of the workspace path.
    const cutLine = () => {
      const lead = "Folder: ";
      const room = 80 - lead.length;
      const long = join(workspace, "deep-directory-name-that-keeps-going-for-a-while", "leaf");
      const shown = long.slice(0, room);
      return { line: `${lead}${shown}`, shown, long };
    };

    it("is accepted with width 80 (and 81), when the workspace starts with the shown prefix", () => {
      const { line, shown, long } = cutLine();
      expect(line.length).toBe(80);
      expect(shown.length).toBeLessThan(long.length);
      for (const paneWidth of [80, 81]) {
        expect(decide(shown, { workspace: long, paneWidth }, line)).toMatchObject({
          action: "answer",
          rule: "right_edge_cut",
        });
      }
    });

    it("is refused with width 82 or more, or without a known width", () => {
      const { line, shown, long } = cutLine();
      expect(decide(shown, { workspace: long, paneWidth: 82 }, line)).toMatchObject({
        reason: "workspace_dir_mismatch",
      });
      expect(decide(shown, { workspace: long, paneWidth: 200 }, line)).toMatchObject({
        reason: "workspace_dir_mismatch",
      });
      expect(decide(shown, { workspace: long }, line)).toMatchObject({ reason: "workspace_dir_mismatch" });
    });

    it("measures the line without its indentation", () => {
      const { shown, long } = cutLine();
      const indented = `        ${shown}`; // reaches column 80+ only because of the indent
      expect(indented.length).toBeGreaterThanOrEqual(79);
      expect(decide(shown, { workspace: long, paneWidth: 80 }, indented)).toMatchObject({
        reason: "workspace_dir_mismatch",
      });
    });

    it("still refuses /repo against /repo-backup without a width", () => {
      expect(decide(workspace, { workspace: join(root, "repo-backup") }, workspace)).toMatchObject({
        reason: "workspace_dir_mismatch",
      });
    });
  });

  it("never matches a prompt that shows no path", () => {
    expect(decide(undefined)).toMatchObject({ action: "refuse", reason: "no_path_shown" });
    expect(decide("repo")).toMatchObject({ action: "refuse", reason: "no_path_shown" });
  });

  it("canonicalises only the existing prefix and keeps the rest as written", () => {
    expect(canonicalPath(join(root, "alias-of-repo", "not", "there"))).toBe(join(workspace, "not", "there"));
    expect(canonicalPath(`${workspace}//`)).toBe(workspace);
    expect(matchShownPath("/", workspace)).toMatchObject({ matched: false });
  });
});

describe("answered screens that come back", () => {
  it("answers the same screen again only after the retry delay, and at most maxAnswers times", () => {
    let now = 1_000;
    const memory = new TrustAnswerMemory({ retryAfterMs: 3_000, maxAnswers: 2, now: () => now });
    const first = decide(workspace, { memory });
    expect(first.action).toBe("answer");
    memory.add("%1", first.screenHash);
    now += 2_999; // the CLI may still be acting on the keys
    expect(decide(workspace, { memory }).action).toBe("skip");
    now += 1; // still the same screen: the keys were dropped or the dialog was drawn anew
    expect(decide(workspace, { memory }).action).toBe("answer");
    memory.add("%1", first.screenHash);
    now += 60_000;
    expect(decide(workspace, { memory }).action).toBe("skip"); // answered twice: left for someone to look at
  });
});

describe("once per pane and screen", () => {
  it("skips the same pane and screen after it was answered, answers a different screen again", () => {
    const memory = new TrustAnswerMemory();
    const first = decide(workspace, { memory });
    expect(first.action).toBe("answer");
    memory.add("%1", first.screenHash);
    expect(decide(workspace, { memory })).toEqual({
      action: "skip",
      reason: "already_answered",
      screenHash: first.screenHash,
    });
    // Another pane with the same screen is its own prompt.
    expect(decide(workspace, { memory, paneId: "%2" }).action).toBe("answer");
    // A changed screen on the same pane is a new prompt.
    const screen = trustScreen(`  ${workspace}`, workspace);
    const changed = decideTrustAnswer({
      classification: { ...screen, window: [...screen.window, "(a line that was not there before)"] },
      workspace,
      paneId: "%1",
      memory,
    });
    expect(changed.action).toBe("answer");
    expect(changed.screenHash).not.toBe(first.screenHash);
  });

  it("refuses without a pane id and for anything that is not a trust prompt", () => {
    expect(decide(workspace, { paneId: "" })).toMatchObject({ reason: "pane_id_missing" });
    const notTrust = { ...trustScreen(`  ${workspace}`, workspace), kind: "numbered_menu" as const };
    expect(decideTrustAnswer({ classification: notTrust, workspace, paneId: "%1" })).toMatchObject({
      reason: "not_a_trust_prompt",
    });
  });
});

describe("keys chosen from what the screen shows", () => {
  const withOptions = (options: Option[]) =>
    decideTrustAnswer({
      classification: trustScreen(`  ${workspace}`, workspace, options),
      workspace,
      paneId: "%1",
      memory: new TrustAnswerMemory(),
    });

  it("moves Up to the trusting option when the exiting one is highlighted (Claude Code's default)", () => {
    expect(withOptions(claudeOptions(2))).toMatchObject({ action: "answer", keys: ["Up", "Enter"], moves: ["Up"] });
  });

  it("moves Down by the distance on screen", () => {
    const options: Option[] = [
      { number: 1, label: "No, exit", highlighted: true },
      { number: 2, label: "Show details", highlighted: false },
      { number: 3, label: "Yes, continue", highlighted: false },
    ];
    expect(withOptions(options)).toMatchObject({ keys: ["Down", "Down", "Enter"], option: { number: 3 } });
  });

  it("refuses when no option trusts, or no highlight is visible, and never types a digit", () => {
    expect(
      withOptions([
        { number: 1, label: "No, exit", highlighted: true },
        { number: 2, label: "Back", highlighted: false },
      ]),
    ).toMatchObject({ action: "refuse", reason: "no_trusting_option" });
    expect(withOptions(claudeOptions(0))).toMatchObject({ action: "refuse", reason: "no_highlight_visible" });
    expect(withOptions([])).toMatchObject({ action: "refuse", reason: "no_options_shown" });
    const plan = planTrustKeys(claudeOptions(2));
    expect(plan.ok && plan.keys.every((key) => !/^\d$/.test(key))).toBe(true);
  });

  it("tells trusting labels from declining ones", () => {
    for (const label of [
      "Yes, I trust this folder",
      "Yes, continue",
      "Trust and continue",
      "Trust",
      "Yes",
      "Yes, proceed",
    ]) {
      expect(isTrustingLabel(label), label).toBe(true);
    }
    for (const label of [
      "No, exit",
      "Don't trust",
      "Yes, but do not trust",
      "Back to Agent Command Center",
      "Exit",
      "Quit",
    ]) {
      expect(isTrustingLabel(label), label).toBe(false);
    }
  });
});
