import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverProviders, findProviderCandidates, isThirdPartyPluginName } from "../../src/discovery.js";
import type { ProviderRegistry } from "../../src/registry.js";
import { pluginModuleSource, tempDir, writePackage, writePluginPackage } from "../helpers/plugin-packages.js";

let root: string;
let cleanup: () => void;
let project: string;
let startDir: string;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  project = path.join(root, "project");
  startDir = path.join(project, "packages", "app");
  mkdirSync(startDir, { recursive: true });
});

afterEach(() => cleanup());

function problemsByPackage(registry: ProviderRegistry): Record<string, { code: string; message: string }> {
  return Object.fromEntries(
    registry.problems.map((p) => [p.package, { code: p.error.code, message: p.error.message }]),
  );
}

describe("discoverProviders: third-party packages in node_modules", () => {
  it("finds an unscoped and a scoped plugin from a nested start folder", async () => {
    const demoDir = writePluginPackage(project, "team-agent-provider-demo", "demo", { aliases: ["demo_cli"] });
    writePluginPackage(root, "@acme/team-agent-provider-scoped", "scoped");
    writePackage(project, { name: "unrelated-package", files: { "index.js": "export default 1;\n" } });

    const registry = await discoverProviders({ searchFrom: startDir });

    expect(registry.problems).toEqual([]);
    expect(registry.names()).toEqual(["demo", "scoped"]);
    expect(registry.get("demo_cli").command).toBe("demo-cli");
    const entry = registry.entry("demo")!;
    expect(entry.source).toEqual({
      origin: "node_modules",
      packageName: "team-agent-provider-demo",
      packageVersion: "1.0.0",
      packageDir: demoDir,
      entry: path.join(demoDir, "index.js"),
    });
    expect(registry.entry("scoped")!.source.packageName).toBe("@acme/team-agent-provider-scoped");
  });

  it("rejects malformed plugins with precise messages while the valid one still loads", async () => {
    writePluginPackage(project, "team-agent-provider-demo", "demo");
    writePluginPackage(project, "team-agent-provider-nobuild", "nobuild", { patch: "delete plugin.buildLaunch;" });
    writePluginPackage(project, "team-agent-provider-stringre", "stringre", {
      patch: 'plugin.screen.signatures.inputPrompt = ["^stringre> "];',
    });
    writePluginPackage(project, "team-agent-provider-nextgen", "nextgen", { patch: "plugin.contractVersion = 2;" });
    writePluginPackage(project, "@acme/team-agent-provider-mismatch", "other_name", {
      manifest: { provider: "mismatch" },
    });

    const registry = await discoverProviders({ searchFrom: startDir });

    expect(registry.names()).toEqual(["demo"]);
    expect(problemsByPackage(registry)).toEqual({
      "team-agent-provider-nobuild": {
        code: "provider_plugin_invalid",
        message:
          "team-agent-provider-nobuild: plugin.buildLaunch: missing: expected a function (worker, mcp) => LaunchPlan",
      },
      "team-agent-provider-stringre": {
        code: "provider_plugin_invalid",
        message:
          'team-agent-provider-stringre: plugin.screen.signatures.inputPrompt[0]: expected a RegExp instance (a /pattern/flags literal or new RegExp(...), not a string), got the string "^stringre> "',
      },
      "team-agent-provider-nextgen": {
        code: "provider_plugin_invalid",
        message:
          "team-agent-provider-nextgen: plugin.contractVersion: expected 1 (this runtime speaks provider contract v1), got number 2",
      },
      "@acme/team-agent-provider-mismatch": {
        code: "provider_manifest_mismatch",
        message:
          '@acme/team-agent-provider-mismatch: package.json teamAgent.provider is "mismatch" but the plugin\'s name is "other_name"',
      },
    });
    for (const problem of registry.problems) {
      expect(problem.origin).toBe("node_modules");
      expect(problem.error.action.length).toBeGreaterThan(20);
    }

    // get() of a broken plugin explains why instead of calling it unknown
    expect(() => registry.get("nobuild")).toThrow(/could not be loaded:\n.*plugin\.buildLaunch: missing/);
    expect(() => registry.get("mismatch")).toThrow(/teamAgent\.provider is "mismatch"/);
    expect(() => registry.get("other_name")).toThrow(/teamAgent\.provider is "mismatch"/);
    expect(() => registry.get("never_installed")).toThrow(
      /Unknown provider "never_installed". Known providers: demo\./,
    );
  });

  it("reports packages that cannot be imported or have no usable entry", async () => {
    writePluginPackage(project, "team-agent-provider-demo", "demo");
    writePackage(project, {
      name: "team-agent-provider-syntax",
      packageJson: { teamAgent: { provider: "syntax" } },
      files: { "index.js": "export default {;\n" },
    });
    writePackage(project, {
      name: "team-agent-provider-throws",
      packageJson: { teamAgent: { provider: "throws" } },
      files: { "index.js": 'throw new Error("boom at import");\n' },
    });
    writePackage(project, {
      name: "team-agent-provider-unbuilt",
      packageJson: {
        teamAgent: { provider: "unbuilt" },
        exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
      },
    });
    writePackage(project, {
      name: "team-agent-provider-nodefault",
      packageJson: { teamAgent: { provider: "nodefault" } },
      files: { "index.js": "export const plugin = {};\n" },
    });
    writePackage(project, { name: "team-agent-provider-nomanifest", files: { "index.js": "export default {};\n" } });
    const badJson = writePackage(project, { name: "team-agent-provider-badjson" });
    writeFileSync(path.join(badJson, "package.json"), "{ not json");

    // vitest runs its workers with `--conditions source`; keep this test independent of that
    const registry = await discoverProviders({ searchFrom: startDir, inheritProcessConditions: false });
    const problems = problemsByPackage(registry);

    expect(registry.names()).toEqual(["demo"]);
    expect(problems["team-agent-provider-syntax"]!.code).toBe("provider_import_failed");
    expect(problems["team-agent-provider-syntax"]!.message).toMatch(
      /^team-agent-provider-syntax: importing .*index\.js failed: /,
    );
    expect(problems["team-agent-provider-throws"]).toMatchObject({
      code: "provider_import_failed",
      message: expect.stringMatching(/failed: boom at import$/),
    });
    expect(problems["team-agent-provider-unbuilt"]).toEqual({
      code: "provider_entry_missing",
      message:
        'team-agent-provider-unbuilt: the "exports" entry ./dist/index.js (conditions node, import, default) does not exist; is the package built?',
    });
    expect(problems["team-agent-provider-nodefault"]).toEqual({
      code: "provider_plugin_invalid",
      message:
        "team-agent-provider-nodefault: plugin: missing: expected a ProviderPlugin object as the package's default export",
    });
    expect(problems["team-agent-provider-nomanifest"]!.code).toBe("provider_manifest_missing");
    expect(problems["team-agent-provider-badjson"]!.code).toBe("provider_package_unreadable");
    expect(problems["team-agent-provider-badjson"]!.message).toMatch(/is not valid JSON/);
    expect(() => registry.get("unbuilt")).toThrow(/is the package built\?/);
  });

  it("uses the nearest copy of a package, as Node does", async () => {
    writePluginPackage(project, "team-agent-provider-demo", "demo");
    writePluginPackage(root, "team-agent-provider-demo", "demo", { patch: "plugin.contractVersion = 9;" });

    const registry = await discoverProviders({ searchFrom: startDir });

    expect(registry.problems).toEqual([]);
    expect(registry.entry("demo")!.source.packageDir).toBe(
      path.join(project, "node_modules", "team-agent-provider-demo"),
    );
  });

  it("does not scan when searchFrom is null", async () => {
    writePluginPackage(project, "team-agent-provider-demo", "demo");
    const registry = await discoverProviders({ searchFrom: null });
    expect(registry.names()).toEqual([]);
  });

  it("loads an entry chosen by an extra export condition", async () => {
    writePackage(project, {
      name: "team-agent-provider-dev",
      packageJson: {
        teamAgent: { provider: "dev" },
        exports: { ".": { source: "./src/index.js", default: "./dist/index.js" } },
      },
      files: { "src/index.js": pluginModuleSource("dev") },
    });

    const plain = await discoverProviders({ searchFrom: startDir, inheritProcessConditions: false });
    expect(plain.problems.map((p) => p.error.code)).toEqual(["provider_entry_missing"]);

    const withSource = await discoverProviders({
      searchFrom: startDir,
      conditions: ["source"],
      inheritProcessConditions: false,
    });
    expect(withSource.problems).toEqual([]);
    expect(withSource.entry("dev")!.source.entry).toBe(
      path.join(project, "node_modules", "team-agent-provider-dev", "src", "index.js"),
    );
  });
});

