import { TeamRuntimeError } from "@team-agent/core-state";
import { describe, expect, it } from "vitest";
import type { ProviderPlugin } from "../../src/contract.js";
import { normalizeProviderName, ProviderRegistry, type ProviderSource } from "../../src/registry.js";
import { demoPlugin } from "../helpers/demo-plugin.js";

function named(name: string, aliases: string[] = []): ProviderPlugin {
  return { ...demoPlugin(), name, aliases };
}

function source(packageName: string, origin: ProviderSource["origin"] = "builtin"): ProviderSource {
  return { origin, packageName, packageVersion: "1.0.0", packageDir: `/pkgs/${packageName}`, entry: null };
}

function thrown(fn: () => unknown): TeamRuntimeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TeamRuntimeError);
    return error as TeamRuntimeError;
  }
  throw new Error("expected a throw");
}

describe("ProviderRegistry", () => {
  it("resolves a name and its aliases to one plugin", () => {
    const claude = named("claude_code", ["claude"]);
    const registry = ProviderRegistry.fromPlugins([claude, named("codex")]);
    expect(registry.get("claude")).toBe(claude);
    expect(registry.get("claude_code")).toBe(claude);
    expect(registry.resolveName("claude")).toBe("claude_code");
    expect(registry.resolveName("codex")).toBe("codex");
    expect(registry.resolveName("gemini")).toBeNull();
    expect(registry.problems).toEqual([]);
  });

  it("forgives case, spaces and hyphens in lookups", () => {
    const registry = ProviderRegistry.fromPlugins([named("claude_code", ["claude"])]);
    expect(normalizeProviderName(" Claude-Code ")).toBe("claude_code");
    expect(registry.has("Claude-Code")).toBe(true);
    expect(registry.has("CLAUDE")).toBe(true);
  });

  it("lists entries sorted by name with their sources", () => {
    const registry = new ProviderRegistry();
    registry.add(named("fake"), source("@team-agent/provider-fake"));
    registry.add(named("codex"), source("@team-agent/provider-codex"));
    expect(registry.names()).toEqual(["codex", "fake"]);
    expect(registry.list().map((entry) => entry.source.packageName)).toEqual([
      "@team-agent/provider-codex",
      "@team-agent/provider-fake",
    ]);
  });

  it("throws unknown_provider listing the known names and how to install a plugin", () => {
    const registry = ProviderRegistry.fromPlugins([named("claude_code", ["claude"]), named("codex"), named("fake")]);
    const error = thrown(() => registry.get("gemini"));
    expect(error.code).toBe("unknown_provider");
    expect(error.message).toBe('Unknown provider "gemini". Known providers: claude_code (alias claude), codex, fake.');
    expect(error.action).toMatch(/team-agent-provider-<name>/);
    expect(error.action).toMatch(/@<scope>\/team-agent-provider-<name>/);
    expect(error.details).toMatchObject({ provider: "gemini", known: ["claude_code", "codex", "fake"] });
  });

  it("says 'none' when nothing is installed", () => {
    expect(thrown(() => new ProviderRegistry().get("codex")).message).toBe(
      'Unknown provider "codex". Known providers: none.',
    );
  });

  it("keeps the first plugin for a name and reports the second as a conflict", () => {
    const first = named("codex");
    const registry = new ProviderRegistry();
    registry.add(first, source("@team-agent/provider-codex"));
    expect(registry.add(named("codex"), source("team-agent-provider-codex", "node_modules"))).toBeNull();
    expect(registry.get("codex")).toBe(first);
    expect(registry.problems).toHaveLength(1);
    const [problem] = registry.problems;
    expect(problem!.package).toBe("team-agent-provider-codex");
    expect(problem!.error.code).toBe("provider_name_conflict");
    expect(problem!.error.message).toBe(
      'team-agent-provider-codex: provider name "codex" is already taken by @team-agent/provider-codex (builtin); team-agent-provider-codex was not loaded',
    );
  });

  it("rejects a name that is already another plugin's alias", () => {
    const registry = new ProviderRegistry();
    registry.add(named("claude_code", ["claude"]), source("@team-agent/provider-claude-code"));
    expect(registry.add(named("claude"), source("team-agent-provider-claude", "node_modules"))).toBeNull();
    expect(registry.problems[0]!.error.message).toBe(
      'team-agent-provider-claude: provider name "claude" is already taken by provider "claude_code" from @team-agent/provider-claude-code (builtin), as an alias; team-agent-provider-claude was not loaded',
    );
    expect(registry.resolveName("claude")).toBe("claude_code");
  });

  it("drops a taken alias but keeps the plugin under its own name", () => {
    const registry = new ProviderRegistry();
    registry.add(named("codex"), source("@team-agent/provider-codex"));
    const entry = registry.add(
      named("open_codex", ["codex", "oc"]),
      source("team-agent-provider-open-codex", "node_modules"),
    );
    expect(entry?.aliases).toEqual(["oc"]);
    expect(registry.resolveName("oc")).toBe("open_codex");
    expect(registry.resolveName("codex")).toBe("codex");
    expect(registry.problems.map((p) => p.error.code)).toEqual(["provider_alias_conflict"]);
    expect(registry.problems[0]!.error.message).toBe(
      'team-agent-provider-open-codex: alias "codex" of provider "open_codex" is already taken by @team-agent/provider-codex (builtin); the alias was dropped, "open_codex" still works',
    );
    expect(registry.describeKnown()).toBe("codex, open_codex (alias oc)");
  });

  it("records an invalid plugin as a problem and explains it on get()", () => {
    const broken = { ...named("broken_cli", ["bc"]), contractVersion: 3 };
    const registry = ProviderRegistry.fromPlugins([broken, named("codex")]);
    expect(registry.names()).toEqual(["codex"]);
    expect(registry.problems).toHaveLength(1);
    expect(registry.problems[0]!.package).toBe('inline plugin "broken_cli"');
    for (const name of ["broken_cli", "bc"]) {
      const error = thrown(() => registry.get(name));
      expect(error.code).toBe("provider_plugin_broken");
      expect(error.message).toContain(`Provider "${name}" is installed but its plugin could not be loaded:`);
      expect(error.message).toContain(
        "plugin.contractVersion: expected 1 (this runtime speaks provider contract v1), got number 3",
      );
      expect(error.action).toMatch(/describeProviderConformance/);
    }
  });
});
