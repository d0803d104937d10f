import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TeamRuntimeError } from "@team-agent/core-state";
import { describe, expect, it } from "vitest";
import { buildLaunch, buildResume, type LaunchDeps } from "../../src/launch/build.js";
import { createClaudeCodePlugin } from "../../src/plugin.js";
import { projectDirNames } from "../../src/transcripts/project-dir.js";
import { checkResumable } from "../../src/transcripts/resumable.js";
import { FIXTURES, mcp, SESSION_A, SESSION_B, tempDir, worker } from "../helpers.js";

const deps: LaunchDeps = {
  newSessionId: () => SESSION_A,
  readText: () => null,
  realpath: (path) => path,
  checkResumable: null,
};

const MCP_JSON = JSON.stringify({
  mcpServers: {
    team_orchestrator: {
      type: "stdio",
      command: "/opt/team-agent/bin/team-agent-mcp",
      args: ["mcp-server", "--workspace", "/work/ws"],
      env: { TEAM_AGENT_ID: "dev-1", TEAM_AGENT_OWNER_TEAM_ID: "alpha", TEAM_AGENT_WORKSPACE: "/work/ws" },
    },
  },
});
const PROMPT = "You are Team Agent worker dev-1.\nFinish with one report_result.";
const SECRET = "sk-ant-api03-never-in-argv-0123456789";

/** Every secret the runtime holds for a worker, handed to the plugin where a careless one might pass it on. */
function withSecrets(spec = worker()) {
  return { ...spec, profileSettings: { ...spec.profileSettings, ANTHROPIC_API_KEY: SECRET, API_KEY: SECRET } };
}

const TEAM_TOOLS_ALLOWED =
  "mcp__team_orchestrator__send_message,mcp__team_orchestrator__report_result," +
  "mcp__team_orchestrator__get_team_status,mcp__team_orchestrator__request_human";