describe("discoverProviders: built-ins from the runtime's dependencies", () => {
  function writeRuntime(dependencies: Record<string, string>): string {
    const runtimeDir = path.join(root, "runtime");
    mkdirSync(runtimeDir, { recursive: true });
    const file = path.join(runtimeDir, "package.json");
    writeFileSync(file, JSON.stringify({ name: "@team-agent/cli", version: "1.0.0", dependencies }));
    return file;
  }

  it("loads dependencies with a teamAgent manifest and skips the rest", async () => {
    const runtime = writeRuntime({
      "@team-agent/provider-alpha": "1.0.0",
      "@team-agent/provider-beta": "1.0.0",
      "left-pad": "1.0.0",
      "@team-agent/provider-not-installed": "1.0.0",
    });
    // one next to the runtime, one hoisted to a parent node_modules (npm's usual layout)
    writePluginPackage(path.join(root, "runtime"), "@team-agent/provider-alpha", "alpha", { aliases: ["a"] });
    writePluginPackage(root, "@team-agent/provider-beta", "beta");
    writePackage(root, { name: "left-pad", files: { "index.js": "export default () => 0;\n" } });

    const registry = await discoverProviders({ runtimePackageJson: runtime, searchFrom: null });

    expect(registry.problems).toEqual([]);
    expect(registry.names()).toEqual(["alpha", "beta"]);
    expect(registry.resolveName("a")).toBe("alpha");
    expect(registry.list().map((entry) => entry.source.origin)).toEqual(["builtin", "builtin"]);
  });

  it("accepts the runtime package.json as a file: URL (import.meta.url style)", async () => {
    const runtime = writeRuntime({ "@team-agent/provider-alpha": "1.0.0" });
    writePluginPackage(path.join(root, "runtime"), "@team-agent/provider-alpha", "alpha");
    const registry = await discoverProviders({ runtimePackageJson: pathToFileURL(runtime), searchFrom: null });
    expect(registry.names()).toEqual(["alpha"]);
  });

  it("keeps a built-in's name when a third-party plugin claims it", async () => {
    const runtime = writeRuntime({ "@team-agent/provider-codex": "1.0.0" });
    writePluginPackage(path.join(root, "runtime"), "@team-agent/provider-codex", "codex");
    writePluginPackage(project, "team-agent-provider-codex", "codex");

    const registry = await discoverProviders({ runtimePackageJson: runtime, searchFrom: startDir });

    expect(registry.entry("codex")!.source.origin).toBe("builtin");
    expect(registry.problems.map((p) => [p.package, p.error.code])).toEqual([
      ["team-agent-provider-codex", "provider_name_conflict"],
    ]);
    expect(registry.problems[0]!.error.message).toContain("already taken by @team-agent/provider-codex (builtin)");
  });

  it("reports an unreadable runtime package.json", async () => {
    const registry = await discoverProviders({
      runtimePackageJson: path.join(root, "nope", "package.json"),
      searchFrom: null,
    });
    expect(registry.problems.map((p) => p.error.code)).toEqual(["provider_runtime_unreadable"]);
  });
});

