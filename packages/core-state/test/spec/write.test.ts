import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadTeamSpec, parseTeamSpecText } from "../../src/spec/load.js";
import { resolveRuntimeDefaults } from "../../src/spec/runtime-defaults.js";
import type { TeamSpec } from "../../src/spec/schema.js";
import { writeTeamSpecText } from "../../src/spec/write.js";
import { useTempDirs } from "../helpers/temp-dir.js";
import { EXAMPLE_SPEC, exampleText, writeExampleSpec } from "./helpers.js";

const temp = useTempDirs();

/** The same value with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, item]) => [key, reverseKeys(item)]),
  );
}

function roundTrip(spec: TeamSpec): TeamSpec {
  const dir = temp.make();
  return loadTeamSpec(writeExampleSpec(dir, writeTeamSpecText(spec)));
}

describe("writeTeamSpecText", () => {
  it("writes text that loads back to an equal spec", () => {
    const spec = loadTeamSpec(EXAMPLE_SPEC);
    expect(roundTrip(spec)).toEqual(spec);
  });

  it("round-trips awkward strings: quotes, colons, hashes, unicode, trailing blank lines, leading spaces", () => {
    const spec = loadTeamSpec(EXAMPLE_SPEC);
    spec.team.objective = 'Say "hi": # not a comment — ünïcödé ✓';
    spec.agents[0]!.system_prompt.inline = "  indented first line\nsecond: line # kept\n\n\n";
    spec.agents[1]!.system_prompt.inline = "no trailing newline\nat all";
    spec.tasks[0]!.description = "yes";
    spec.tasks[1]!.title = "null";
    spec.runtime.tick_interval_sec = 0.25;
    const back = roundTrip(spec);
    expect(back).toEqual(spec);
    expect(back.tasks[1]!.title).toBe("null");
  });

  it("writes keys in schema order, strings double-quoted, multi-line strings as blocks, empties as []", () => {
    const spec = loadTeamSpec(EXAMPLE_SPEC);
    const text = writeTeamSpecText(reverseKeys(spec) as TeamSpec);
    const topKeys = text
      .split("\n")
      .filter((line) => /^[a-z_]+:/.test(line))
      .map((line) => line.split(":")[0]);
    expect(topKeys).toEqual([
      "version",
      "team",
      "leader",
      "agents",
      "routing",
      "communication",
      "runtime",
      "context",
      "tasks",
    ]);
    expect(text).toContain('team:\n  name: "demo"\n  mode: "supervisor_worker"\n');
    expect(text).toContain('  - id: "research-formats"\n    title: ');
    expect(text).toContain("      inline: |\n        Implement bounded tasks.\n");
    expect(text).toContain("    avoid_for: []\n");
    expect(text).not.toContain("undefined");
    expect(writeTeamSpecText(spec)).toBe(text);
  });

  it("leaves out optional keys that are undefined", () => {
    const spec = loadTeamSpec(EXAMPLE_SPEC);
    spec.runtime.fast = undefined;
    const text = writeTeamSpecText(spec);
    expect(text).not.toMatch(/\bfast:/);
    expect((parse(text) as TeamSpec).runtime).not.toHaveProperty("fast");
  });

  it("round-trips through parseTeamSpecText with the same spec dir", () => {
    const spec = loadTeamSpec(EXAMPLE_SPEC);
    expect(parseTeamSpecText(writeTeamSpecText(spec), EXAMPLE_SPEC)).toEqual(spec);
  });
});

describe("resolveRuntimeDefaults", () => {
  it("fills the documented defaults", () => {
    const text = exampleText()
      .replace("  session_name: team-demo", "  session_name: null")
      .replace("  display_backend: adaptive\n", "")
      .replace("  tick_interval_sec: 2\n", "")
      .replace("  push_min_interval_sec: 60\n", "")
      .replace("  stuck_timeout_sec: 300\n", "");
    const spec = loadTeamSpec(writeExampleSpec(temp.make(), text));
    expect(resolveRuntimeDefaults(spec)).toMatchObject({
      session_name: "team-demo",
      display_backend: "adaptive",
      display_backend_source: "default",
      auto_attach_leader: true,
      require_user_approval_before_launch: true,
      dangerous_auto_approve: false,
      fast: false,
      tick_interval_sec: 5,
      push_min_interval_sec: 60,
      stuck_timeout_sec: 300,
      compaction_reset_threshold: 3,
      auto_trust_own_workspace: false,
    });
  });

  it("keeps what the spec sets", () => {
    const spec = loadTeamSpec(EXAMPLE_SPEC);
    spec.runtime.display_backend = "iterm";
    spec.runtime.auto_attach_leader = false;
    spec.runtime.dangerous_auto_approve = true;
    spec.runtime.session_name = "custom";
    const settings = resolveRuntimeDefaults(spec);
    expect(settings).toMatchObject({
      session_name: "custom",
      display_backend: "iterm",
      display_backend_source: "spec",
      auto_attach_leader: false,
      dangerous_auto_approve: true,
      tick_interval_sec: 2,
    });
  });
});
