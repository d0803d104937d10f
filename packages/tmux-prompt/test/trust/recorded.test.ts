/**
 * The policy on the classifier's reading of recorded Codex 0.169 trust screens (test/fixtures/screens): the
 * recorded workspace is answered with Enter (its trusting option is highlighted), any other workspace is refused.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyScreen } from "../../src/screen/classify.js";
import { TrustAnswerMemory } from "../../src/trust/memory.js";
import { decideTrustAnswer } from "../../src/trust/policy.js";
import { codexLike } from "../fixtures/signatures.js";

const SCREENS = new URL("../fixtures/screens/", import.meta.url);
const recorded = [
  "codex-0.169.0-trust-prompt",
  "codex-0.169.0-trust-prompt-long-path-60",
  "codex-0.169.0-trust-prompt-long-path-160",
];

describe.each(recorded)("%s", (name) => {
  const text = readFileSync(new URL(`${name}.txt`, SCREENS), "utf8");
  const meta = JSON.parse(readFileSync(new URL(`${name}.meta.json`, SCREENS), "utf8")) as {
    pane_width: number;
    workspace_path: string;
  };
  const classification = classifyScreen(text, { signatures: codexLike, paneWidth: meta.pane_width });
  const decide = (workspace: string) =>
    decideTrustAnswer({
      classification,
      workspace,
      paneId: "%1",
      paneWidth: meta.pane_width,
      memory: new TrustAnswerMemory(),
    });

  it("answers the recorded workspace with Enter on the highlighted trusting option", () => {
    expect(classification.kind).toBe("trust_prompt");
    expect(decide(meta.workspace_path)).toMatchObject({ action: "answer", keys: ["Enter"], option: { number: 1 } });
  });

  it("refuses a sibling workspace and a parent directory", () => {
    expect(decide(`${meta.workspace_path}-backup`)).toMatchObject({
      action: "refuse",
      reason: "workspace_dir_mismatch",
    });
    expect(decide("/tmp/rec")).toMatchObject({ action: "refuse", reason: "workspace_dir_mismatch" });
  });
});
