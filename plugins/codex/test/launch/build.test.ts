import { TeamAgentError, TeamRuntimeError } from "@team-agent/core-state";
import { describe, expect, it } from "vitest";
import { attributionLine, readAttribution } from "../../src/attribution.js";
import { buildLaunch, buildResume, developerInstructions, MAX_PROMPT_ARG_BYTES } from "../../src/launch/build.js";
import { configKeys, configValue, decodeTomlBasicString, MCP, workerSpec } from "../helpers/fixtures.js";

const SESSION = "01a21352-c97c-7200-bfaa-526163a35439";

function errorOf(fn: () => unknown): TeamAgentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TeamAgentError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

const flagValue = (argv: readonly string[], flag: string) => {
  const i = argv.indexOf(flag);
  return i < 0 ? undefined : argv[i + 1];
};

describe("fresh launch (subscription, default tools)", () => {
  const plan = buildLaunch("codex", workerSpec(), MCP);
  const { argv } = plan;

  it("runs codex with today's TUI flags and the workspace as its root", () => {
    expect(argv[0]).toBe("codex");
    expect(argv).toContain("--no-alt-screen");
    expect(argv).toContain("--no-daemon");
    expect(argv.join(" ")).toContain("--disable shell_snapshot --disable apps");
    expect(flagValue(argv, "--cd")).toBe("/work/space");
    expect(configValue(argv, "check_for_update_on_startup")).toBe("false");
  });

  it("uses the sandbox and on-request approvals, never the bypass flag", () => {
    expect(flagValue(argv, "--sandbox")).toBe("workspace-write");
    expect(flagValue(argv, "--ask-for-approval")).toBe("on-request");
    expect(argv.some((a) => a.startsWith("--dangerously"))).toBe(false);
  });

  it("passes the model, and no model provider for a subscription", () => {
    expect(flagValue(argv, "--model")).toBe("gpt-5.5");
    expect(configKeys(argv).some((k) => k.startsWith("model_provider"))).toBe(false);
  });

  it("gives the worker prompt plus an identity line as developer_instructions", () => {
    const value = decodeTomlBasicString(configValue(argv, "developer_instructions")!);
    expect(value).toBe(`You are dev-1, the implementer.\n\n${attributionLine("alpha", "dev-1")}`);
    expect(readAttribution(value)).toEqual({ teamId: "alpha", agentId: "dev-1" });
  });

  it("defines the team's MCP server with the real team id and a long tool timeout", () => {
    const prefix = "mcp_servers.team_orchestrator";
    expect(decodeTomlBasicString(configValue(argv, `${prefix}.command`)!)).toBe("/usr/bin/node");
    expect(configValue(argv, `${prefix}.args`)).toBe('["/opt/team-agent/mcp-server.js", "--workspace", "/work/space"]');
    expect(decodeTomlBasicString(configValue(argv, `${prefix}.env.TEAM_AGENT_ID`)!)).toBe("dev-1");
    expect(decodeTomlBasicString(configValue(argv, `${prefix}.env.TEAM_AGENT_OWNER_TEAM_ID`)!)).toBe("alpha");
    expect(decodeTomlBasicString(configValue(argv, `${prefix}.env.TEAM_AGENT_WORKSPACE`)!)).toBe("/work/space");
    expect(configValue(argv, `${prefix}.tool_timeout_sec`)).toBe("600.0");
    expect(configValue(argv, `${prefix}.startup_timeout_sec`)).toBe("30.0");
  });

  it("pre-approves exactly the team's reporting tools (0.169 otherwise asks before every report)", () => {
    const approved = argv
      .filter((arg) => /^mcp_servers\.team_orchestrator\.tools\.[a-z_]+\.approval_mode=/.test(arg))
      .map((arg) => arg.split(".")[3]);
    expect(approved).toEqual(["send_message", "report_result", "get_team_status", "request_human"]);
    expect(
      decodeTomlBasicString(configValue(argv, "mcp_servers.team_orchestrator.tools.report_result.approval_mode")!),
    ).toBe("approve");
  });

  it("has no env, files, predetermined session id or after-start keys", () => {
    expect(plan).toMatchObject({ env: {}, files: [], predeterminedSessionId: null, afterStartKeys: [] });
  });
});

