// The daemon's step 5 picks the plugin's catalog entry for a blocking screen; recorded screens of the real CLIs.
import { readFileSync } from "node:fs";
import { discoverProviders } from "@team-agent/provider-registry";
import { classifyScreen } from "@team-agent/tmux-prompt";
import { describe, expect, it } from "vitest";
import { matchPrompt } from "../../src/daemon/screens.js";

const SCREENS = new URL("../../../tmux-prompt/test/fixtures/screens/", import.meta.url);
const PLUGINS = ["codex", "claude-code", "fake"].map(
  (name) => new URL(`../../../../plugins/${name}`, import.meta.url).pathname,
);
const registry = await discoverProviders({ paths: PLUGINS, searchFrom: null, runtimePackageJson: null });

function entryFor(provider: string, screen: string) {
  const plugin = registry.get(provider);
  const text = readFileSync(new URL(screen, SCREENS), "utf8");
  const kind = classifyScreen(text, { signatures: plugin.screen.signatures }).kind;
  return { kind, entry: matchPrompt(plugin, kind, text) };
}

describe("matchPrompt on recorded screens", () => {
  it("answers Codex's Ctrl-C task menu with Esc (keeps the turn running)", () => {
    const { kind, entry } = entryFor("codex", "codex-0.169.0-ctrl-c-during-turn-menu.txt");
    expect(kind).toBe("numbered_menu");
    expect(entry).toMatchObject({ id: "codex_task_running_menu", answer: { type: "keys", keys: ["Escape"] } });
  });

  it("reports Claude Code's tool approval instead of answering it", () => {
    const { kind, entry } = entryFor("claude_code", "claude-code-2.1.332-approval-bash.txt");
    expect(kind).toBe("numbered_menu");
    expect(entry).toMatchObject({ id: "claude_tool_permission", answer: { type: "report" } });
  });

  it("finds nothing for a screen of another kind", () => {
    const text = readFileSync(new URL("claude-code-2.1.332-approval-bash.txt", SCREENS), "utf8");
    expect(matchPrompt(registry.get("claude_code"), "yes_no", text)).toBeNull();
  });
});
