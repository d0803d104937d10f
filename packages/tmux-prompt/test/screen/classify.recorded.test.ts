/**
 * Replays every screen recorded from the real CLIs (test/fixtures/screens, written by the recording helper)
 * and compares with the kind its .meta.json expects. Recordings are read at collection time, so a new
 * recording is covered without editing this file.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyScreen } from "../../src/screen/classify.js";
import { signaturesFor } from "../fixtures/signatures.js";

const DIR = new URL("../fixtures/screens/", import.meta.url);

interface Meta {
  cli: string;
  version: string;
  expected_kind: string;
  pane_width?: number;
  workspace_path?: string;
  how?: string;
}

/**
 * Notice kinds we expect on some recordings (our reading of the screens; the meta files do not list them).
 * An empty list asserts that nothing on the screen is taken for a notice (e.g. Codex's red
 * "■ Conversation interrupted" line is no API error; Codex's footer shows "⚠ N warnings · f2 to view").
 */
const NOTICES: Record<string, string[]> = {
  "codex-0.169.0-api-error-500-after": ["api_error", "warnings"],
  "codex-0.169.0-api-error-429-after": ["api_error", "rate_limited", "warnings"],
  "codex-0.169.0-interrupted-after-cancel": ["api_error", "rate_limited", "warnings"],
  "codex-0.169.0-input-ready-empty": ["warnings"],
  "codex-0.169.0-approval-exec-command": [],
  "codex-0.169.0-approval-approved-y": ["warnings"],
  "codex-0.169.0-approval-denied-esc": ["warnings"],
  "codex-0.169.0-question-plan-mode": [],
  "codex-0.169.0-compacting": ["warnings"],
  "codex-0.169.0-after-compact": ["warnings"],
  "claude-code-2.1.332-api-error-500-after": ["api_error"],
  "claude-code-2.1.332-api-error-429-after": ["api_error", "rate_limited"],
  "claude-code-2.1.332-api-error-retrying": ["reconnecting"],
  "claude-code-2.1.332-api-error-429-retrying": ["api_error", "rate_limited", "reconnecting"],
  "claude-code-2.1.332-input-ready-not-logged-in": ["not_logged_in"],
  "claude-code-2.1.332-trust-prompt": [],
  "claude-code-2.1.332-approval-bash": [],
  "claude-code-2.1.332-approval-bash-no-highlighted": [],
  "claude-code-2.1.332-approval-denied-esc": [],
  "claude-code-2.1.332-question-ask-user": [],
  "claude-code-2.1.332-compacting": [],
  "claude-code-2.1.332-context-auto-compact-next": [],
};

/**
 * Every recorded menu: how many options it shows and which one carries the cursor (what Enter would choose),
 * as the meta notes describe the screen.
 */
const MENUS: Record<string, { options: number; highlighted: number }> = {
  "claude-code-2.1.332-api-key-dialog": { options: 2, highlighted: 2 },
  "claude-code-2.1.332-approval-bash": { options: 4, highlighted: 1 },
  "claude-code-2.1.332-approval-bash-no-highlighted": { options: 4, highlighted: 4 },
  "claude-code-2.1.332-question-ask-user": { options: 4, highlighted: 1 },
  "codex-0.169.0-approval-exec-command": { options: 3, highlighted: 1 },
  "codex-0.169.0-approval-exec-command-option-2": { options: 3, highlighted: 2 },
  "codex-0.169.0-ctrl-c-during-turn-menu": { options: 3, highlighted: 1 },
  "codex-0.169.0-question-plan-mode": { options: 3, highlighted: 1 },
};

const cases: { name: string; file: string; meta: Meta }[] = [];
if (existsSync(DIR)) {
  for (const metaFile of readdirSync(DIR)
    .filter((f) => f.endsWith(".meta.json"))
    .sort()) {
    const base = metaFile.slice(0, -".meta.json".length);
    const meta = JSON.parse(readFileSync(new URL(metaFile, DIR), "utf8")) as Meta;
    for (const suffix of [".txt", ".ansi.txt"]) {
      if (existsSync(new URL(base + suffix, DIR))) cases.push({ name: base, file: base + suffix, meta });
    }
  }
}

describe("recorded screens of the real CLIs", () => {
  it("has recordings of both CLIs", () => {
    expect(cases.some((c) => c.meta.cli.startsWith("codex"))).toBe(true);
    expect(cases.some((c) => c.meta.cli.startsWith("claude"))).toBe(true);
  });

  it("every recording named in NOTICES and MENUS exists", () => {
    const names = new Set(cases.map((c) => c.name));
    for (const name of [...Object.keys(NOTICES), ...Object.keys(MENUS)]) expect(names).toContain(name);
  });

  it.each(cases.map((c) => [c.file, c] as const))("%s", (_file, { name, file, meta }) => {
    const capture = readFileSync(new URL(file, DIR), "utf8");
    const result = classifyScreen(capture, { signatures: signaturesFor(meta.cli), paneWidth: meta.pane_width });
    expect(result.kind, meta.how).toBe(meta.expected_kind);
    const notices = NOTICES[name];
    if (notices) expect([...new Set(result.notices.map((n) => n.kind))].sort()).toEqual(notices);
    if (result.kind === "numbered_menu") {
      const menu = MENUS[name];
      expect(menu, `${name} is a menu recording missing from MENUS`).toBeDefined();
      expect(result.options?.length).toBe(menu?.options);
      expect(result.options?.filter((o) => o.highlighted).map((o) => o.number)).toEqual([menu?.highlighted]);
    }
    if (result.kind === "trust_prompt" && meta.workspace_path) {
      expect(result.trustPath).toBe(meta.workspace_path);
      expect(result.options?.length).toBeGreaterThanOrEqual(2);
      expect(result.options?.filter((o) => o.highlighted)).toHaveLength(1);
    }
  });
});
