import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../../src/process.js";
import { isOnPath, pathAdvice, renderShim, shellDoubleQuote } from "../../src/shim.js";
import { makeTempDir, removeDir } from "../helpers/files.js";

// Every character that means something inside double quotes, plus spaces and a single quote.
const HOSTILE = `odd dir "q" 's' $HOME \`echo hi\` back\\slash $(id)`;
const SHELLS = ["/bin/sh", "/bin/dash", "/bin/bash", "/usr/bin/dash", "/usr/bin/bash"].filter((shell) =>
  existsSync(shell),
);

describe("shellDoubleQuote", () => {
  it("escapes exactly backslash, double quote, dollar and backtick", () => {
    expect(shellDoubleQuote(`a b'c"d$e\`f\\g`)).toBe(`"a b'c\\"d\\$e\\\`f\\\\g"`);
  });
});

describe("the team-agent shim", () => {
  let root: string;
  let node: string;
  let entry: string;
  let shim: string;

  beforeAll(() => {
    root = makeTempDir("ta-installer-shim-");
    const hostile = join(root, HOSTILE);
    mkdirSync(hostile);
    node = join(hostile, "node");
    symlinkSync(process.execPath, node);
    entry = join(hostile, "bin.js");
    writeFileSync(entry, "console.log(JSON.stringify({ entry: process.argv[1], args: process.argv.slice(2) }));\n");
    shim = join(hostile, "team-agent");
    writeFileSync(shim, renderShim({ node, entry }), { mode: 0o755 });
  });
  afterAll(() => removeDir(root));

  it.each(SHELLS)("runs the baked-in Node on the entry with the arguments untouched under %s", async (shell) => {
    const args = ["a", "b c", "$HOME", "`x`", ""];
    const run = await runProcess(shell, [shim, ...args], { env: { PATH: "/usr/bin:/bin" }, cwd: root });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ entry, args });
  });

  it("is executable and runs directly through its #!/bin/sh line", async () => {
    const run = await runProcess(shim, ["--version"], { env: { PATH: "/usr/bin:/bin" }, cwd: root });
    expect(JSON.parse(run.stdout)).toEqual({ entry, args: ["--version"] });
  });

  it("runs TEAM_AGENT_NODE instead of the baked-in Node when it is set", async () => {
    const other = join(root, "other node");
    writeFileSync(other, '#!/bin/sh\necho "other: $*"\n');
    chmodSync(other, 0o755);
    const run = await runProcess(shim, ["x"], { env: { PATH: "/usr/bin:/bin", TEAM_AGENT_NODE: other }, cwd: root });
    expect(run.stdout.trim()).toBe(`other: ${entry} x`);
  });
});

describe("PATH advice", () => {
  const home = "/home/ann";

  it("names the start-up file of the user's shell", () => {
    expect(pathAdvice(`${home}/.local/bin`, home, "/bin/bash")).toEqual({
      file: "~/.bashrc",
      line: 'export PATH="$HOME/.local/bin:$PATH"',
    });
    expect(pathAdvice(`${home}/.local/bin`, home, "/usr/bin/zsh").file).toBe("~/.zshrc");
    expect(pathAdvice(`${home}/.local/bin`, home, "/bin/dash").file).toBe("~/.profile");
    expect(pathAdvice(`${home}/.local/bin`, home, undefined).file).toBe("~/.profile");
    expect(pathAdvice(`${home}/it's bin`, home, "/usr/bin/fish")).toEqual({
      file: "~/.config/fish/config.fish",
      line: `fish_add_path '${home}/it\\'s bin'`,
    });
  });

  it.each(SHELLS.slice(0, 1))("gives a line that really puts the folder first on PATH (%s)", async (shell) => {
    for (const dir of [`${home}/${HOSTILE}/bin`, `/opt/${HOSTILE}`]) {
      const { line } = pathAdvice(dir, home, "/bin/bash");
      const run = await runProcess(shell, ["-c", `${line}\nprintf %s "$PATH"`], {
        env: { HOME: home, PATH: "/usr/bin:/bin" },
        cwd: "/",
      });
      expect(run.stdout).toBe(`${dir}:/usr/bin:/bin`);
    }
  });

  it("tells whether a folder is on PATH, ignoring trailing slashes and empty entries", () => {
    expect(isOnPath("/home/ann/.local/bin", "/usr/bin::/home/ann/.local/bin/")).toBe(true);
    expect(isOnPath("/home/ann/.local/bin", "/usr/bin:/home/ann/.local")).toBe(false);
    expect(isOnPath("/home/ann/.local/bin", undefined)).toBe(false);
  });
});
