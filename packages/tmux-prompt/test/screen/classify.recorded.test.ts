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
 * Recordings whose expected kind we believe is wrong, with what the screen actually shows. Each entry is
 * asserted (so a corrected recording makes this test fail and the entry gets removed).
 */
const DISPUTED: Record<string, { kind: string; why: string }> = {
  "codex-0.169.0-api-error-retrying": {
    kind: "input_ready",
    why: "the captured frame is byte-identical to api-error-500-after: no 'Reconnecting… (Ns • esc to interrupt)' line was captured",
  },
};

/** Notice kinds we expect on some recordings (our reading of the screens; the meta files do not list them). */
const NOTICES: Record<string, string[]> = {
  "codex-0.169.0-api-error-500-after": ["api_error", "warnings"],
  "codex-0.169.0-api-error-429-after": ["api_error", "rate_limited", "warnings"],
  "codex-0.169.0-interrupted-after-cancel": ["api_error", "rate_limited", "warnings"],
  "codex-0.169.0-input-ready-empty": ["warnings"],
  "claude-code-2.1.332-api-error-500-after": ["api_error"],
  "claude-code-2.1.332-api-error-429-after": ["api_error", "rate_limited"],
  "claude-code-2.1.332-api-error-retrying": ["reconnecting"],
  "claude-code-2.1.332-api-error-429-retrying": ["api_error", "rate_limited", "reconnecting"],
  "claude-code-2.1.332-input-ready-not-logged-in": ["not_logged_in"],
  "claude-code-2.1.332-trust-prompt": [],
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

  it("every recording named in DISPUTED and NOTICES exists", () => {
    const names = new Set(cases.map((c) => c.name));
    for (const name of [...Object.keys(DISPUTED), ...Object.keys(NOTICES)]) expect(names).toContain(name);
  });

  it.each(cases.map((c) => [c.file, c] as const))("%s", (_file, { name, file, meta }) => {
    const capture = readFileSync(new URL(file, DIR), "utf8");
    const result = classifyScreen(capture, { signatures: signaturesFor(meta.cli), paneWidth: meta.pane_width });
    const disputed = DISPUTED[name];
    expect(result.kind, disputed?.why ?? meta.how).toBe(disputed ? disputed.kind : meta.expected_kind);
    const notices = NOTICES[name];
    if (notices) expect([...new Set(result.notices.map((n) => n.kind))].sort()).toEqual(notices);
    if (result.kind === "trust_prompt" && meta.workspace_path) {
      expect(result.trustPath).toBe(meta.workspace_path);
      expect(result.options?.length).toBeGreaterThanOrEqual(2);
      expect(result.options?.filter((o) => o.highlighted)).toHaveLength(1);
    }
  });
});