describe("discoverProviders: explicit paths from user config", () => {
  it("loads a package folder given by a relative path", async () => {
    const dir = path.join(root, "my-plugins", "local-cli");
    writePluginPackage(root, "my-local-cli-plugin", "local_cli", { at: dir });
    const registry = await discoverProviders({ paths: ["my-plugins/local-cli"], baseDir: root, searchFrom: null });
    expect(registry.problems).toEqual([]);
    expect(registry.entry("local_cli")!.source).toMatchObject({
      origin: "explicit",
      packageName: "my-local-cli-plugin",
      packageDir: dir,
    });
  });

  it("loads a bare entry file without a manifest, and checks the manifest of a package around an entry file", async () => {
    const single = path.join(root, "single", "plugin.mjs");
    mkdirSync(path.dirname(single), { recursive: true });
    writeFileSync(single, pluginModuleSource("single_file"));
    const inPackage = path.join(root, "pkg-with-manifest");
    writePluginPackage(root, "some-plugin", "in_package", { at: inPackage, manifest: { provider: "wrong_name" } });

    const registry = await discoverProviders({
      paths: [single, path.join(inPackage, "index.js")],
      searchFrom: null,
    });

    expect(registry.names()).toEqual(["single_file"]);
    expect(registry.entry("single_file")!.source).toEqual({
      origin: "explicit",
      packageName: null,
      packageVersion: null,
      packageDir: null,
      entry: single,
    });
    expect(registry.problems.map((p) => [p.package, p.error.code])).toEqual([
      ["some-plugin", "provider_manifest_mismatch"],
    ]);
  });

  it("reports a path that does not exist", async () => {
    const registry = await discoverProviders({ paths: ["./missing-plugin"], baseDir: root, searchFrom: null });
    expect(registry.problems).toHaveLength(1);
    expect(registry.problems[0]!.error.code).toBe("provider_path_missing");
    expect(registry.problems[0]!.error.message).toBe(
      `./missing-plugin: plugin path ${path.join(root, "missing-plugin")} does not exist`,
    );
  });

  it("loads a folder reached both explicitly and through node_modules only once", async () => {
    const dir = writePluginPackage(project, "team-agent-provider-demo", "demo");
    const registry = await discoverProviders({ paths: [dir], searchFrom: startDir });
    expect(registry.problems).toEqual([]);
    expect(registry.entry("demo")!.source.origin).toBe("explicit");
  });
});

describe("findProviderCandidates", () => {
  it("lists candidates in precedence order without importing them", () => {
    writePluginPackage(project, "team-agent-provider-zed", "zed", {
      patch: 'throw new Error("must not be imported");',
    });
    writePluginPackage(project, "@acme/team-agent-provider-a", "a_cli");
    const explicit = writePluginPackage(root, "x", "explicit_one", { at: path.join(root, "explicit") });
    const found = findProviderCandidates({ searchFrom: startDir, paths: [explicit] });
    expect(found.problems).toEqual([]);
    expect(found.candidates.map((c) => [c.origin, c.label])).toEqual([
      ["explicit", explicit],
      ["node_modules", "@acme/team-agent-provider-a"],
      ["node_modules", "team-agent-provider-zed"],
    ]);
  });

  it.each([
    ["team-agent-provider-demo", true],
    ["@acme/team-agent-provider-demo", true],
    ["team-agent-provider-", false],
    ["@team-agent/provider-codex", false],
    ["my-team-agent-provider-x", false],
  ])("isThirdPartyPluginName(%j) is %s", (name, expected) => {
    expect(isThirdPartyPluginName(name)).toBe(expected);
  });
});
