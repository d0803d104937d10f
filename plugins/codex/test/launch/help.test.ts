/**
 * Every flag the launch and resume plans use must exist in the recorded help of the Codex version this plugin
 * was checked against (test/fixtures/codex-0.169.0-help.txt), and every feature it disables must be a known
 * feature. Re-record the help text when moving to a new Codex release; this test then says what changed.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildLaunch, buildResume } from "../../src/launch/build.js";
import { MCP, workerSpec } from "../helpers/fixtures.js";

const HELP = readFileSync(new URL("../fixtures/codex-0.169.0-help.txt", import.meta.url), "utf8");

function section(title: string): string {
  const start = HELP.indexOf(`$ ${title}\n`);
  if (start < 0) throw new Error(`help fixture has no section '${title}'`);
  const end = HELP.indexOf("\n$ ", start + 1);
  return HELP.slice(start, end < 0 ? undefined : end);
}

const MAIN = section("codex --help");
const RESUME = section("codex resume --help");
const FEATURES = section("codex features list   (the rows for the features the launch disables)");

const flagsOf = (argv: readonly string[]) => [...new Set(argv.filter((a) => /^--?[a-z]/.test(a)))];

/** A flag is documented when its help line lists it (`  -c, --config <key=value>`, `      --no-daemon`). */
function documented(help: string, flag: string): boolean {
  return new RegExp(`^\\s+(?:-[A-Za-z], )?${flag}(?:[ ,]|$)`, "m").test(help);
}

const variants = [
  workerSpec(),
  workerSpec({ tools: ["fs_read"], profileSettings: { CODEX_PROFILE: "team" } }),
  workerSpec({ dangerousAutoApprove: true }),
  workerSpec({ authMode: "compatible_api", profileSettings: { BASE_URL: "https://x/v1" } }),
];

describe("flags exist in codex 0.169.0's help", () => {
  it("fresh launches use only flags of `codex --help`", () => {
    for (const worker of variants) {
      for (const flag of flagsOf(buildLaunch("codex", worker, MCP).argv)) {
        expect(documented(MAIN, flag), `${flag} in codex --help`).toBe(true);
      }
    }
  });

  it("resumes use only flags of `codex resume --help`", () => {
    for (const worker of variants) {
      const argv = buildResume("codex", worker, MCP, "01a21352-c97c-7200-bfaa-526163a35439").argv;
      for (const flag of flagsOf(argv)) expect(documented(RESUME, flag), `${flag} in codex resume --help`).toBe(true);
    }
  });

  it("disables only features that codex knows", () => {
    const argv = buildLaunch("codex", workerSpec(), MCP).argv;
    const disabled = argv.flatMap((a, i) => (a === "--disable" ? [argv[i + 1]!] : []));
    expect(disabled).toEqual(["shell_snapshot", "apps"]);
    for (const feature of disabled) expect(FEATURES).toMatch(new RegExp(`^${feature}\\s+stable`, "m"));
  });

  it("offers the approval policy and sandbox values the plans pass", () => {
    expect(MAIN).toMatch(/- on-request:/);
    expect(MAIN).toMatch(/\[possible values: read-only, workspace-write, danger-full-access\]/);
    expect(RESUME).toMatch(/Usage: codex resume \[OPTIONS\] \[SESSION_ID\]/);
  });

  it("would notice a flag that is not in the help", () => {
    expect(documented(MAIN, "--no-such-flag")).toBe(false);
    expect(documented(MAIN, "--no-alt-screen")).toBe(true);
    expect(documented(MAIN, "-c")).toBe(true);
  });
});