describe("buildLaunch argv", () => {
  it("native (subscription): manual permission mode, MCP flags, session id", () => {
    const plan = buildLaunch(withSecrets(), mcp(), deps);
    expect(plan.argv).toEqual([
      "claude",
      "--permission-mode",
      "manual",
      "--append-system-prompt",
      PROMPT,
      "--mcp-config",
      MCP_JSON,
      "--strict-mcp-config",
      "--allowedTools",
      TEAM_TOOLS_ALLOWED,
      "--session-id",
      SESSION_A,
    ]);
    expect(plan.env).toEqual({});
    expect(plan.files).toEqual([]);
    expect(plan.predeterminedSessionId).toBe(SESSION_A);
    expect(JSON.stringify(plan)).not.toContain(SECRET);
  });

  it("dangerous auto-approve: the bypass flag plus flag settings that skip its exit-by-default warning", () => {
    const plan = buildLaunch(withSecrets(worker({ dangerousAutoApprove: true, model: "opus" })), mcp(), deps);
    expect(plan.argv).toEqual([
      "claude",
      "--dangerously-skip-permissions",
      "--settings",
      '{"skipDangerousModePermissionPrompt":true}',
      "--model",
      "opus",
      "--append-system-prompt",
      PROMPT,
      "--mcp-config",
      MCP_JSON,
      "--strict-mcp-config",
      "--session-id",
      SESSION_A,
    ]);
    expect(plan.argv).not.toContain("--permission-mode");
    expect(JSON.stringify(plan)).not.toContain(SECRET);
  });

  it("never bypasses without the opt-in", () => {
    for (const authMode of ["subscription", "official_api", "compatible_api"] as const) {
      const argv = buildLaunch(worker({ authMode }), mcp(), deps).argv;
      expect(argv).not.toContain("--dangerously-skip-permissions");
      expect(argv.slice(1, 3)).toEqual(["--permission-mode", "manual"]);
    }
  });

  it("restricted tools: denied built-ins as one --disallowedTools value", () => {
    const plan = buildLaunch(worker({ tools: ["fs_read", "mcp_team"] }), mcp(), deps);
    const at = plan.argv.indexOf("--disallowedTools");
    expect(plan.argv.slice(at, at + 2)).toEqual(["--disallowedTools", "Bash,Edit,Write,NotebookEdit,Glob,Grep"]);
    // Each value is one argument, and a flag follows it (both options are variadic in the CLI).
    expect(plan.argv.slice(at + 2)).toEqual(["--allowedTools", TEAM_TOOLS_ALLOWED, "--session-id", SESSION_A]);
  });

  it("pre-approves exactly the team's reporting tools, and only when permissions are asked for", () => {
    const argv = buildLaunch(worker(), mcp(), deps).argv;
    expect(argv[argv.indexOf("--allowedTools") + 1]?.split(",")).toEqual([
      "mcp__team_orchestrator__send_message",
      "mcp__team_orchestrator__report_result",
      "mcp__team_orchestrator__get_team_status",
      "mcp__team_orchestrator__request_human",
    ]);
    expect(buildLaunch(worker({ dangerousAutoApprove: true }), mcp(), deps).argv).not.toContain("--allowedTools");
  });

  it("model: the worker's own, else the profile's MODEL / ANTHROPIC_MODEL, else none", () => {
    const modelArg = (spec: ReturnType<typeof worker>) => {
      const argv = buildLaunch(spec, mcp(), deps).argv;
      const at = argv.indexOf("--model");
      return at < 0 ? null : argv[at + 1];
    };
    expect(modelArg(worker({ model: "sonnet", profileSettings: { MODEL: "glm-5" } }))).toBe("sonnet");
    expect(modelArg(worker({ profileSettings: { MODEL: "glm-5" } }))).toBe("glm-5");
    expect(modelArg(worker({ profileSettings: { ANTHROPIC_MODEL: "kimi-k3" } }))).toBe("kimi-k3");
    expect(modelArg(worker())).toBeNull();
  });

  it("an empty system prompt adds no flag", () => {
    expect(buildLaunch(worker({ systemPrompt: "" }), mcp(), deps).argv).not.toContain("--append-system-prompt");
  });

  it("MCP env carries the worker's agent id and the real team id, whatever the caller passed", () => {
    const plan = buildLaunch(
      worker(),
      mcp({ env: { TEAM_AGENT_ID: "someone-else", TEAM_AGENT_OWNER_TEAM_ID: "", TEAM_AGENT_WORKSPACE: "/work/ws" } }),
      deps,
    );
    const config = JSON.parse(plan.argv[plan.argv.indexOf("--mcp-config") + 1] as string);
    expect(config.mcpServers.team_orchestrator.env).toEqual({
      TEAM_AGENT_ID: "dev-1",
      TEAM_AGENT_OWNER_TEAM_ID: "alpha",
      TEAM_AGENT_WORKSPACE: "/work/ws",
    });
  });

  it("refuses an MCP env variable that looks like a secret (it would land in argv)", () => {
    const bad = mcp({ env: { TEAM_AGENT_ID: "dev-1", ANTHROPIC_API_KEY: SECRET } });
    expect(() => buildLaunch(worker(), bad, deps)).toThrow(
      expect.objectContaining({ code: "secret_in_mcp_env", action: expect.any(String) }),
    );
  });

  it("refuses unsafe team or agent ids", () => {
    expect(() => buildLaunch(worker({ agentId: "../x" }), mcp(), deps)).toThrow(
      expect.objectContaining({ code: "invalid_id" }),
    );
    expect(() => buildLaunch(worker({ teamId: "a b" }), mcp(), deps)).toThrow(
      expect.objectContaining({ code: "invalid_id" }),
    );
  });

  it("refuses a session id generator that does not yield a UUID", () => {
    expect(() => buildLaunch(worker(), mcp(), { ...deps, newSessionId: () => "abc" })).toThrow(
      expect.objectContaining({ code: "invalid_session_id" }),
    );
  });

  it("every flag used is one `claude --help` of 2.1.332 lists", () => {
    const help = readFileSync(join(FIXTURES, "claude-code-2.1.332-help.txt"), "utf8");
    const plans = [
      buildLaunch(worker({ dangerousAutoApprove: true, model: "m", tools: [] }), mcp(), deps),
      buildLaunch(worker({ tools: [] }), mcp(), deps),
      buildResume(worker(), mcp(), SESSION_B, deps),
    ];
    const flags = new Set(plans.flatMap((p) => p.argv.filter((a) => a.startsWith("--"))));
    expect(flags.size).toBeGreaterThanOrEqual(9);
    for (const flag of flags) expect(help, flag).toMatch(new RegExp(`(^|[\\s,])${flag}[\\s,=]`, "m"));
    // `manual` is one of the listed choices (the old `default` is not listed any more).
    expect(help).toMatch(/--permission-mode <mode>[\s\S]*"manual"/);
  });
});

