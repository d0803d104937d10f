import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileTeamDocDir } from "../../src/spec/compile.js";
import { loadTeamSpec } from "../../src/spec/load.js";
import { writeTeamSpecText } from "../../src/spec/write.js";
import { useTempDirs } from "../helpers/temp-dir.js";
import { catchValidation, lineContaining, makeTeamDocWorkspace, snapshotTree } from "./helpers.js";

const temp = useTempDirs();

/** A workspace whose `.team/current` has the given TEAM.md front matter and role docs (name → text). */
function teamDir(teamMeta: string, roles: Record<string, string>, profiles: Record<string, string> = {}) {
  const workspace = temp.make("spec-ws-");
  const dir = join(workspace, ".team", "current");
  mkdirSync(join(dir, "agents"), { recursive: true });
  mkdirSync(join(dir, "profiles"));
  writeFileSync(join(dir, "TEAM.md"), `---\n${teamMeta}---\nBuild things.\n`);
  for (const [name, text] of Object.entries(roles)) writeFileSync(join(dir, "agents", name), text);
  for (const [name, text] of Object.entries(profiles)) writeFileSync(join(dir, "profiles", name), text);
  return { workspace, dir };
}

function role(meta: string, body = "Do the work.\n"): string {
  return `---\n${meta}---\n${body}`;
}

const CODEX_DEV = "name: dev\nrole: Developer\nprovider: codex\ntools: [fs_read, fs_write]\n";

describe("compileTeamDocDir: the fixture", () => {
  it("compiles the sample: implementer with its profile, adaptive display, worker_to_worker, no API_KEY text", () => {
    const { workspace, teamDir: dir } = makeTeamDocWorkspace(temp);
    const spec = compileTeamDocDir(dir);
    const implementer = spec.agents.find((agent) => agent.id === "implementer");
    expect(implementer).toMatchObject({
      role: "Implementation Engineer",
      provider: "codex",
      model: "gpt-5.5",
      auth_mode: "subscription",
      profile: "codex-default",
      credential_ref: "profile:codex-default",
      working_directory: workspace,
      system_prompt: { inline: "Implement bounded tasks and report result_envelope_v1.\n", file: null },
      permission_mode: "restricted",
      preferred_for: ["implementer", "Implementation Engineer"],
      avoid_for: [],
    });
    expect(spec.runtime.display_backend).toBe("adaptive");
    expect(spec.communication.worker_to_worker).toBe(true);
    const text = writeTeamSpecText(spec);
    expect(text).not.toContain("API_KEY");
    expect(JSON.stringify(spec)).not.toContain("API_KEY");
  });

  it("builds the whole spec as documented", () => {
    const { workspace, teamDir: dir } = makeTeamDocWorkspace(temp);
    const spec = compileTeamDocDir(dir);
    expect(spec.team).toEqual({
      name: "csv-export",
      mode: "supervisor_worker",
      objective: "Ship the CSV export feature with tests and a reviewed diff.",
      workspace,
    });
    expect(spec.leader).toEqual({
      id: "leader",
      role: "leader",
      provider: "codex",
      model: null,
      tools: ["fs_read", "fs_list", "mcp_team"],
      context_policy: {
        keep_user_thread: true,
        receive_worker_outputs: "business_messages_and_short_summaries",
        max_worker_result_tokens: 2000,
      },
    });
    // Role docs in file name order; `shell` renamed.
    expect(spec.agents.map((agent) => agent.id)).toEqual(["implementer", "researcher", "reviewer"]);
    expect(spec.agents[2]?.tools).toEqual(["fs_read", "fs_list", "git_diff", "execute_bash", "mcp_team"]);
    expect(spec.routing.default_assignee).toBe("implementer");
    expect(spec.routing.rules[1]).toEqual({
      id: "route-researcher",
      match: { assignee: ["researcher"] },
      assign_to: "researcher",
      priority: 10,
    });
    expect(spec.runtime).toMatchObject({
      backend: "tmux",
      session_name: "team-csv-export",
      auto_launch: true,
      require_user_approval_before_launch: true,
      max_active_agents: 2,
      startup_order: ["implementer", "researcher", "reviewer"],
      dangerous_auto_approve: false,
      fast: false,
      tick_interval_sec: 2,
      push_min_interval_sec: 60,
      stuck_timeout_sec: 300,
    });
    expect(spec.context.state_file).toBe(".team/current/team_state.md");
    expect(spec.tasks).toEqual([
      {
        id: "task_initial",
        title: "Initial task",
        type: "implementation",
        assignee: "implementer",
        deps: [],
        acceptance: ["Worker reports valid result_envelope_v1"],
        status: "pending",
        requires_tools: ["mcp_team"],
        files: [],
        risk: "low",
      },
    ]);
  });

  it("does not flag the long slash path in the researcher's body as a secret", () => {
    const { teamDir: dir } = makeTeamDocWorkspace(temp);
    const researcher = compileTeamDocDir(dir).agents.find((agent) => agent.id === "researcher");
    expect(researcher?.system_prompt.inline).toContain("/usr/local/share/some/very/long/path/name");
  });

  it("writes nothing: the team dir and workspace are unchanged", () => {
    const { workspace, teamDir: dir } = makeTeamDocWorkspace(temp);
    const before = snapshotTree(workspace);
    compileTeamDocDir(dir);
    rmSync(join(dir, "agents", "reviewer.md"));
    writeFileSync(join(dir, "agents", "broken.md"), role("name: broken\n"));
    const withBroken = snapshotTree(workspace);
    catchValidation(() => compileTeamDocDir(dir));
    expect(snapshotTree(workspace)).toEqual(withBroken);
    expect(Object.keys(before).some((path) => path.endsWith("team.spec.yaml") || path.endsWith("team_state.md"))).toBe(
      false,
    );
    expect(
      Object.keys(withBroken).some((path) => path.endsWith("team.spec.yaml") || path.endsWith("team_state.md")),
    ).toBe(false);
  });

  it("produces a spec that the loader accepts after the caller writes it", () => {
    const { teamDir: dir } = makeTeamDocWorkspace(temp);
    const spec = compileTeamDocDir(dir);
    const path = join(dir, "team.spec.yaml");
    writeFileSync(path, writeTeamSpecText(spec));
    expect(loadTeamSpec(path)).toEqual(spec);
  });
});

