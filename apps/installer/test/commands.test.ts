/**
 * The installer's command line, run from source as a child process against a temporary HOME: usage and exit codes,
 * one envelope with --json, and the commands that must work (and write nothing) before anything is installed.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { USAGE } from "../src/args.js";
import { makeTempDir, removeDir, snapshotTree } from "./helpers/files.js";
import { run, SOURCE_INSTALLER, userEnv } from "./helpers/installer.js";

let home: string;
let work: string;
beforeEach(() => {
  home = makeTempDir("ta-installer-home-");
  work = makeTempDir("ta-installer-cwd-");
});
afterEach(() => {
  removeDir(home);
  removeDir(work);
});

const installer = (args: string[]) =>
  run(SOURCE_INSTALLER, args, { env: userEnv(home, `${join(home, ".local/bin")}:/usr/bin:/bin`), cwd: work });

describe("usage", () => {
  it("prints the usage for help, -h and --help and exits 0", async () => {
    for (const args of [["help"], ["-h"], ["install", "--help"]]) {
      const result = await installer(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${USAGE}\n`);
    }
  });

  it("answers an unknown command or option with one line and the usage, exit 2", async () => {
    const command = await installer(["reinstall"]);
    expect(command.code).toBe(2);
    expect(command.stdout).toBe("");
    expect(command.stderr).toBe(`team-agent-installer: unknown command: reinstall\n${USAGE}\n`);
    const option = await installer(["install", "--prefix=/x"]);
    expect(option.code).toBe(2);
    expect(option.stderr.split("\n")[0]).toBe("team-agent-installer: unknown option: --prefix");
  });

  it("also prints a usage_error envelope with --json", async () => {
    const result = await installer(["--json", "add-provider"]);
    expect(result.code).toBe(2);
    expect(result.envelope()).toMatchObject({ ok: false, error: { code: "usage_error" } });
  });
});

describe("before anything is installed", () => {
  it("status says so, uninstall has nothing to do, and neither writes anything", async () => {
    const status = await installer(["status", "--json"]);
    expect(status.code).toBe(0);
    expect(status.envelope()).toMatchObject({ ok: true, installed: false });
    const uninstall = await installer(["uninstall", "--json"]);
    expect(uninstall.code).toBe(0);
    expect(uninstall.envelope().summary).toMatch(/^nothing to uninstall/);
    expect(snapshotTree(home)).toEqual({});
  });

  it("add-provider asks for an install first", async () => {
    const result = await installer(["add-provider", "./plugin.tgz", "--json"]);
    expect(result.code).toBe(1);
    expect(result.envelope()).toMatchObject({ ok: false, error: { code: "not_installed" } });
  });

  it("doctor fails the install check, exit 1, with the machine checks in its envelope", async () => {
    const result = await installer(["doctor", "--json"]);
    expect(result.code).toBe(1);
    const envelope = result.envelope();
    const checks = envelope["checks"] as { name: string; level: string }[];
    expect(checks.map((each) => each.name)).toEqual(["node", "tmux", "agent CLIs", "npm prefix", "install"]);
    expect(checks.at(-1)?.level).toBe("fail");
  });

  it("install --dry-run lists every step, in the folders the options name, and writes nothing", async () => {
    const result = await installer(["install", "--dry-run", "--json", "--bin-dir", "~/tools", "--data-dir=~/ta"]);
    expect(result.code).toBe(0);
    const envelope = result.envelope();
    expect(envelope).toMatchObject({ ok: true, dry_run: true, changed: false, shim: join(home, "tools/team-agent") });
    const steps = envelope["steps"] as { action: string; path: string }[];
    expect(steps.map((step) => step.action)).toEqual([
      "copy",
      "link",
      "create",
      "create",
      "create",
      "create",
      "create",
    ]);
    expect(steps[0]?.path).toMatch(new RegExp(`^${join(home, "ta/runtime")}/\\d+\\.\\d+\\.\\d+-[0-9a-f]{10}$`));
    expect(steps.map((step) => step.path)).toContain(join(home, ".claude/skills/team-agent/SKILL.md"));
    expect(steps.map((step) => step.path)).toContain(join(home, ".codex/skills/team-agent/SKILL.md"));
    expect(envelope["path_advice"]).toEqual({ file: "~/.bashrc", line: 'export PATH="$HOME/tools:$PATH"' });
    expect(snapshotTree(home)).toEqual({});
  });
});