describe("permissions", () => {
  it("is read-only when the worker may neither write files nor run commands", () => {
    const argv = buildLaunch("codex", workerSpec({ tools: ["fs_read", "fs_list", "mcp_team"] }), MCP).argv;
    expect(flagValue(argv, "--sandbox")).toBe("read-only");
    expect(flagValue(argv, "--ask-for-approval")).toBe("on-request");
  });

  it("is workspace-write when the worker may only run commands", () => {
    const argv = buildLaunch("codex", workerSpec({ tools: ["execute_bash"] }), MCP).argv;
    expect(flagValue(argv, "--sandbox")).toBe("workspace-write");
  });

  it("opens the network of the workspace-write sandbox only for workers with the network tool", () => {
    const withNet = buildLaunch("codex", workerSpec({ tools: ["fs_write", "network"] }), MCP).argv;
    const without = buildLaunch("codex", workerSpec({ tools: ["fs_write"] }), MCP).argv;
    const readOnly = buildLaunch("codex", workerSpec({ tools: ["fs_read", "network"] }), MCP).argv;
    expect(configValue(withNet, "sandbox_workspace_write.network_access")).toBe("true");
    expect(configValue(without, "sandbox_workspace_write.network_access")).toBeUndefined();
    expect(configValue(readOnly, "sandbox_workspace_write.network_access")).toBeUndefined();
  });

  it("uses the bypass flag only with dangerousAutoApprove, and then no sandbox flags", () => {
    const argv = buildLaunch("codex", workerSpec({ dangerousAutoApprove: true }), MCP).argv;
    expect(argv).toContain("--dangerously-bypass-approvals-and-sandbox");
    expect(argv).not.toContain("--sandbox");
    expect(argv).not.toContain("--ask-for-approval");
  });
});

describe("compatible API profiles", () => {
  const compatible = (settings: Record<string, string>, overrides = {}) =>
    workerSpec({ authMode: "compatible_api", model: null, profileSettings: settings, ...overrides });

  it("defines the provider entry and reads the key from TEAM_AGENT_PROVIDER_API_KEY", () => {
    const argv = buildLaunch(
      "codex",
      compatible({
        MODEL_PROVIDER: "acme",
        BASE_URL: "https://llm.example/v1",
        MODEL: "acme-large",
        PROVIDER_NAME: "Acme",
      }),
      MCP,
    ).argv;
    expect(decodeTomlBasicString(configValue(argv, "model_provider")!)).toBe("acme");
    expect(decodeTomlBasicString(configValue(argv, "model_providers.acme.base_url")!)).toBe("https://llm.example/v1");
    expect(decodeTomlBasicString(configValue(argv, "model_providers.acme.wire_api")!)).toBe("responses");
    expect(decodeTomlBasicString(configValue(argv, "model_providers.acme.name")!)).toBe("Acme");
    expect(decodeTomlBasicString(configValue(argv, "model_providers.acme.env_key")!)).toBe(
      "TEAM_AGENT_PROVIDER_API_KEY",
    );
    expect(flagValue(argv, "--model")).toBe("acme-large");
  });

  it("names a default provider id when the profile gives none, and keeps an explicit wire_api", () => {
    const argv = buildLaunch("codex", compatible({ base_url: "http://127.0.0.1:9/v1", wire_api: "chat" }), MCP).argv;
    expect(decodeTomlBasicString(configValue(argv, "model_provider")!)).toBe("team_agent_compatible");
    expect(decodeTomlBasicString(configValue(argv, "model_providers.team_agent_compatible.wire_api")!)).toBe("chat");
  });

  it("refuses a compatible profile without BASE_URL", () => {
    expect(errorOf(() => buildLaunch("codex", compatible({ MODEL_PROVIDER: "acme" }), MCP)).code).toBe(
      "compatible_api_base_url_missing",
    );
  });

  it("refuses a provider id that is not a bare config key", () => {
    const error = errorOf(() =>
      buildLaunch("codex", compatible({ MODEL_PROVIDER: "a.b", BASE_URL: "https://x/v1" }), MCP),
    );
    expect(error.code).toBe("invalid_codex_config_key");
  });

  it("runs with the managed config dir as CODEX_HOME", () => {
    const plan = buildLaunch(
      "codex",
      compatible({ BASE_URL: "https://x/v1" }, { providerConfigDir: "/w/.team/runtime/provider-config/dev-1/codex" }),
      MCP,
    );
    expect(plan.env).toEqual({ CODEX_HOME: "/w/.team/runtime/provider-config/dev-1/codex" });
  });

  it("passes a Codex profile layer with --profile", () => {
    const argv = buildLaunch("codex", workerSpec({ profileSettings: { CODEX_PROFILE: "team" } }), MCP).argv;
    expect(flagValue(argv, "--profile")).toBe("team");
  });
});