describe("compileTeamDocDir: TEAM.md defaults", () => {
  it("carries runtime keys into the runtime block", () => {
    const { dir } = teamDir(
      "name: Night Shift\ndangerous_auto_approve: true\nfast: true\ndisplay_backend: ghostty_window\ntick_interval_sec: 1\npush_min_interval_sec: 3\nstuck_timeout_sec: 5\nworker_to_worker: false\n",
      { "dev.md": role(CODEX_DEV) },
    );
    const spec = compileTeamDocDir(dir);
    expect(spec.runtime).toMatchObject({
      dangerous_auto_approve: true,
      fast: true,
      display_backend: "ghostty_window",
      tick_interval_sec: 1,
      push_min_interval_sec: 3,
      stuck_timeout_sec: 5,
      session_name: "team-Night-Shift",
      max_active_agents: 1,
    });
    expect(spec.communication.worker_to_worker).toBe(false);
    expect(spec.team.name).toBe("Night Shift");
  });

  it("uses the body as objective and the team dir's parent name as team name when TEAM.md has neither", () => {
    const { dir } = teamDir("", { "dev.md": role(CODEX_DEV) });
    const spec = compileTeamDocDir(dir);
    expect(spec.team.objective).toBe("Build things.");
    expect(spec.team.name).toBe(".team");
    expect(spec.runtime.session_name).toBe("team-team");
  });

  it("fills a role without a model from default_model and a role without a profile from default_profile", () => {
    const { dir } = teamDir(
      "default_model: model-from-team\ndefault_profile: shared\n",
      { "dev.md": role(CODEX_DEV) },
      { "shared.example.env": "AUTH_MODE=subscription\n" },
    );
    const [dev] = compileTeamDocDir(dir).agents;
    expect(dev).toMatchObject({ model: "model-from-team", profile: "shared", credential_ref: "profile:shared" });
  });

  it("gives a claude_code role the provider_models entry for claude (cross fallback)", () => {
    const claudeRole = role("name: writer\nrole: Writer\nprovider: claude_code\ntools: [fs_read]\n");
    const withClaude = teamDir("default_model: other-model\nprovider_models:\n  claude: claude-sonnet-4-6\n", {
      "w.md": claudeRole,
    });
    expect(compileTeamDocDir(withClaude.dir).agents[0]?.model).toBe("claude-sonnet-4-6");
    const custom = teamDir("default_model: other-model\nprovider_models:\n  claude: claude-opus-custom\n", {
      "w.md": claudeRole,
    });
    expect(compileTeamDocDir(custom.dir).agents[0]?.model).toBe("claude-opus-custom");
    const none = teamDir("default_model: other-model\n", { "w.md": claudeRole });
    expect(compileTeamDocDir(none.dir).agents[0]?.model).toBe("other-model");
  });

  it("gives a subscription codex role without model or TEAM defaults the built-in gpt-5.5, and no profile", () => {
    const { dir } = teamDir("", { "dev.md": role(CODEX_DEV) });
    const [dev] = compileTeamDocDir(dir).agents;
    expect(dev?.model).toBe("gpt-5.5");
    expect(dev?.auth_mode).toBe("subscription");
    expect(dev).not.toHaveProperty("profile");
    expect(dev).not.toHaveProperty("credential_ref");
  });

  it("leaves the model empty for a compatible_api role whose profile names one, and uses TEAM.md model for the leader", () => {
    const { dir } = teamDir(
      "model: leader-model\nprovider: claude\n",
      { "dev.md": role(`${CODEX_DEV}auth_mode: compatible_api\nprofile: proxy\n`) },
      { "proxy.env": "AUTH_MODE=compatible_api\nBASE_URL=https://proxy.example\nAPI_KEY=abc\nMODEL=proxy-model\n" },
    );
    const spec = compileTeamDocDir(dir);
    expect(spec.agents[0]?.model).toBeNull();
    expect(spec.leader).toMatchObject({ provider: "claude", model: "leader-model" });
  });

  it("reports bad TEAM.md values with the file and line", () => {
    const { dir } = teamDir("provider: openai\nfast: sometimes\n", { "dev.md": role(CODEX_DEV) });
    const error = catchValidation(() => compileTeamDocDir(dir));
    const teamMd = join(dir, "TEAM.md");
    expect(error.message).toContain(`${teamMd}:2: provider: unknown provider 'openai'`);
    expect(error.message).toContain(`${teamMd}:3: fast: must be a boolean`);
  });
});

