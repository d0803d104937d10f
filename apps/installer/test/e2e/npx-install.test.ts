/**
 * The whole user path, from tarballs: `npm pack` every workspace package, `npm install` them into a prefix the way
 * npx would, then in a temporary HOME run the installed `team-agent-installer`: install, use `team-agent` through
 * the shim, install again (nothing changes), add a throwaway provider plugin, move to a new tree, and uninstall —
 * after which HOME must be exactly as it was. Slow (the npm install builds better-sqlite3): everything runs in one
 * temp folder that is removed at the end.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pluginModuleSource } from "../../../../packages/provider-registry/test/helpers/plugin-packages.js";
import { findOnPath } from "../../src/checks.js";
import { runProcess } from "../../src/process.js";
import { makeTempDir, removeDir, snapshotTree, writeFiles } from "../helpers/files.js";
import { run, userEnv } from "../helpers/installer.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const INSTALLER_DIR = join(REPO, "apps", "installer");
const MINUTES = 60_000;

/** The workspace package folders (packages/*, plugins/*, apps/*). */
function workspaceDirs(): string[] {
  return ["packages", "plugins", "apps"].flatMap((group) =>
    readdirSync(join(REPO, group))
      .map((name) => join(REPO, group, name))
      .filter((dir) => existsSync(join(dir, "package.json"))),
  );
}

/** Newest modification time of the files under `dir`. */
function newestChange(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, encoding: "utf8" }).map((file) => statSync(join(dir, file)).mtimeMs),
  );
}

