/**
 * One isolated world per test: a temp HOME holding only throwaway credentials and the local model endpoint
 * (Codex: a `model_providers` entry with `base_url`; Claude Code: `ANTHROPIC_BASE_URL` + a dummy token, and
 * onboarding marked done because offline it would fail its connectivity check), a git workspace, a `team-agent`
 * command on PATH (the built CLI), and the environment every process of the test starts with. Nothing of the
 * user's own HOME, PATH or tmux leaks in.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ScriptedModel } from "@team-agent/scripted-model";
import type { RealClis } from "./real-clis.js";

export interface Sandbox {
  root: string;
  home: string;
  /** The team's workspace: a git repository no CLI has been told to trust yet. */
  workspace: string;
  /** Where the person's lead CLI runs: a folder they trusted before (so the lead starts at its prompt). */
  leadFolder: string;
  /** Holds the `team-agent` shim. */
  shimDir: string;
  /** The environment for every process the test starts (tmux servers, CLIs, `team-agent`). */
  env: Record<string, string>;
  /** The private tmux socket name the team's server uses (`TEAM_AGENT_TMUX_SOCKET`). */
  teamSocket: string;
  /** Where the team's daemon writes its tick count (`TEAM_AGENT_DAEMON_STATS`). */
  daemonStats: string;
}

/** The built CLI's entry: turbo builds it before this package's tests (it is a dependency). */
export const TEAM_AGENT_BIN = join(
  dirname(createRequire(import.meta.url).resolve("@team-agent/cli/package.json")),
  "dist",
  "bin.js",
);

const THROWAWAY_TOKEN = "sk-throwaway-test-token-not-a-secret";

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function codexConfig(model: ScriptedModel): string {
  return [
    'model = "scripted-test-model"',
    'model_provider = "scripted"',
    "check_for_update_on_startup = false",
    "",
    "[model_providers.scripted]",
    'name = "Scripted test model"',
    `base_url = "${model.url}/v1"`,
    'wire_api = "responses"',
    "",
  ].join("\n");
}

export function createSandbox(clis: RealClis, model: ScriptedModel, label: string): Sandbox {
  const root = realpathSync(mkdtempSync(join(tmpdir(), `ta-real-${label}-`)));
  const home = join(root, "home");
  const workspace = join(root, "workspace");
  const leadFolder = join(root, "lead");
  const shimDir = join(root, "bin");
  mkdirSync(join(home, ".codex"), { recursive: true });
  mkdirSync(leadFolder, { recursive: true });
  writeFileSync(join(home, ".codex", "config.toml"), codexConfig(model));
  writeJson(join(home, ".claude.json"), {
    hasCompletedOnboarding: true,
    numStartups: 1,
    projects: { [leadFolder]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
  });
  // A rule the person set once: their lead may run `team-agent` without asking each time.
  writeJson(join(home, ".claude", "settings.json"), { permissions: { allow: ["Bash(team-agent:*)"] } });
  mkdirSync(workspace, { recursive: true });
  // A git repository, like a real project: Codex asks about trusting the folder only in one.
  execFileSync("git", ["init", "-q", workspace]);
  writeFileSync(join(workspace, "README.md"), "# A project worked on by a real-CLI test team\n");
  mkdirSync(shimDir, { recursive: true });
  const shim = join(shimDir, "team-agent");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${TEAM_AGENT_BIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  const teamSocket = `ta-real-team-${randomBytes(4).toString("hex")}`;
  const daemonStats = join(root, "daemon-stats.json");
  const env: Record<string, string> = {
    PATH: [shimDir, clis.binDir, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
    HOME: home,
    USER: process.env.USER ?? "tester",
    SHELL: "/bin/bash",
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    TMPDIR: tmpdir(),
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_CACHE_HOME: join(home, ".cache"),
    CODEX_HOME: join(home, ".codex"),
    ANTHROPIC_BASE_URL: model.url,
    // A token, not ANTHROPIC_API_KEY: a key in the environment raises a "use this key?" dialog whose default is No.
    ANTHROPIC_AUTH_TOKEN: THROWAWAY_TOKEN,
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: "1",
    DISABLE_AUTOUPDATER: "1",
    TEAM_AGENT_TMUX_SOCKET: teamSocket,
    TEAM_AGENT_DAEMON_STATS: daemonStats,
    NO_COLOR: "1",
  };
  return { root, home, workspace, leadFolder, shimDir, env, teamSocket, daemonStats };
}

/** Writes a folder of role docs (TEAM.md + one `<name>.md` per worker) for `team-agent quick-start`. */
export function writeRoleDocs(
  workspace: string,
  folder: string,
  teamName: string,
  roles: readonly { name: string; provider: string; prompt: string; model?: string }[],
): string {
  const dir = join(workspace, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "TEAM.md"), `---\nname: ${teamName}\n---\nA team for a real-CLI end-to-end test.\n`);
  for (const role of roles) {
    writeFileSync(
      join(dir, `${role.name}.md`),
      [
        "---",
        `name: ${role.name}`,
        `role: ${role.name}`,
        `provider: ${role.provider}`,
        ...(role.model ? [`model: ${role.model}`] : []),
        "tools: [fs_read, fs_list, mcp_team]",
        "---",
        role.prompt,
        "",
      ].join("\n"),
    );
  }
  return dir;
}