describe("compileTeamDocDir: problems", () => {
  it("reports a missing TEAM.md, agents dir, or role docs", () => {
    const { dir } = teamDir("", { "dev.md": role(CODEX_DEV) });
    rmSync(join(dir, "agents", "dev.md"));
    writeFileSync(join(dir, "agents", "notes.txt"), "not a role doc");
    expect(catchValidation(() => compileTeamDocDir(dir)).message).toBe(`${dir}: no role docs found`);
    rmSync(join(dir, "agents"), { recursive: true });
    expect(catchValidation(() => compileTeamDocDir(dir)).message).toBe(`${dir}: missing agents directory`);
    rmSync(join(dir, "TEAM.md"));
    expect(catchValidation(() => compileTeamDocDir(dir)).message).toBe(`${dir}: missing TEAM.md`);
  });

  it("reports a missing provider, with the doc path", () => {
    const { dir } = teamDir("", { "dev.md": role("name: dev\nrole: Developer\ntools: [fs_read]\n") });
    const error = catchValidation(() => compileTeamDocDir(dir));
    expect(error.message).toMatch(
      new RegExp(`^${join(dir, "agents", "dev.md")}(:\\d+)?: missing front matter field provider$`),
    );
    expect(error.code).toBe("team_doc_invalid");
  });

  it("collects the problems of every role doc, each prefixed by its path", () => {
    const { dir } = teamDir("", {
      "a.md": role("name: a\nrole: A\nprovider: codex\ntools: [fs_read]\nauth_mode: compatible_api\n"),
      "b.md": role("name: b\nrole: B\nprovider: gpt\ntools: fs_read\nauth_mode: magic\n"),
      "c.md": role("role: C\nprovider: codex\ntools: [fs_read, teleport]\nprofile: nowhere\n"),
    });
    const lines = catchValidation(() => compileTeamDocDir(dir)).message.split("\n");
    const a = join(dir, "agents", "a.md");
    const b = join(dir, "agents", "b.md");
    const c = join(dir, "agents", "c.md");
    expect(lines).toEqual([
      `${a}:6: profile is required when auth_mode is 'compatible_api'`,
      expect.stringMatching(new RegExp(`^${b}:4: unknown provider 'gpt'`)),
      `${b}:5: tools must be a list`,
      expect.stringMatching(new RegExp(`^${b}:6: unknown auth_mode 'magic'`)),
      `${c}:2: missing front matter field name`,
      `${c}:4: unknown tool 'teleport'`,
      expect.stringMatching(new RegExp(`^${c}:5: unknown profile 'nowhere'`)),
    ]);
  });

  it("flags an inline API key in the body and never echoes it", () => {
    const body = "Use this.\nAPI_KEY=sk-live-0123456789abcdef\n";
    const { dir } = teamDir("", { "dev.md": role(CODEX_DEV, body) });
    const error = catchValidation(() => compileTeamDocDir(dir));
    const path = join(dir, "agents", "dev.md");
    expect(error.message).toBe(
      `${path}:${lineContaining(readFileSync(path, "utf8"), "API_KEY")}: probable inline secret detected; use profile/credential_ref instead`,
    );
    expect(JSON.stringify({ message: error.message, action: error.action, problems: error.problems })).not.toContain(
      "sk-live",
    );
  });

  it("rejects a compatible_api model that differs from the profile MODEL without showing the profile value", () => {
    const { dir } = teamDir(
      "",
      { "dev.md": role(`${CODEX_DEV}model: role-model\nauth_mode: compatible_api\nprofile: proxy\n`) },
      { "proxy.env": "MODEL=profile-secret-model\nAPI_KEY=abc\n" },
    );
    const error = catchValidation(() => compileTeamDocDir(dir));
    expect(error.message).toContain("model 'role-model' does not match profile MODEL");
    expect(error.message).not.toContain("profile-secret-model");
  });

  it("requires a model when a profile is set and nothing resolves one", () => {
    const { dir } = teamDir(
      "",
      {
        "g.md": role(
          "name: g\nrole: G\nprovider: gemini_cli\ntools: [fs_read]\nauth_mode: official_api\nprofile: gem\n",
        ),
      },
      { "gem.env": "API_KEY=abc\n" },
    );
    expect(catchValidation(() => compileTeamDocDir(dir)).message).toContain("model is required with a profile");
  });

  it.each([["../../etc"], ["has space"], ["-dash"]])("rejects the unsafe agent name %j with file and line", (name) => {
    const { dir } = teamDir("", {
      "dev.md": role(`name: ${JSON.stringify(name)}\nrole: R\nprovider: codex\ntools: [fs_read]\n`),
    });
    const error = catchValidation(() => compileTeamDocDir(dir));
    expect(error.message).toBe(
      `${join(dir, "agents", "dev.md")}:2: invalid agent id ${JSON.stringify(name)}: use 1-64 characters from A-Z a-z 0-9 _ -, starting with a letter or digit`,
    );
    expect(error.problems[0]).toMatchObject({ pointer: "/name", line: 2 });
  });

  it("rejects a profile name with path traversal without touching the path", () => {
    const { dir } = teamDir("", { "dev.md": role(`${CODEX_DEV}profile: ../../outside\n`) });
    expect(catchValidation(() => compileTeamDocDir(dir)).message).toContain('invalid profile id "../../outside"');
  });

  it("rejects duplicate agent names across role docs, naming both files", () => {
    const { dir } = teamDir("", { "a.md": role(CODEX_DEV), "b.md": role(CODEX_DEV) });
    const error = catchValidation(() => compileTeamDocDir(dir));
    expect(error.message).toBe(
      `${join(dir, "agents", "b.md")}: duplicate agent name 'dev' (also in ${join(dir, "agents", "a.md")})`,
    );
  });

  it("reports front matter problems of role docs", () => {
    const { dir } = teamDir("", {
      "a.md": "---\nname: a\nno end\n",
      "b.md": "---\n- a list\n---\nbody\n",
      "c.md": "no front matter at all\n",
    });
    const lines = catchValidation(() => compileTeamDocDir(dir)).message.split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        `${join(dir, "agents", "a.md")}: unterminated front matter`,
        `${join(dir, "agents", "b.md")}: front matter must be a YAML object`,
        `${join(dir, "agents", "c.md")}: missing front matter field name`,
      ]),
    );
  });
});
