// The kit must fail plugins that break the contract, and say why. Each case breaks one thing in an otherwise valid
// plugin and expects exactly the matching check(s) to fail.
import { TeamRuntimeError } from "@team-agent/core-state";
import type { TurnFact } from "@team-agent/idle-predicate";
import { describe, expect, it } from "vitest";
import {
  type ConformanceOptions,
  conformanceChecks,
  hostileTranscriptInputs,
  runConformance,
  truncations,
} from "../../src/conformance-checks.js";
import type { LaunchPlan, ProviderPlugin } from "../../src/contract.js";
import { DEMO_SAMPLES, demoPlugin } from "../helpers/demo-plugin.js";

/** name of failed check → its message */
async function failures(plugin: ProviderPlugin, options: ConformanceOptions = {}): Promise<Record<string, string>> {
  const outcomes = await runConformance(plugin, options);
  return Object.fromEntries(outcomes.filter((o) => !o.ok).map((o) => [o.name, o.error!.message]));
}

function withPlan(
  change: (plan: LaunchPlan, ...args: Parameters<ProviderPlugin["buildLaunch"]>) => LaunchPlan,
): ProviderPlugin {
  const base = demoPlugin();
  return {
    ...base,
    buildLaunch: (worker, mcp) => change(base.buildLaunch(worker, mcp), worker, mcp),
    buildResume: (worker, mcp, id) => change(base.buildResume(worker, mcp, id), worker, mcp),
  };
}

function withReader(extractFacts: (records: Record<string, unknown>[]) => TurnFact[]): ProviderPlugin {
  const base = demoPlugin();
  return { ...base, transcripts: { ...base.transcripts!, reader: { extractFacts } } };
}

const LAUNCH =
  "buildLaunch (subscription): argv array starting with the plugin command, no shell string, MCP server with the worker's identity";
const SECRETS = "no secret-looking profile setting reaches argv, plan env or plan files";
const RESUME_EMPTY = "buildResume refuses an empty session id with resume_unavailable";
const RESUME_ID = "buildResume with a session id returns a safe plan, or refuses with resume_unavailable";
const TRANSCRIPTS = "transcript reader and fault reader survive empty, truncated, garbage and binary input";
const PROMPTS = "prompt catalog: unique ids, patterns compile and do not match an empty screen";
const SIGNATURES = "screen signatures: patterns compile and do not match the empty string";
const TOOL_NAME = "mcpToolName is deterministic, contains the tool name and keeps tools apart";