/** Builds the workspace when a package has no dist/ or the installer's build is older than its source. */
async function ensureBuilt(env: NodeJS.ProcessEnv): Promise<void> {
  const installerBuild = join(INSTALLER_DIR, "dist", "main.js");
  const stale =
    workspaceDirs().some((dir) => !existsSync(join(dir, "dist"))) ||
    !existsSync(installerBuild) ||
    statSync(installerBuild).mtimeMs < newestChange(join(INSTALLER_DIR, "src"));
  if (!stale) return;
  const turbo = join(REPO, "node_modules", ".bin", "turbo");
  const build = await runProcess(turbo, ["run", "build", "--filter=@team-agent/installer..."], {
    env,
    cwd: REPO,
    timeoutMs: 10 * MINUTES,
  });
  if (build.code !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
}

/** This process's environment without npm's per-run variables (the test may itself run under `npm test`). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("npm_")));
}

/** A folder holding only the programs a user's PATH needs here, so no agent CLI of this machine leaks in. */
function toolsDir(root: string): string {
  const dir = join(root, "tools");
  mkdirSync(dir);
  for (const program of ["node", "npm", "tmux"]) {
    const found = findOnPath(program, process.env["PATH"]);
    if (found !== null) symlinkSync(realpathSync(found), join(dir, program));
  }
  if (!existsSync(join(dir, "node"))) symlinkSync(process.execPath, join(dir, "node"));
  return dir;
}

/** A tiny third-party provider plugin, packed as a tarball. */
async function throwawayPlugin(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = join(root, "throwaway-plugin");
  writeFiles(dir, {
    "package.json": JSON.stringify({
      name: "team-agent-provider-throwaway",
      version: "1.0.0",
      type: "module",
      exports: "./index.js",
      teamAgent: { provider: "throwaway" },
    }),
    "index.js": pluginModuleSource("throwaway"),
  });
  const packed = await runProcess("npm", ["pack", "--pack-destination", root], { env, cwd: dir });
  if (packed.code !== 0) throw new Error(`npm pack of the plugin failed:\n${packed.stderr}`);
  return join(root, "team-agent-provider-throwaway-1.0.0.tgz");
}

let tmp: string;
let home: string;
let npxPrefix: string;
let env: NodeJS.ProcessEnv;
let pluginTarball: string;
let homeBefore: Record<string, string>;
const installerBin = () => ({ command: join(npxPrefix, "node_modules", ".bin", "team-agent-installer"), args: [] });
const installer = (args: string[]) => run(installerBin(), args, { env, cwd: tmp, timeoutMs: 5 * MINUTES });
const teamAgent = (args: string[], input?: string) =>
  run({ command: "team-agent", args: [] }, args, { env, cwd: tmp, timeoutMs: 2 * MINUTES, input: input ?? "" });

beforeAll(async () => {
  const hostEnv = cleanEnv();
  await ensureBuilt(hostEnv);
  tmp = makeTempDir("ta-installer-e2e-");
  const tarballs = join(tmp, "tarballs");
  mkdirSync(tarballs);
  const packed = await runProcess("npm", ["pack", "--pack-destination", tarballs, ...workspaceDirs()], {
    env: hostEnv,
    cwd: REPO,
    timeoutMs: 5 * MINUTES,
  });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  npxPrefix = join(tmp, "npx");
  // What npx does for `npx @team-agent/installer`: the only step that may reach the registry (third-party deps).
  const installed = await runProcess(
    "npm",
    [
      "install",
      "--prefix",
      npxPrefix,
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      ...readdirSync(tarballs).map((file) => join(tarballs, file)),
    ],
    { env: hostEnv, cwd: tmp, timeoutMs: 15 * MINUTES },
  );
  if (installed.code !== 0) throw new Error(`npm install of the tarballs failed:\n${installed.stderr}`);

  home = join(tmp, "home");
  // A HOME with history: shell files, an older skill of the user's own, a user config.
  writeFiles(home, {
    ".bashrc": "export EDITOR=vi\n",
    ".codex/skills/team-agent/SKILL.md": "my own notes, not the shipped skill\n",
    ".codex/config.toml": 'model = "gpt-5.5"\n',
    ".config/team-agent/config.json": '{\n  "provider_paths": []\n}\n',
  });
  // npm's cache lives outside HOME, as a user's existing cache would: HOME holds only what the installer writes.
  env = userEnv(home, `${join(home, ".local", "bin")}:${toolsDir(tmp)}`, {
    npm_config_cache: join(tmp, "npm-cache"),
    npm_config_update_notifier: "false",
  });
  pluginTarball = await throwawayPlugin(tmp, env);
  homeBefore = snapshotTree(home);
}, 20 * MINUTES);

afterAll(() => {
  if (tmp) removeDir(tmp);
});

describe("npx @team-agent/installer, from packed tarballs, in a fresh HOME", () => {
  it("shows the plan with --dry-run and writes nothing", async () => {
    const result = await installer(["install", "--dry-run", "--json"]);
    expect(result.code).toBe(0);
    expect(result.envelope()).toMatchObject({ ok: true, dry_run: true });
    expect(snapshotTree(home)).toEqual(homeBefore);
  });

  it("installs the runtime, the team-agent command and the skill", async () => {
    const result = await installer(["install", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const envelope = result.envelope();
    expect(envelope).toMatchObject({ ok: true, changed: true, version: "0.1.0" });
    expect(envelope["path_advice"]).toBeNull();

    const version = await teamAgent(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe("0.1.0");

    const shipped = readFileSync(join(REPO, "packages/cli/skill/team-agent/SKILL.md"), "utf8");
    expect(readFileSync(join(home, ".claude/skills/team-agent/SKILL.md"), "utf8")).toBe(shipped);
    expect(readFileSync(join(home, ".codex/skills/team-agent/SKILL.md"), "utf8")).toBe(shipped);
    const backups = readdirSync(join(home, ".codex/skills/team-agent")).filter((name) => name.includes(".backup-"));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(home, ".codex/skills/team-agent", backups[0] as string), "utf8")).toBe(
      "my own notes, not the shipped skill\n",
    );
  });

  it("runs team-agent doctor --json through the shim", async () => {
    const doctor = await teamAgent(["doctor", "--json"]);
    expect([0, 1]).toContain(doctor.code);
    const checks = doctor.envelope()["checks"] as { name: string }[];
    expect(checks.map((each) => each.name)).toContain("node");
  });

  it("changes nothing on a second install, and says so", async () => {
    const installedHome = snapshotTree(home);
    const result = await installer(["install", "--json"]);
    expect(result.code).toBe(0);
    expect(result.envelope()).toMatchObject({ ok: true, changed: false, steps: [] });
    expect(result.envelope().summary).toContain("already installed, nothing changed");
    expect(snapshotTree(home)).toEqual(installedHome);
  });

  it("reports the installation in status and doctor", async () => {
    const status = await installer(["status", "--json"]);
    expect(status.envelope()).toMatchObject({ installed: true, version: "0.1.0", providers: [] });
    const doctor = await installer(["doctor", "--json"]);
    expect([0, 1]).toContain(doctor.code);
    const checks = doctor.envelope()["checks"] as { name: string; level: string }[];
    for (const name of ["runtime", "command", "skill", "PATH"]) {
      expect(checks.find((each) => each.name === name)?.level, name).toBe("ok");
    }
  });

  it("adds a throwaway provider plugin that the CLI's registry then finds", async () => {
    const result = await installer(["add-provider", pluginTarball, "--json"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.envelope()).toMatchObject({
      ok: true,
      provider: "throwaway",
      package: "team-agent-provider-throwaway",
    });
    const config = JSON.parse(readFileSync(join(home, ".config/team-agent/config.json"), "utf8"));
    expect(config.provider_paths).toEqual([result.envelope()["path"]]);

    const classified = await teamAgent(
      ["screen", "classify", "--provider", "throwaway", "--json", "-"],
      "throwaway> \n",
    );
    expect(classified.code, classified.stderr).toBe(0);
    expect(classified.envelope()).toMatchObject({ ok: true, signatures_from: ["throwaway"] });
    const status = await installer(["status", "--json"]);
    expect(status.envelope()["providers"]).toMatchObject([{ provider: "throwaway" }]);
  });

  it("moves to a new tree in a new runtime folder, keeping one earlier version for rollback", async () => {
    const runtimeRoot = join(home, ".local/share/team-agent/runtime");
    const active = () => readManifestJson()["runtime"] as { active: string; previous: string | null };
    const first = active().active;
    const marker = join(npxPrefix, "node_modules", "e2e-tree-marker");
    for (const version of ["1.0.0", "1.0.1"]) {
      writeFiles(marker, { "package.json": JSON.stringify({ name: "e2e-tree-marker", version }) });
      const result = await installer(["install", "--json"]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.envelope()).toMatchObject({ changed: true });
    }
    const { active: last, previous } = active();
    expect(new Set([first, previous, last]).size).toBe(3);
    expect(readdirSync(runtimeRoot).sort()).toEqual([last, previous, "current"].sort());
    expect((await teamAgent(["--version"])).stdout.trim()).toBe("0.1.0");
  });

  it("uninstalls back to exactly the HOME it started from", async () => {
    const dryRun = await installer(["uninstall", "--dry-run", "--json"]);
    expect(dryRun.envelope()).toMatchObject({ ok: true, dry_run: true });
    expect(existsSync(join(home, ".local/bin/team-agent"))).toBe(true);

    const result = await installer(["uninstall", "--json"]);
    expect(result.code).toBe(0);
    const steps = result.envelope()["steps"] as { result: string }[];
    expect(steps.filter((step) => step.result === "kept")).toEqual([]);
    expect(snapshotTree(home)).toEqual(homeBefore);
  });
});

function readManifestJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(home, ".local/share/team-agent/install-manifest.json"), "utf8"));
}
