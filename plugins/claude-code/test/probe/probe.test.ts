import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProbe, findOnPath } from "../../src/probe/probe.js";
import { tempDir } from "../helpers.js";

/** A stand-in `claude` that logs its argv and answers --version and `auth status` from its environment. */
function fakeCli(options: { auth?: string; mode?: number } = {}): { bin: string; log: string } {
  const bin = tempDir();
  const log = join(bin, "calls.log");
  const script = [
    "#!/bin/sh",
    `echo "$*" >> '${log}'`,
    'case "$1" in',
    '  --version) echo "9.9.9 (Claude Code)"; echo "second line";;',
    `  auth) printf '%s\\n' '${options.auth ?? '{"loggedIn": true, "authMethod": "claude.ai"}'}';;`,
    "  *) echo 'UI STARTED'; exit 3;;",
    "esac",
  ].join("\n");
  writeFileSync(join(bin, "claude"), `${script}\n`);
  chmodSync(join(bin, "claude"), options.mode ?? 0o755);
  return { bin, log };
}

const calls = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);

describe("probe", () => {
  it("finds the executable on PATH, skipping non-executable files and empty entries", () => {
    const plain = fakeCli({ mode: 0o644 });
    const real = fakeCli();
    expect(findOnPath("claude", `${plain.bin}::${real.bin}`)).toBe(join(real.bin, "claude"));
    expect(findOnPath("claude", plain.bin)).toBeNull();
    expect(findOnPath("claude", undefined)).toBeNull();
  });

  it("not installed: false, no version, auth unknown", async () => {
    const probe = createProbe({ env: { PATH: tempDir() } });
    expect(await probe.isInstalled()).toBe(false);
    expect(await probe.version()).toBeNull();
    expect(await probe.authHint()).toMatchObject({ status: "unknown" });
  });

  it("version is the first line of `claude --version`", async () => {
    const { bin, log } = fakeCli();
    const probe = createProbe({ env: { PATH: bin } });
    expect(await probe.isInstalled()).toBe(true);
    expect(await probe.version()).toBe("9.9.9 (Claude Code)");
    expect(calls(log)).toEqual(["--version"]);
  });

  it("auth: logged in → present, logged out → missing, only through `auth status --json`", async () => {
    const inCli = fakeCli();
    expect(await createProbe({ env: { PATH: inCli.bin } }).authHint()).toEqual({
      status: "present",
      detail: "logged in (claude.ai)",
    });
    expect(calls(inCli.log)).toEqual(["auth status --json"]);
    const outCli = fakeCli({ auth: '{"loggedIn": false, "authMethod": "none"}' });
    expect(await createProbe({ env: { PATH: outCli.bin } }).authHint()).toMatchObject({ status: "missing" });
  });

  it("auth: output without a loggedIn answer → unknown", async () => {
    for (const auth of ["not json", '{"authMethod": "none"}']) {
      const { bin } = fakeCli({ auth });
      expect(await createProbe({ env: { PATH: bin } }).authHint()).toMatchObject({ status: "unknown" });
    }
  });

  it("credentials in the environment: present, naming the variable, never its value, without running the CLI", async () => {
    const { bin, log } = fakeCli();
    const secret = "sk-ant-api03-secret-value-1234";
    const hint = await createProbe({ env: { PATH: bin, ANTHROPIC_API_KEY: secret } }).authHint();
    expect(hint).toEqual({ status: "present", detail: "credentials in the environment: ANTHROPIC_API_KEY" });
    expect(JSON.stringify(hint)).not.toContain(secret);
    expect(calls(log)).toEqual([]);
  });
});

const REAL_BIN = "/tmp/clis/node_modules/.bin";
describe.skipIf(process.env.TEAM_AGENT_REAL_CLI !== "1" || !existsSync(join(REAL_BIN, "claude")))(
  "probe against the installed Claude Code (TEAM_AGENT_REAL_CLI=1)",
  () => {
    it("reports 2.1.332 and a missing login in a fresh home", async () => {
      const home = tempDir();
      const probe = createProbe({ env: { PATH: `${REAL_BIN}:/usr/bin:/bin`, HOME: home } });
      expect(await probe.isInstalled()).toBe(true);
      expect(await probe.version()).toBe("2.1.332 (Claude Code)");
      expect(await probe.authHint()).toMatchObject({ status: "missing" });
    });
  },
);