describe("buildLaunch, compatible API with a managed config dir", () => {
  it("exports CLAUDE_CONFIG_DIR and writes trust, onboarding and the MCP server into its files instead of flags", () => {
    const configDir = tempDir();
    const plan = buildLaunch(
      withSecrets(worker({ authMode: "compatible_api", providerConfigDir: configDir, dangerousAutoApprove: true })),
      mcp(),
      deps,
    );
    expect(plan.argv).toEqual([
      "claude",
      "--dangerously-skip-permissions",
      "--append-system-prompt",
      PROMPT,
      "--session-id",
      SESSION_A,
    ]);
    expect(plan.env).toEqual({ CLAUDE_CONFIG_DIR: configDir });
    expect(plan.files.map((f) => [f.path, f.mode])).toEqual([
      [join(configDir, ".claude.json"), 0o600],
      [join(configDir, "settings.json"), 0o600],
    ]);
    const claude = JSON.parse(plan.files[0]!.content);
    expect(claude.hasCompletedOnboarding).toBe(true);
    expect(claude.projects["/work/ws"]).toEqual({
      hasTrustDialogAccepted: true,
      hasCompletedProjectOnboarding: true,
      mcpServers: JSON.parse(MCP_JSON).mcpServers,
    });
    expect(JSON.parse(plan.files[1]!.content)).toEqual({ skipDangerousModePermissionPrompt: true });
    expect(JSON.stringify(plan)).not.toContain(SECRET);
  });

  it("keeps what the CLI already stored and adds the symlink-resolved workspace too", () => {
    const configDir = tempDir();
    const stored = {
      userID: "abc",
      projects: { "/work/ws": { lastCost: 1, mcpServers: { other: { command: "x" } } }, "/elsewhere": { a: 1 } },
    };
    const files: Record<string, string> = {
      [join(configDir, ".claude.json")]: JSON.stringify(stored),
      [join(configDir, "settings.json")]: '{"theme":"dark"}',
    };
    const plan = buildLaunch(worker({ authMode: "compatible_api", providerConfigDir: configDir }), mcp(), {
      ...deps,
      readText: (path) => files[path] ?? null,
      realpath: (path) => (path === "/work/ws" ? "/real/ws" : path),
    });
    const claude = JSON.parse(plan.files[0]!.content);
    expect(claude.userID).toBe("abc");
    expect(claude.projects["/elsewhere"]).toEqual({ a: 1 });
    expect(claude.projects["/work/ws"].lastCost).toBe(1);
    expect(Object.keys(claude.projects["/work/ws"].mcpServers)).toEqual(["other", "team_orchestrator"]);
    expect(claude.projects["/real/ws"].hasTrustDialogAccepted).toBe(true);
    expect(JSON.parse(plan.files[1]!.content)).toEqual({ theme: "dark", skipDangerousModePermissionPrompt: true });
  });

  it("a broken existing file is replaced, not merged", () => {
    const configDir = tempDir();
    const plan = buildLaunch(worker({ authMode: "compatible_api", providerConfigDir: configDir }), mcp(), {
      ...deps,
      readText: () => "{not json",
    });
    expect(Object.keys(JSON.parse(plan.files[0]!.content))).toEqual(["hasCompletedOnboarding", "projects"]);
  });

  it("compatible API without a managed dir keeps the MCP flags", () => {
    const plan = buildLaunch(worker({ authMode: "compatible_api" }), mcp(), deps);
    expect(plan.argv).toContain("--strict-mcp-config");
    expect(plan.files).toEqual([]);
  });
});

