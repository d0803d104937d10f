import { fileURLToPath } from "node:url";
import { TeamAgentError } from "@team-agent/core-state";
import { discoverProviders, validateProviderPlugin } from "@team-agent/provider-registry";
import { describe, expect, it } from "vitest";
import plugin, { codexMcpToolName, createCodexPlugin } from "../../src/index.js";

describe("the default export", () => {
  it("is a valid ProviderPlugin v1 named codex", () => {
    expect(validateProviderPlugin(plugin)).toBe(plugin);
    expect(plugin).toMatchObject({
      contractVersion: 1,
      name: "codex",
      aliases: [],
      command: "codex",
      capabilities: { resume: true, fork: false, transcripts: true },
    });
    expect(plugin.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("runs another executable when told to", () => {
    const custom = createCodexPlugin({ command: "/opt/codex/bin/codex" });
    expect(custom.command).toBe("/opt/codex/bin/codex");
    expect(custom.buildLaunch.length).toBe(2);
  });

  it("quits with /exit and pastes with a full second before Enter", () => {
    expect(plugin.screen.exitText).toBe("/exit");
    expect(plugin.screen.paste).toEqual({
      bracketed: true,
      submitKey: "Enter",
      delayBeforeSubmitMs: 1000,
      maxSubmitPresses: 3,
    });
  });
});

describe("MCP tool names", () => {
  it("are mcp__team_orchestrator__<tool>, the name Codex 0.169 gives the model", () => {
    expect(plugin.mcpToolName("report_result")).toBe("mcp__team_orchestrator__report_result");
    expect(codexMcpToolName("send_message")).toBe("mcp__team_orchestrator__send_message");
  });

  it("refuse something that is not a bare tool name", () => {
    expect(() => codexMcpToolName("team_orchestrator.report_result")).toThrow(TeamAgentError);
    expect(() => codexMcpToolName("")).toThrow(/not an MCP tool name/);
  });
});

describe("discovery", () => {
  it("the registry loads this package by path, its package.json manifest naming the plugin", async () => {
    const registry = await discoverProviders({
      paths: [fileURLToPath(new URL("../..", import.meta.url))],
      searchFrom: null,
      runtimePackageJson: null,
      conditions: ["source"],
    });
    expect(registry.problems).toEqual([]);
    expect(registry.get("codex").name).toBe("codex");
  });
});