describe("secrets never reach argv", () => {
  const SECRET = "sk-test-0123456789abcdef";

  it.each([["API_KEY"], ["OPENAI_API_KEY"], ["AUTH_TOKEN"], ["apiKey"], ["client_secret"]])(
    "refuses a profile setting named %s",
    (key) => {
      const worker = workerSpec({
        authMode: "compatible_api",
        profileSettings: { BASE_URL: "https://x/v1", [key]: SECRET },
      });
      const error = errorOf(() => buildLaunch("codex", worker, MCP));
      expect(error.code).toBe("secret_in_profile_settings");
      expect(error.message).not.toContain(SECRET);
    },
  );

  it("does not mistake MAX_TOKENS for a credential", () => {
    const argv = buildLaunch("codex", workerSpec({ profileSettings: { MAX_TOKENS: "4096" } }), MCP).argv;
    expect(argv[0]).toBe("codex");
  });

  it.each([
    [`https://user:${SECRET}@llm.example/v1`],
    [`https://llm.example/v1?api_key=${SECRET}`],
    [`https://llm.example/v1?token=${SECRET}`],
  ])("refuses a base URL carrying credentials: %s", (url) => {
    const worker = workerSpec({ authMode: "compatible_api", profileSettings: { BASE_URL: url } });
    const error = errorOf(() => buildLaunch("codex", worker, MCP));
    expect(error.code).toBe("secret_in_base_url");
    expect(error.message).not.toContain(SECRET);
  });

  it("keeps a compatible launch free of the key even when the caller's environment holds it", () => {
    process.env.TEAM_AGENT_PROVIDER_API_KEY = SECRET;
    try {
      const plan = buildLaunch(
        "codex",
        workerSpec({ authMode: "compatible_api", profileSettings: { BASE_URL: "https://llm.example/v1" } }),
        MCP,
      );
      expect(JSON.stringify(plan)).not.toContain(SECRET);
    } finally {
      delete process.env.TEAM_AGENT_PROVIDER_API_KEY;
    }
  });
});

