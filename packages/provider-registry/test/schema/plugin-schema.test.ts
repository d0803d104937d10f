import { ValidationError } from "@team-agent/core-state";
import { describe, expect, it } from "vitest";
import {
  checkLaunchPlan,
  checkProviderManifest,
  checkProviderPlugin,
  formatIssuePath,
  validateProviderPlugin,
} from "../../src/schema.js";
import { demoPlugin } from "../helpers/demo-plugin.js";

const PKG = "@acme/team-agent-provider-x";

/** The error lines for a demo plugin with one change applied. */
function problemsWith(change: (plugin: Record<string, unknown>) => void): string[] {
  const plugin = demoPlugin() as unknown as Record<string, unknown>;
  change(plugin);
  const result = checkProviderPlugin(plugin, PKG);
  if (result.ok) throw new Error("expected the plugin to be rejected");
  expect(result.error).toBeInstanceOf(ValidationError);
  expect(result.error.code).toBe("provider_plugin_invalid");
  return result.error.message.split("\n");
}

describe("providerPluginSchema", () => {
  it("accepts a valid plugin and returns the original object", () => {
    const plugin = demoPlugin();
    const result = checkProviderPlugin(plugin, PKG);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toBe(plugin);
  });

  it("keeps a class-based plugin intact (prototype methods and this)", () => {
    class ClassPlugin {
      readonly base = demoPlugin();
      contractVersion = 1 as const;
      name = "class_based";
      aliases = [] as string[];
      displayName = "Class";
      version = "1.0.0";
      command = "demo-cli";
      capabilities = this.base.capabilities;
      screen = this.base.screen;
      prompts = this.base.prompts;
      transcripts = this.base.transcripts;
      probe = this.base.probe;
      buildLaunch(...args: Parameters<typeof this.base.buildLaunch>) {
        return this.base.buildLaunch(...args);
      }
      buildResume(...args: Parameters<typeof this.base.buildResume>) {
        return this.base.buildResume(...args);
      }
      mcpToolName(tool: string) {
        return `${this.name}:${tool}`;
      }
    }
    const instance = new ClassPlugin();
    const validated = validateProviderPlugin(instance, "class plugin");
    expect(validated).toBe(instance);
    expect(validated.mcpToolName("report_result")).toBe("class_based:report_result");
  });

  it("names a missing function with the package and the field path", () => {
    expect(problemsWith((p) => delete p.buildLaunch)).toEqual([
      `${PKG}: plugin.buildLaunch: missing: expected a function (worker, mcp) => LaunchPlan`,
    ]);
  });

  it("rejects a string where a RegExp belongs, naming the array index", () => {
    const lines = problemsWith((p) => {
      (p.screen as { signatures: Record<string, unknown> }).signatures.busy = ["working"];
    });
    expect(lines).toEqual([
      `${PKG}: plugin.screen.signatures.busy[0]: expected a RegExp instance (a /pattern/flags literal or new RegExp(...), not a string), got the string "working"`,
    ]);
  });

  it("takes an optional ready settle time within bounds", () => {
    const plugin = demoPlugin();
    expect(checkProviderPlugin({ ...plugin, screen: { ...plugin.screen, readySettleMs: 1500 } }, PKG).ok).toBe(true);
    const lines = problemsWith((p) => {
      (p.screen as Record<string, unknown>).readySettleMs = -5;
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("plugin.screen.readySettleMs");
  });

  it("rejects another contract version", () => {
    expect(problemsWith((p) => (p.contractVersion = 2))).toEqual([
      `${PKG}: plugin.contractVersion: expected 1 (this runtime speaks provider contract v1), got number 2`,
    ]);
  });

  it.each([
    ["maxSubmitPresses", 0, "expected an integer between 1 and 10, got number 0"],
    ["maxSubmitPresses", 11, "expected an integer between 1 and 10, got number 11"],
    ["maxSubmitPresses", 2.5, "expected an integer between 1 and 10, got number 2.5"],
    ["delayBeforeSubmitMs", -1, "expected an integer between 0 and 10000 (ms), got number -1"],
    ["delayBeforeSubmitMs", 60_000, "expected an integer between 0 and 10000 (ms), got number 60000"],
    ["submitKey", "", "expected a tmux key name such as Enter or C-m, got an empty string"],
    ["submitKey", "Enter; rm", 'expected a tmux key name such as Enter or C-m, got the string "Enter; rm"'],
  ])("bounds screen.paste.%s (%s)", (field, value, message) => {
    expect(
      problemsWith((p) => {
        (p.screen as { paste: Record<string, unknown> }).paste[field] = value;
      }),
    ).toEqual([`${PKG}: plugin.screen.paste.${field}: ${message}`]);
  });

  it.each([
    ["Claude", 'got the string "Claude"'],
    ["claude-code", 'got the string "claude-code"'],
    ["1codex", 'got the string "1codex"'],
    ["", "got an empty string"],
  ])("rejects the name %j", (name, got) => {
    expect(problemsWith((p) => (p.name = name))).toEqual([
      `${PKG}: plugin.name: expected a name matching /^[a-z][a-z0-9_]*$/ (lower-case letters, digits, _), ${got}`,
    ]);
  });

  it("rejects an alias equal to the name and a repeated alias", () => {
    expect(problemsWith((p) => (p.aliases = ["demo", "x", "x"]))).toEqual([
      `${PKG}: plugin.aliases[0]: alias "demo" repeats the plugin's name`,
      `${PKG}: plugin.aliases[2]: duplicate alias "x"`,
    ]);
  });

  it("rejects prompt kinds outside the union, bad answers and duplicate ids", () => {
    expect(
      problemsWith((p) => {
        const prompts = p.prompts as Record<string, unknown>[];
        prompts[0]!.kind = "approval";
      }),
    ).toEqual([
      `${PKG}: plugin.prompts[0].kind: expected one of trust_prompt, auth_required, numbered_menu, yes_no, press_enter, compaction_warning, got the string "approval"`,
    ]);
    expect(
      problemsWith((p) => {
        (p.prompts as Record<string, unknown>[])[1]!.answer = { type: "keys", keys: [] };
      }),
    ).toEqual([`${PKG}: plugin.prompts[1].answer.keys: expected at least one key`]);
    expect(
      problemsWith((p) => {
        (p.prompts as Record<string, unknown>[])[1]!.id = "demo_trust";
      }),
    ).toEqual([`${PKG}: plugin.prompts[1].id: duplicate id "demo_trust" (also prompts[0])`]);
  });

  it("requires transcripts when capabilities.transcripts is true", () => {
    expect(problemsWith((p) => (p.transcripts = null))).toEqual([
      `${PKG}: plugin.transcripts: capabilities.transcripts is true, so expected an object {reader, capture, faults}, got null`,
    ]);
  });

  it("requires a reader with extractFacts", () => {
    expect(
      problemsWith((p) => {
        (p.transcripts as Record<string, unknown>).reader = { read: () => [] };
      }),
    ).toEqual([`${PKG}: plugin.transcripts.reader.extractFacts: missing: expected a function (records) => TurnFact[]`]);
  });

  it("reports every problem at once, in field order", () => {
    const lines = problemsWith((p) => {
      p.displayName = " ";
      delete p.probe;
      p.capabilities = { resume: "yes", fork: false, transcripts: true };
    });
    expect(lines).toEqual([
      `${PKG}: plugin.displayName: expected a non-empty string, got an empty string`,
      `${PKG}: plugin.capabilities.resume: expected true or false, got the string "yes"`,
      `${PKG}: plugin.probe: missing: expected an object {isInstalled, version, authHint}`,
    ]);
  });

  it("says what to do next", () => {
    const result = checkProviderPlugin(undefined, PKG);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(
      `${PKG}: plugin: missing: expected a ProviderPlugin object as the package's default export`,
    );
    expect(result.error.action).toMatch(/describeProviderConformance/);
    expect(result.error.problems).toEqual([
      { pointer: "", message: "plugin: missing: expected a ProviderPlugin object as the package's default export" },
    ]);
  });

  it("throws from validateProviderPlugin with JSON pointers per problem", () => {
    const plugin = { ...demoPlugin(), mcpToolName: "mcp__x" };
    try {
      validateProviderPlugin(plugin, PKG);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).problems.map((p) => p.pointer)).toEqual(["/mcpToolName"]);
    }
  });
});