describe("buildResume", () => {
  it("same base as a fresh launch, --resume <id> instead of --session-id", () => {
    const plan = buildResume(worker({ model: "opus" }), mcp(), SESSION_B, deps);
    expect(plan.argv).toEqual([
      "claude",
      "--permission-mode",
      "manual",
      "--model",
      "opus",
      "--append-system-prompt",
      PROMPT,
      "--mcp-config",
      MCP_JSON,
      "--strict-mcp-config",
      "--allowedTools",
      TEAM_TOOLS_ALLOWED,
      "--resume",
      SESSION_B,
    ]);
    expect(plan.predeterminedSessionId).toBeNull();
  });

  it.each(["", "   ", "not-a-uuid", "../../etc/passwd"])("refuses session id %j with resume_unavailable", (id) => {
    let error: unknown;
    try {
      buildResume(worker(), mcp(), id, deps);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TeamRuntimeError);
    expect(error).toMatchObject({ code: "resume_unavailable", action: expect.stringContaining("--allow-fresh") });
  });

  it("refuses when the transcript is missing, with a JSON diagnostic of where it looked", () => {
    const home = tempDir();
    const plugin = createClaudeCodePlugin({ home });
    let error: TeamRuntimeError | undefined;
    try {
      plugin.buildResume(worker({ workspace: "/work/my_ws" }), mcp(), SESSION_B);
    } catch (e) {
      error = e as TeamRuntimeError;
    }
    expect(error?.code).toBe("resume_unavailable");
    const diagnostic = JSON.parse(error!.message.slice(error!.message.indexOf("{")));
    expect(diagnostic).toMatchObject({
      expected_session_id: SESSION_B,
      spawn_cwd: "/work/my_ws",
      projects_root: join(home, ".claude", "projects"),
      problem: "no_transcript",
    });
    expect(diagnostic.encoded_dir_names).toEqual(["-work-my-ws", "-work-my_ws"]);
    expect(diagnostic.paths_checked).toHaveLength(2);
    expect(diagnostic.paths_checked.every((p: { exists: boolean }) => !p.exists)).toBe(true);
  });

  it("resumes when the transcript exists in the legacy dir with the same cwd and a prompt", () => {
    const home = tempDir();
    const ws = join(tempDir(), "my_ws");
    mkdirSync(ws);
    const legacy = projectDirNames(ws).at(-1)!;
    const dir = join(home, ".claude", "projects", legacy);
    mkdirSync(dir, { recursive: true });
    const prompt = { type: "user", sessionId: SESSION_B, cwd: ws, message: { role: "user", content: "hi" } };
    writeFileSync(join(dir, `${SESSION_B}.jsonl`), `${JSON.stringify(prompt)}\n`);
    const plan = createClaudeCodePlugin({ home }).buildResume(worker({ workspace: ws }), mcp(), SESSION_B);
    expect(plan.argv.slice(-2)).toEqual(["--resume", SESSION_B]);
  });

  it("refuses a transcript of another cwd or one without a prompt", () => {
    const home = tempDir();
    const ws = tempDir();
    const dir = join(home, ".claude", "projects", projectDirNames(ws)[0]!);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${SESSION_B}.jsonl`);
    writeFileSync(file, `${JSON.stringify({ type: "user", cwd: "/other", message: { content: "hi" } })}\n`);
    expect(checkResumable(SESSION_B, ws, join(home, ".claude", "projects")).diagnostic.problem).toBe("cwd_mismatch");
    writeFileSync(file, `${JSON.stringify({ type: "permission-mode", cwd: ws })}\n`);
    expect(checkResumable(SESSION_B, ws, join(home, ".claude", "projects")).diagnostic.problem).toBe("no_user_prompt");
  });

  it("a managed config dir is where a compatible worker's transcripts are looked for", () => {
    const configDir = tempDir();
    const ws = tempDir();
    const link = join(tempDir(), "link");
    symlinkSync(ws, link);
    const dir = join(configDir, "projects", projectDirNames(ws)[0]!);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${SESSION_B}.jsonl`),
      `${JSON.stringify({ type: "user", cwd: link, message: { content: [{ type: "text", text: "go" }] } })}\n`,
    );
    const spec = worker({ workspace: ws, authMode: "compatible_api", providerConfigDir: configDir });
    const plan = createClaudeCodePlugin({ home: tempDir() }).buildResume(spec, mcp(), SESSION_B);
    expect(plan.argv.slice(-2)).toEqual(["--resume", SESSION_B]);
    expect(plan.files).toHaveLength(2);
  });
});
