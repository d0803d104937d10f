// The command line as a user meets it: help for every command, the top-level help, usage errors, --version.
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands.js";
import { teamAgent } from "../helpers/cli.js";

const workspace = realpathSync(mkdtempSync(join(tmpdir(), "ta-cli-basics-")));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const run = (args: string[]) => teamAgent(args, { cwd: workspace });

describe("help", () => {
  // Concurrent: each case is an independent process; assertions go through the test's own `expect`.
  it.concurrent.for(COMMANDS.map((command) => command.name))(
    "`%s --help` exits 0 with a usage line",
    async (name, { expect }) => {
      const result = await run([...name.split(" "), "--help"]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^usage: team-agent /m);
    },
  );

  it("lists the public commands, not the hidden ones, and points to `advanced --help`", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    const listed = new Set(
      result.stdout
        .split("\n")
        .filter((line) => line.startsWith("  "))
        .map((line) => line.trim().split(/\s{2,}/)[0]),
    );
    for (const command of COMMANDS) expect(listed.has(command.name), command.name).toBe(!command.hidden);
    expect(result.stdout).toContain("advanced --help");
    const advanced = await run(["advanced", "--help"]);
    expect(advanced.code).toBe(0);
    for (const name of ["peek", "compile", "launch", "collect", "settle"]) expect(advanced.stdout).toContain(name);
  });

  it("prints the package version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const result = await run(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
});

describe("usage errors exit 2", () => {
  it("an unknown command", async () => {
    const result = await run(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command: frobnicate");
    expect(result.stdout).toBe("");
  });

  it("`send` without a message shows the usage and the examples", async () => {
    const result = await run(["send", "dev"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: team-agent send [options] TARGET MESSAGE...");
    expect(result.stderr).toContain("error: missing MESSAGE");
    expect(result.stderr).toMatch(/^Hint: team-agent send dev ".*" {2}\| {2}team-agent send --task t1 --json/m);
    expect(result.stdout).toBe("");
  });

  it("`send` with nothing at all", async () => {
    const result = await run(["send"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing TARGET and MESSAGE");
  });

  it("an unknown option", async () => {
    const result = await run(["status", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: team-agent status");
  });

  it("with --json, stdout holds the failure envelope", async () => {
    const result = await run(["send", "--json", "dev"]);
    expect(result.code).toBe(2);
    const envelope = result.json<{ ok: boolean; error: { code: string; message: string; action: string } }>();
    expect(envelope.ok).toBe(false);
    expect(envelope.error.code).toBe("usage_error");
    expect(envelope.error.message).toBe("missing MESSAGE");
    expect(envelope.error.action).toContain("team-agent send");
  });

  it("mutually exclusive status views", async () => {
    const both = await run(["status", "--summary", "--json"]);
    expect(both.code).toBe(2);
    expect(both.json<{ error: { message: string } }>().error.message).toBe(
      "--summary and --json are mutually exclusive",
    );
    const withAgent = await run(["status", "w1", "--summary"]);
    expect(withAgent.code).toBe(2);
    expect(withAgent.stderr).toContain("status --summary does not accept an agent argument");
  });

  it("an out-of-range number", async () => {
    const result = await run(["inbox", "w1", "--limit", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--limit must be a whole number from 1 to 1000");
  });
});