describe("providerManifestSchema", () => {
  it("reads name, version and the manifest", () => {
    const result = checkProviderManifest(
      { name: "team-agent-provider-demo", version: "2.0.0", teamAgent: { provider: "demo", aliases: ["d"] } },
      "team-agent-provider-demo",
    );
    expect(result).toEqual({
      ok: true,
      value: { name: "team-agent-provider-demo", version: "2.0.0", manifest: { provider: "demo", aliases: ["d"] } },
    });
  });

  it.each([
    [{ name: "p" }, 'p: package.json.teamAgent: missing: expected an object {"provider": "<name>", "aliases": [...]}'],
    [{ name: "p", teamAgent: {} }, "p: package.json.teamAgent.provider: missing: expected a provider name"],
    [
      { name: "p", teamAgent: { provider: "Demo" } },
      'p: package.json.teamAgent.provider: expected a name matching /^[a-z][a-z0-9_]*$/ (lower-case letters, digits, _), got the string "Demo"',
    ],
    [
      { name: "p", teamAgent: { provider: "demo", aliases: "d" } },
      'p: package.json.teamAgent.aliases: expected an array of provider names, got the string "d"',
    ],
  ])("rejects %j", (packageJson, message) => {
    const result = checkProviderManifest(packageJson, "p");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("provider_manifest_invalid");
      expect(result.error.message).toBe(message);
      expect(result.error.action).toMatch(/"teamAgent": \{"provider"/);
    }
  });
});

describe("launchPlanSchema", () => {
  const valid = { argv: ["x"], env: {}, files: [], predeterminedSessionId: null, afterStartKeys: [["Enter"]] };

  it("accepts a plan", () => {
    expect(checkLaunchPlan(valid, "p").ok).toBe(true);
  });

  it.each([
    [{ ...valid, argv: "x --flag" }, 'p: plan.argv: expected an array of strings (argv), got the string "x --flag"'],
    [{ ...valid, argv: [] }, "p: plan.argv: expected at least the executable in argv[0]"],
    [
      { ...valid, files: [{ path: "rel/file.json", content: "", mode: 0o600 }] },
      "p: plan.files[0].path: expected an absolute file path",
    ],
    [{ ...valid, env: { A: 1 } }, "p: plan.env.A: expected a string value, got number 1"],
  ])("rejects %j", (plan, message) => {
    const result = checkLaunchPlan(plan, "p");
    expect(result.ok ? "accepted" : result.error.message).toBe(message);
  });
});

describe("formatIssuePath", () => {
  it("uses dots for keys and brackets for indexes", () => {
    expect(formatIssuePath("plugin", ["prompts", 2, "match", 0])).toBe("plugin.prompts[2].match[0]");
    expect(formatIssuePath("plugin", [])).toBe("plugin");
  });
});
