/** The registry's conformance kit on this plugin, with transcripts the fake writes (test/fixtures/transcripts). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { discoverProviders } from "@team-agent/provider-registry";
import { describeProviderConformance } from "@team-agent/provider-registry/conformance";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/transcripts/${name}`, import.meta.url), "utf8");

describeProviderConformance(plugin, {
  samples: [
    { name: "idle after a report", text: fixture("idle-after-report.jsonl"), expectedState: "idle" },
    {
      name: "open tool_use, process alive",
      text: fixture("open-tool-use.jsonl"),
      expectedState: "working",
      process: { alive: true },
    },
    { name: "open tool_use, no process evidence", text: fixture("open-tool-use.jsonl"), expectedState: "unknown" },
    { name: "interrupted", text: fixture("interrupted.jsonl"), expectedState: "idle_interrupted" },
    { name: "api error closes the turn", text: fixture("api-error.jsonl"), expectedState: "idle" },
  ],
});

describe("package manifest", () => {
  it("the registry discovers this package by path: manifest, default export and names agree", async () => {
    const registry = await discoverProviders({
      paths: [fileURLToPath(new URL("../..", import.meta.url))],
      searchFrom: null,
      runtimePackageJson: null,
      conditions: ["source"],
    });
    expect(registry.problems).toEqual([]);
    expect(registry.names()).toEqual(["fake"]);
    expect(registry.get("fake").name).toBe("fake");
  });

  it("ships the CLI as a bin", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(manifest.bin).toEqual({ "team-agent-fake-agent": "./dist/cli/main.js" });
  });
});