describe("conformance kit", () => {
  it("passes the valid demo plugin on every check", async () => {
    const outcomes = await runConformance(demoPlugin(), {
      samples: [{ text: DEMO_SAMPLES.idle, expectedState: "idle" }],
    });
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    // schema, 3 auth modes + dangerous, secrets, 2 resume, transcripts, 1 sample, prompts, signatures, paste, tool name
    expect(outcomes).toHaveLength(14);
  });

  it("fails everything after the schema for an invalid plugin, with the schema's message first", async () => {
    const failed = await failures({ ...demoPlugin(), contractVersion: 0 } as unknown as ProviderPlugin, {
      label: "@acme/team-agent-provider-x",
    });
    expect(failed["default export matches the ProviderPlugin v1 schema"]).toBe(
      "@acme/team-agent-provider-x: plugin.contractVersion: expected 1 (this runtime speaks provider contract v1), got number 0",
    );
    expect(failed[LAUNCH]).toMatch(/not schema-valid/);
    expect(Object.keys(failed)).toHaveLength(13);
  });

  it("rejects a shell command line", async () => {
    const failed = await failures(
      withPlan((plan) => ({ ...plan, argv: ["sh", "-c", `cd /w && exec ${plan.argv.join(" ")}`] })),
    );
    expect(failed[LAUNCH]).toBe(
      'demo: buildLaunch(subscription): argv[0] is "sh", expected the plugin command "demo-cli"',
    );
  });

  it.each([["&&"], [";"], ["`"], ["$("]])("rejects an argv element containing %s", async (marker) => {
    const failed = await failures(withPlan((plan) => ({ ...plan, argv: [...plan.argv, `--hook=a ${marker} b`] })));
    expect(failed[LAUNCH]).toMatch(
      new RegExp(`argv\\[\\d+\\] contains ${JSON.stringify(marker).replace(/[$(`]/g, "\\$&")}`),
    );
    expect(failed[LAUNCH]).toMatch(/never a shell string/);
  });

  it("requires the MCP server with the worker's identity in the plan", async () => {
    const noMcp = await failures(
      withPlan((plan) => ({
        ...plan,
        argv: plan.argv.filter((arg) => !arg.includes("mcpServers") && arg !== "--mcp-config"),
      })),
    );
    expect(noMcp[LAUNCH]).toMatch(/does not carry the MCP server command ".*team-agent-mcp-conformance"/);
    expect(noMcp[LAUNCH]).toMatch(/the value of MCP env TEAM_AGENT_OWNER_TEAM_ID "conformance-team-q7"/);

    const noTeam = await failures(
      withPlan((plan, _worker, mcp) => ({
        ...plan,
        argv: [plan.argv[0]!, "--mcp", mcp.command, ...mcp.args, `TEAM_AGENT_ID=${mcp.env.TEAM_AGENT_ID}`],
      })),
    );
    expect(noTeam[LAUNCH]).toMatch(
      /does not carry the MCP env name "TEAM_AGENT_OWNER_TEAM_ID", the value of MCP env TEAM_AGENT_OWNER_TEAM_ID "conformance-team-q7"; /,
    );
    expect(noTeam[LAUNCH]).not.toMatch(/MCP server command/);
  });

  it("catches secrets from profile settings in argv, plan env or plan files", async () => {
    const inArgv = await failures(
      withPlan((plan, worker) => ({
        ...plan,
        argv: [...plan.argv, "--key", worker.profileSettings.OPENAI_API_KEY ?? "none"],
      })),
    );
    expect(inArgv[SECRETS]).toMatch(/the value of profile setting OPENAI_API_KEY appears in argv\[\d+\]/);

    const inEnv = await failures(withPlan((plan, worker) => ({ ...plan, env: { ...worker.profileSettings } })));
    expect(inEnv[SECRETS]).toMatch(/appears in env\.API_KEY/);

    const inFile = await failures(
      withPlan((plan, worker) => ({
        ...plan,
        files: [{ path: `${worker.workspace}/cfg.json`, content: JSON.stringify(worker.profileSettings), mode: 0o600 }],
      })),
    );
    expect(inFile[SECRETS]).toMatch(/appears in file .*cfg\.json/);
    // launches without secrets stay green: the check is about the secrets, not the plumbing
    expect(inFile[LAUNCH]).toBeUndefined();
  });

  it("treats the plugin's own secret-looking worker settings as secrets too", async () => {
    const plugin = withPlan((plan, worker) => ({
      ...plan,
      argv: [...plan.argv, ...Object.values(worker.profileSettings)],
    }));
    const failed = await failures(plugin, { worker: { profileSettings: { GATEWAY_TOKEN: "gw-abcdef123456" } } });
    expect(failed[SECRETS]).toMatch(/profile setting (GATEWAY_TOKEN|API_KEY|ANTHROPIC_API_KEY)/);
    const onlyOwn = withPlan((plan, worker) => ({
      ...plan,
      argv: [...plan.argv, worker.profileSettings.GATEWAY_TOKEN ?? ""],
    }));
    expect(
      (await failures(onlyOwn, { worker: { profileSettings: { GATEWAY_TOKEN: "gw-abcdef123456" } } }))[SECRETS],
    ).toMatch(/profile setting GATEWAY_TOKEN appears in argv/);
  });

  it("requires resume_unavailable for an empty session id", async () => {
    const base = demoPlugin();
    const accepts = await failures({ ...base, buildResume: (w, m) => base.buildLaunch(w, m) });
    expect(accepts[RESUME_EMPTY]).toBe(
      'demo: buildResume(worker, mcp, "") returned a plan; expected a TeamRuntimeError with code resume_unavailable',
    );

    const plainError = await failures({
      ...base,
      buildResume: () => {
        throw new Error("nope");
      },
    });
    expect(plainError[RESUME_EMPTY]).toMatch(
      /threw Error: nope; refuse with a TeamRuntimeError \(code \+ action\) instead/,
    );

    const wrongCode = await failures({
      ...base,
      buildResume: () => {
        throw new TeamRuntimeError("session_missing", "no", "start fresh");
      },
    });
    expect(wrongCode[RESUME_EMPTY]).toMatch(/threw code "session_missing"; expected resume_unavailable/);
  });

  it("requires a refusal from a plugin that declares no resume", async () => {
    const failed = await failures({ ...demoPlugin(), capabilities: { resume: false, fork: false, transcripts: true } });
    expect(Object.keys(failed)).toEqual([RESUME_ID]);
    expect(failed[RESUME_ID]).toMatch(/with capabilities.resume false returned a plan/);
  });

  it("accepts a duck-typed refusal from a plugin with its own copy of core-state", async () => {
    const base = demoPlugin();
    const refusal = Object.assign(new Error("no session"), { code: "resume_unavailable", action: "Start fresh." });
    const failed = await failures({
      ...base,
      buildResume: () => {
        throw refusal;
      },
    });
    expect(failed).toEqual({});
  });

  it("catches a reader that throws on type-confused records", async () => {
    const plugin = withReader((records) =>
      records.map((record) => ({
        kind: "error" as const,
        turn_id: String((record.message as { content: unknown[] }).content.length),
      })),
    );
    const failed = await failures(plugin);
    expect(failed[TRANSCRIPTS]).toMatch(
      /^demo: transcripts\.reader\.extractFacts threw on input "type-confused records": /,
    );
  });

  it("catches a reader that proves a turn state from garbage", async () => {
    const failed = await failures(
      withReader((records) => records.map(() => ({ kind: "turn_complete" as const, turn_id: null }))),
    );
    expect(failed[TRANSCRIPTS]).toBe(
      'demo: input "type-confused records" read as idle (turn_complete); text without a lifecycle record must read unknown',
    );
  });

  it("catches a reader that returns malformed facts, and a fault reader that throws", async () => {
    const badFacts = await failures(
      withReader((records) => records.map(() => ({ kind: "finished" }) as unknown as TurnFact)),
    );
    expect(badFacts[TRANSCRIPTS]).toMatch(/returned an invalid fact on input "type-confused records" \(index 0\)/);

    const base = demoPlugin();
    const throwingFaults = await failures({
      ...base,
      transcripts: {
        ...base.transcripts!,
        faults: (text) => {
          if (text.includes("\u0000")) throw new TypeError("NUL");
          return [];
        },
      },
    });
    expect(throwingFaults[TRANSCRIPTS]).toMatch(
      /transcripts\.faults threw on input "binary \(all byte values, lenient UTF-8\)": NUL/,
    );
  });

  it("replays samples and reports a wrong state", async () => {
    const failed = await failures(demoPlugin(), {
      samples: [
        { name: "should be idle", text: DEMO_SAMPLES.idle, expectedState: "idle" },
        { name: "mislabelled", text: DEMO_SAMPLES.open, expectedState: "idle" },
      ],
    });
    expect(failed).toEqual({
      "transcript mislabelled reads as idle":
        "demo: mislabelled read as unknown (reason process_identity_unverified), expected idle",
    });
  });

  it("rejects samples for a plugin without a transcript reader", async () => {
    const plugin = {
      ...demoPlugin(),
      capabilities: { resume: true, fork: false, transcripts: false },
      transcripts: null,
    };
    expect(await failures(plugin)).toEqual({});
    const failed = await failures(plugin, { samples: [{ text: DEMO_SAMPLES.idle, expectedState: "idle" }] });
    expect(failed[TRANSCRIPTS]).toMatch(/samples were given but the plugin has no transcripts reader/);
  });

  it("rejects prompt patterns that fire on an empty screen or keep state", async () => {
    const base = demoPlugin();
    const prompts = (match: RegExp[]) => [{ ...base.prompts[0]!, match }];
    expect((await failures({ ...base, prompts: prompts([/^\s*$/m]) }))[PROMPTS]).toMatch(
      /prompts\[0\] \(demo_trust\)\.match\[0\] \(\/\^\\s\*\$\/m\) matches an empty screen/,
    );
    expect((await failures({ ...base, prompts: prompts([/trust/gi]) }))[PROMPTS]).toMatch(/has the g or y flag/);
  });

  it("rejects screen signatures that match the empty string", async () => {
    const base = demoPlugin();
    const failed = await failures({
      ...base,
      screen: { ...base.screen, signatures: { ...base.screen.signatures, busy: [/working/, /x*/] } },
    });
    expect(failed[SIGNATURES]).toBe(
      'demo: screen.signatures.busy[1] (/x*/) matches an empty screen ""; it would fire on every blank pane',
    );
  });

  it("checks mcpToolName", async () => {
    let calls = 0;
    const counter = await failures({ ...demoPlugin(), mcpToolName: (tool: string) => `${tool}#${calls++}` });
    expect(counter[TOOL_NAME]).toMatch(/mcpToolName\("report_result"\) is not deterministic/);
    const dropped = await failures({ ...demoPlugin(), mcpToolName: () => "team_orchestrator" });
    expect(dropped[TOOL_NAME]).toBe(
      'demo: mcpToolName("report_result") = "team_orchestrator" does not contain the tool name',
    );
  });

  it("asks to narrow authModes when a mode is refused, and passes once narrowed", async () => {
    const base = demoPlugin();
    const plugin: ProviderPlugin = {
      ...base,
      buildLaunch: (worker, mcp) => {
        if (worker.authMode !== "subscription")
          throw new TeamRuntimeError("auth_mode_unsupported", "subscription only", "Use a subscription.");
        return base.buildLaunch(worker, mcp);
      },
    };
    const failed = await failures(plugin);
    expect(Object.keys(failed).sort()).toEqual([
      "buildLaunch (compatible_api): argv array starting with the plugin command, no shell string, MCP server with the worker's identity",
      "buildLaunch (official_api): argv array starting with the plugin command, no shell string, MCP server with the worker's identity",
    ]);
    expect(Object.values(failed)[0]).toMatch(
      /refused: auth_mode_unsupported: subscription only; list only the auth modes the plugin supports in options\.authModes/,
    );
    expect(await failures(plugin, { authModes: ["subscription"] })).toEqual({});
  });

  it("gives the sample worker's compatible-API mode a provider config dir inside the temp root", async () => {
    const seen: (string | null)[] = [];
    const base = demoPlugin();
    const recording: ProviderPlugin = {
      ...base,
      buildLaunch: (worker, mcp) => {
        seen.push(worker.providerConfigDir);
        return base.buildLaunch(worker, mcp);
      },
    };
    await runConformance(recording);
    expect(seen.some((dir) => dir?.includes("ta-conformance-"))).toBe(true);
    expect(seen.filter((dir) => dir === null).length).toBeGreaterThan(0);
  });

  it("builds the same checks list for the same options (one vitest test per check)", () => {
    const names = conformanceChecks(demoPlugin(), { samples: [{ text: "", expectedState: "unknown" }] }).map(
      (c) => c.name,
    );
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("transcript sample 0 reads as unknown");
  });
});

describe("transcript inputs", () => {
  it("cuts a text mid-line at several points", () => {
    const text = '{"a":1}\n{"b":22222}\n';
    const cuts = truncations(text);
    expect(cuts.length).toBeGreaterThanOrEqual(3);
    for (const cut of cuts) {
      expect(text.startsWith(cut)).toBe(true);
      expect(cut.length).toBeLessThan(text.trimEnd().length);
      expect(cut.endsWith("\n")).toBe(false);
    }
  });

  it("includes empty, garbage and binary inputs", () => {
    const names = hostileTranscriptInputs().map((input) => input.name);
    expect(names).toEqual(expect.arrayContaining(["empty", "garbage", "type-confused records"]));
    expect(hostileTranscriptInputs().some((input) => input.text.includes("\u0000"))).toBe(true);
  });
});
