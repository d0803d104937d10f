import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  agentCliCheck,
  detectWslPrefixProblem,
  type FileProbe,
  findOnPath,
  nodeCheck,
  parseOsRelease,
  tmuxCheck,
  tmuxInstallCommand,
  wslCheck,
} from "../../src/checks.js";
import { makeTempDir, removeDir, writeFiles } from "../helpers/files.js";

const osRelease = (name: string) =>
  parseOsRelease(readFileSync(new URL(`../fixtures/os-release/${name}`, import.meta.url), "utf8"));

describe("tmux install command per OS", () => {
  it.each([
    ["debian-12", "sudo apt-get install -y tmux"],
    ["ubuntu-24.04", "sudo apt-get install -y tmux"],
    ["fedora-40", "sudo dnf install -y tmux"],
    ["rocky-9", "sudo dnf install -y tmux"],
    ["arch", "sudo pacman -S --needed tmux"],
    ["endeavouros", "sudo pacman -S --needed tmux"],
    ["alpine-3.20", "sudo apk add tmux"],
    ["opensuse-tumbleweed", "sudo zypper install -y tmux"],
  ])("%s → %s", (fixture, command) => {
    expect(tmuxInstallCommand("linux", osRelease(fixture))).toBe(command);
  });

  it("has no command for a distribution it does not know, or without os-release", () => {
    expect(tmuxInstallCommand("linux", osRelease("nixos"))).toBeNull();
    expect(tmuxInstallCommand("linux", null)).toBeNull();
    expect(tmuxInstallCommand("win32", null)).toBeNull();
  });

  it("uses Homebrew on macOS", () => {
    expect(tmuxInstallCommand("darwin", null)).toBe("brew install tmux");
  });

  it("reads quoted values and skips comments", () => {
    const fields = osRelease("opensuse-tumbleweed");
    expect(fields["ID_LIKE"]).toBe("opensuse suse");
    expect(fields["VERSION"]).toBeUndefined();
  });
});

describe("tmux and Node checks", () => {
  it("fails a missing tmux with the install command, and a too old one", () => {
    expect(tmuxCheck(null, "sudo apk add tmux")).toMatchObject({
      level: "fail",
      action: "Install tmux 3.2+: `sudo apk add tmux`",
    });
    expect(tmuxCheck("tmux 2.9a", null)).toMatchObject({ level: "fail", detail: expect.stringContaining("too old") });
    expect(tmuxCheck(null, null).action).toMatch(/package manager/);
  });

  it("passes tmux 3.2 and newer, and development builds it cannot read", () => {
    expect(tmuxCheck("tmux 3.2", null).level).toBe("ok");
    expect(tmuxCheck("tmux 3.5a\n", null)).toMatchObject({ level: "ok", detail: "tmux 3.5a" });
    expect(tmuxCheck("tmux master", null).level).toBe("ok");
  });

  it("needs Node 20.19 or newer", () => {
    expect(nodeCheck("20.18.3").level).toBe("fail");
    expect(nodeCheck("18.20.0").level).toBe("fail");
    expect(nodeCheck("20.19.0").level).toBe("ok");
    expect(nodeCheck("22.1.0").level).toBe("ok");
  });
});

describe("agent CLIs on PATH", () => {
  let dir = "";
  afterEach(() => removeDir(dir));

  it("finds executables only, in PATH order, and warns when neither CLI is there", () => {
    dir = makeTempDir("ta-installer-path-");
    writeFiles(dir, { "a/claude": "#!/bin/sh\n", "b/codex": "not executable", "c/claude": "#!/bin/sh\n" });
    chmodSync(join(dir, "a/claude"), 0o755);
    chmodSync(join(dir, "c/claude"), 0o755);
    const path = ["missing", "a", "b", "c"].map((name) => join(dir, name)).join(":");
    expect(findOnPath("claude", path)).toBe(join(dir, "a/claude"));
    expect(findOnPath("codex", path)).toBeNull();
    expect(agentCliCheck(path)).toMatchObject({
      level: "ok",
      detail: `claude: ${join(dir, "a/claude")}; codex: not found`,
    });
    expect(agentCliCheck(join(dir, "b")).level).toBe("warn");
  });
});

/** A fake file system: path → content; folders are implied by the paths under them. */
function fakeFiles(files: Record<string, string>): FileProbe {
  return {
    readText: (path) => files[path] ?? null,
    exists: (path) => path in files || Object.keys(files).some((each) => each.startsWith(`${path}/`)),
  };
}

describe("the WSL npm-prefix problem", () => {
  it("is found when npm ran on a Windows drive next to a project .npmrc that sets prefix", () => {
    const files = fakeFiles({
      "/mnt/c/Users/ann/app/package.json": "{}",
      "/mnt/c/Users/ann/app/.npmrc": "registry=https://registry.npmjs.org/\nprefix=C:\\npm\n",
    });
    expect(detectWslPrefixProblem("/mnt/c/Users/ann/app/src", files)).toEqual({
      cwd: "/mnt/c/Users/ann/app/src",
      npmrc: "/mnt/c/Users/ann/app/.npmrc",
    });
  });

  it("reads INIT_CWD with backslashes and a trailing slash", () => {
    const files = fakeFiles({ "/mnt/d/work/.npmrc": "  prefix = /mnt/d/npm\n" });
    expect(detectWslPrefixProblem("\\mnt\\d\\work\\", files)?.npmrc).toBe("/mnt/d/work/.npmrc");
  });

  it("ignores commented prefix lines, a .npmrc npm does not read, and Linux folders", () => {
    expect(
      detectWslPrefixProblem("/mnt/c/Users/ann", fakeFiles({ "/mnt/c/Users/ann/.npmrc": "# prefix=x\n;prefix=y\n" })),
    ).toBeNull();
    // The project folder is the one with package.json; a .npmrc above it is not project config.
    const above = fakeFiles({ "/mnt/c/Users/ann/app/package.json": "{}", "/mnt/c/Users/ann/.npmrc": "prefix=x\n" });
    expect(detectWslPrefixProblem("/mnt/c/Users/ann/app", above)).toBeNull();
    expect(detectWslPrefixProblem("/home/ann/app", fakeFiles({ "/home/ann/app/.npmrc": "prefix=x\n" }))).toBeNull();
  });

  it("explains the fix without touching npm config, with the npx fallback", () => {
    const problem = { cwd: "/mnt/c/Users/ann", npmrc: "/mnt/c/Users/ann/.npmrc" };
    const found = wslCheck(problem);
    expect(found.level).toBe("warn");
    expect(found.action).toContain("~/.npmrc");
    expect(found.action).toContain("`cd ~`");
    expect(found.action).toContain("npx --package @team-agent/installer team-agent-installer install");
    expect(found.action).not.toMatch(/npm config (set|delete)/);
    expect(wslCheck(null).level).toBe("ok");
  });
});