describe("TOML encoding of the prompt and env values", () => {
  const nasty = 'Say "hi" \\ C:\\path\\to\tfile\r\nline two\u0001\u007f end 😀 \u00e9';

  it("escapes quotes, backslashes, newlines and control characters so Codex parses the exact text", () => {
    const argv = buildLaunch("codex", workerSpec({ systemPrompt: nasty }), MCP).argv;
    const raw = configValue(argv, "developer_instructions")!;
    expect(raw).toContain('\\"hi\\"');
    expect(raw).toContain("C:\\\\path\\\\to\\tfile\\r\\nline two\\u0001\\u007F end 😀");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control character may remain.
    expect(raw).not.toMatch(/[\n\r\u0001\u007f]/);
    expect(decodeTomlBasicString(raw)).toBe(developerInstructions(workerSpec({ systemPrompt: nasty })));
  });

  it("escapes env values and args the same way", () => {
    const mcp = { ...MCP, args: ['a "b"', "c\\d", "e\nf"], env: { EXTRA: 'x"y\\z\n' } };
    const argv = buildLaunch("codex", workerSpec(), mcp).argv;
    expect(configValue(argv, "mcp_servers.team_orchestrator.args")).toBe('["a \\"b\\"", "c\\\\d", "e\\nf"]');
    expect(decodeTomlBasicString(configValue(argv, "mcp_servers.team_orchestrator.env.EXTRA")!)).toBe('x"y\\z\n');
  });

  it("replaces a lone surrogate (not representable in TOML) and keeps the rest", () => {
    const argv = buildLaunch("codex", workerSpec({ systemPrompt: "a\ud800b" }), MCP).argv;
    expect(decodeTomlBasicString(configValue(argv, "developer_instructions")!).startsWith("a\uFFFDb")).toBe(true);
  });

  it("refuses a prompt too long for one argument", () => {
    const error = errorOf(() =>
      buildLaunch("codex", workerSpec({ systemPrompt: "x".repeat(MAX_PROMPT_ARG_BYTES) }), MCP),
    );
    expect(error.code).toBe("worker_prompt_too_long");
  });
});

describe("MCP server identity", () => {
  it("takes agent and team ids from the worker, not from the caller's env", () => {
    const spoofed = { ...MCP, env: { TEAM_AGENT_ID: "someone-else", TEAM_AGENT_OWNER_TEAM_ID: "" } };
    const argv = buildLaunch("codex", workerSpec(), spoofed).argv;
    expect(decodeTomlBasicString(configValue(argv, "mcp_servers.team_orchestrator.env.TEAM_AGENT_ID")!)).toBe("dev-1");
    expect(
      decodeTomlBasicString(configValue(argv, "mcp_servers.team_orchestrator.env.TEAM_AGENT_OWNER_TEAM_ID")!),
    ).toBe("alpha");
  });

  it("refuses an env variable name that cannot be a config key", () => {
    expect(errorOf(() => buildLaunch("codex", workerSpec(), { ...MCP, env: { "BAD.NAME": "x" } })).code).toBe(
      "invalid_mcp_env_name",
    );
  });

  it("refuses unsafe team and agent ids", () => {
    expect(errorOf(() => buildLaunch("codex", workerSpec({ agentId: "../x" }), MCP)).code).toBe("invalid_id");
    expect(errorOf(() => buildLaunch("codex", workerSpec({ teamId: "a b" }), MCP)).code).toBe("invalid_id");
  });
});

describe("resume", () => {
  it("runs `codex resume` with the same options and the session id last", () => {
    const fresh = buildLaunch("codex", workerSpec(), MCP).argv;
    const resumed = buildResume("codex", workerSpec(), MCP, SESSION).argv;
    expect(resumed.slice(0, 2)).toEqual(["codex", "resume"]);
    expect(resumed.at(-1)).toBe(SESSION);
    expect(resumed.slice(2, -1)).toEqual(fresh.slice(1));
  });

  it.each([[""], ["not-a-session"], ["--last"], [undefined as unknown as string], [null as unknown as string]])(
    "refuses with resume_unavailable for session id %j",
    (id) => {
      const error = errorOf(() => buildResume("codex", workerSpec(), MCP, id));
      expect(error).toBeInstanceOf(TeamRuntimeError);
      expect(error.code).toBe("resume_unavailable");
      expect(error.action).toMatch(/allow-fresh/);
    },
  );
});
