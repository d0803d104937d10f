/** The fake's own frames (rendered without a terminal) read through the classifier with the plugin's signatures. */
import { classifyScreen, decideTrustAnswer } from "@team-agent/tmux-prompt";
import { describe, expect, it } from "vitest";
import { renderView, type View } from "../../src/cli/view.js";
import { FAKE_PROMPTS, FAKE_SIGNATURES, FAKE_TEXT, pastePlaceholder } from "../../src/screens.js";
import { tempDir } from "../helpers/env.js";

function view(overrides: Partial<View> = {}): View {
  return {
    mode: "input",
    columns: 100,
    rows: 30,
    agentId: "dev",
    workspace: "/work/demo-ws",
    trustHighlight: 0,
    approvalHighlight: 0,
    approvalTool: 'fake_work({"message_id":"msg_0123456789ab"})',
    history: [],
    busy: false,
    draft: "",
    queued: [],
    ...overrides,
  };
}

const screen = (v: View) => renderView(v).join("\n");
const classify = (v: View) => classifyScreen(screen(v), { signatures: FAKE_SIGNATURES, paneWidth: v.columns });

describe("fake screens through the classifier", () => {
  it("the trust menu is a trust prompt naming the workspace, default (exit) highlighted; the policy answers Down, Enter", () => {
    const workspace = tempDir();
    const seen = classify(view({ mode: "trust", workspace }));
    expect(seen).toMatchObject({ kind: "trust_prompt", provider: "fake", trustPath: workspace });
    expect(seen.options).toEqual([
      { number: 1, label: "No, exit", highlighted: true },
      { number: 2, label: "Yes, I trust this folder", highlighted: false },
    ]);
    const decision = decideTrustAnswer({ classification: seen, workspace, paneId: "%1" });
    expect(decision).toMatchObject({ action: "answer", keys: ["Down", "Enter"] });
    expect(classify(view({ mode: "trust", workspace, trustHighlight: 1 })).options?.[1]?.highlighted).toBe(true);
  });

  it("a path wider than the pane wraps and is still read whole (pane width known)", () => {
    const workspace = `/tmp/${"deeply-nested-folder/".repeat(4)}project`;
    const seen = classify(view({ mode: "trust", workspace, columns: 40 }));
    expect(seen.kind).toBe("trust_prompt");
    expect(seen.trustPath).toBe(workspace);
  });

  it("empty box: input_ready; a typed draft: input_ready; busy line: busy", () => {
    expect(classify(view())).toMatchObject({ kind: "input_ready", provider: "fake" });
    expect(classify(view({ draft: "hello there" })).kind).toBe("input_ready");
    const busy = view({ busy: true, history: [{ kind: "user", text: "do it" }] });
    expect(screen(busy)).toContain(FAKE_TEXT.busy);
    expect(classify(busy)).toMatchObject({ kind: "busy", provider: "fake" });
  });

  it("a collapsed paste in the box is pasted_unsubmitted", () => {
    const seen = classify(view({ draft: pastePlaceholder(2, 14) }));
    expect(seen).toMatchObject({ kind: "pasted_unsubmitted", placeholder: "[Pasted text #2 +14 lines]" });
  });

  it("a finished turn (answer above an empty box) is input_ready, not busy", () => {
    const done = view({
      history: [
        { kind: "user", text: "Team Agent message from leader:\n\nx\n\n[team-agent-token:msg_0123456789ab]" },
        { kind: "tool", name: "team_orchestrator - report_result (MCP)", detail: "ok: {}" },
        { kind: "reply", text: "Done." },
      ],
    });
    expect(classify(done).kind).toBe("input_ready");
  });

  it("an approval is a blocking numbered menu with Yes highlighted", () => {
    const seen = classify(view({ mode: "approval", busy: true, history: [{ kind: "user", text: "go" }] }));
    expect(seen.kind).toBe("numbered_menu");
    expect(seen.options?.map((o) => [o.number, o.highlighted])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it("an API error line is a notice above a ready box", () => {
    const seen = classify(view({ history: [{ kind: "notice", text: `${FAKE_TEXT.apiErrorPrefix} 500 boom` }] }));
    expect(seen.kind).toBe("input_ready");
    expect(seen.notices).toEqual([{ kind: "api_error", line: expect.stringContaining("API Error: 500 boom") }]);
  });

  it("every frame fits the pane: exactly `rows` lines, none wider than the pane", () => {
    for (const v of [
      view({ mode: "trust", columns: 30, rows: 12 }),
      view({ draft: "x".repeat(500), rows: 10 }),
      view({ mode: "approval" }),
    ]) {
      const lines = renderView(v);
      expect(lines).toHaveLength(v.rows);
      for (const line of lines) expect(Array.from(line).length).toBeLessThan(v.columns);
    }
  });
});

describe("prompt catalog", () => {
  it("each entry matches its own screen and not the input screen", () => {
    const trust = FAKE_PROMPTS.find((p) => p.id === "fake_workspace_trust")!;
    const approval = FAKE_PROMPTS.find((p) => p.id === "fake_tool_approval")!;
    const text = (v: View) => renderView(v).join("\n");
    expect(trust.match.some((re) => re.test(text(view({ mode: "trust" }))))).toBe(true);
    expect(approval.match.some((re) => re.test(text(view({ mode: "approval" }))))).toBe(true);
    for (const entry of FAKE_PROMPTS) expect(entry.match.some((re) => re.test(text(view())))).toBe(false);
  });
});
