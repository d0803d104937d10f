import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryEventSink } from "../../src/events.js";
import { AUTO_TRUST_DEPRECATED_EVENT, createOnceWarner } from "../../src/spec/deprecation.js";
import { loadTeamSpec, parseTeamSpecText } from "../../src/spec/load.js";
import { useTempDirs } from "../helpers/temp-dir.js";
import {
  catchValidation,
  EXAMPLE_SPEC,
  exampleText,
  lineContaining,
  snapshotTree,
  writeExampleSpec,
} from "./helpers.js";

const temp = useTempDirs();

/** Loads `text` as `<tmp>/team.spec.yaml` and returns the error it must raise. */
function loadError(text: string) {
  const path = writeExampleSpec(temp.make(), text);
  return { path, error: catchValidation(() => loadTeamSpec(path)) };
}

describe("loadTeamSpec", () => {
  it("loads the example spec", () => {
    const spec = loadTeamSpec(EXAMPLE_SPEC);
    expect(spec.team.name).toBe("demo");
    expect(spec.tasks.map((task) => task.id)).toEqual(["research-formats", "implement-export", "review-export"]);
    expect(spec.agents[0]?.system_prompt.inline).toBe(
      "Implement bounded tasks.\nReport every result as result_envelope_v1.\n",
    );
  });

  it("never writes: the spec dir is byte-for-byte and mtime-for-mtime unchanged, even after a failed load", () => {
    const dir = temp.make();
    const path = writeExampleSpec(dir);
    const before = snapshotTree(dir);
    loadTeamSpec(path, { events: new MemoryEventSink(), warnOnce: createOnceWarner(() => {}) });
    writeFileSync(join(dir, "bad.yaml"), "version: [1\n");
    const withBad = snapshotTree(dir);
    catchValidation(() => loadTeamSpec(join(dir, "bad.yaml")));
    expect(snapshotTree(dir)).toEqual(withBad);
    expect(Object.keys(withBad).filter((key) => !(key in before))).toEqual([join(dir, "bad.yaml")]);
  });

  it("reports an unreadable file", () => {
    const missing = join(temp.make(), "nope.yaml");
    const error = catchValidation(() => loadTeamSpec(missing));
    expect(error.message).toBe(`Cannot read ${missing}: no such file (ENOENT)`);
    expect(error.code).toBe("spec_unreadable");
    const dir = temp.make();
    expect(catchValidation(() => loadTeamSpec(dir)).message).toContain(`Cannot read ${dir}: is a directory`);
  });

  it("reports a permission problem as unreadable when not running as root", () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const path = writeExampleSpec(temp.make());
    chmodSync(path, 0o000);
    expect(catchValidation(() => loadTeamSpec(path)).message).toContain("permission denied");
  });

  it("reports bad YAML with the file and the line", () => {
    const text = exampleText().replace("  objective: Ship", '  objective: "Ship');
    const { path, error } = loadError(text);
    expect(error.code).toBe("spec_invalid_yaml");
    expect(error.message).toMatch(new RegExp(`^Invalid YAML in ${path} at line \\d+: `));
    const line = error.problems[0]?.line;
    expect(line).toBeGreaterThanOrEqual(lineContaining(text, '  objective: "Ship'));
    expect(error.problems[0]?.file).toBe(path);
    expect(error.action).toContain(path);
  });

  it.each([
    ["a tab as indentation", "\tmode: supervisor_worker"],
    ["a reserved character", "  mode: @supervisor_worker"],
  ])("reports %s at the offending line", (_, badLine) => {
    const text = exampleText().replace("  mode: supervisor_worker", badLine);
    const { path, error } = loadError(text);
    expect(error.message).toContain(`Invalid YAML in ${path} at line ${lineContaining(text, badLine)}:`);
    expect(error.problems[0]?.line).toBe(lineContaining(text, badLine));
  });

  it("rejects duplicate keys and multiple documents as invalid YAML", () => {
    expect(loadError(`${exampleText()}version: 1\n`).error.code).toBe("spec_invalid_yaml");
    expect(loadError(`${exampleText()}---\nversion: 1\n`).error.code).toBe("spec_invalid_yaml");
  });

  it("refuses alias bombs as invalid YAML instead of expanding them", () => {
    // Level n is a list of ten references to level n-1: 10^8 nodes once expanded.
    const lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 8; level += 1) {
      const refs = Array.from({ length: 10 }, () => `*l${level - 1}`).join(", ");
      lines.push(`l${level}: &l${level} [${refs}]`);
    }
    const { error } = loadError(`${lines.join("\n")}\n`);
    expect(error.code).toBe("spec_invalid_yaml");
    expect(error.message).toMatch(/alias/i);
  });

  it.each([["- a\n- b\n"], ["just text\n"], ["[1, 2]\n"], [""]])("rejects a non-object root %j", (text) => {
    const { path, error } = loadError(text);
    expect(error.message).toBe(`${path} must contain a YAML object`);
  });

  it("names file, line and pointer for an unknown field", () => {
    const text = exampleText().replace("  workspace: .\n", "  workspace: .\n  colour: blue\n");
    const { path, error } = loadError(text);
    expect(error.problems).toEqual([
      { pointer: "/team/colour", message: "unknown field", file: path, line: lineContaining(text, "  colour: blue") },
    ]);
    expect(error.message).toBe(
      `team.spec.yaml validation failed:\n- ${path}:${lineContaining(text, "colour")} /team/colour: unknown field`,
    );
  });

  it("points a missing field at its parent object's line", () => {
    const text = exampleText().replace(
      "  objective: Ship the CSV export feature with tests and a reviewed diff.\n",
      "",
    );
    const { error } = loadError(text);
    expect(error.problems).toMatchObject([
      { pointer: "/team/objective", message: "missing required field", line: lineContaining(text, "team:", 2) },
    ]);
  });

  it("names file, line and field for wrong types", () => {
    const text = exampleText()
      .replace(
        "communication:\n  protocol: mcp_inbox",
        "communication: mcp_inbox\nx_protocol_was:\n  protocol: mcp_inbox",
      )
      .replace("  - id: researcher\n", "  - researcher\n  - id: researcher\n")
      .replace('    tools: ["fs_*", network, "@team-orchestrator"]', "    tools: fs_read");
    const { path, error } = loadError(text);
    const found = Object.fromEntries(error.problems.map((problem) => [problem.pointer, problem]));
    expect(found["/communication"]).toMatchObject({
      message: "must be an object",
      file: path,
      line: lineContaining(text, "communication:"),
    });
    expect(found["/agents/1"]).toMatchObject({
      message: "must be an object",
      line: lineContaining(text, "  - researcher"),
    });
    expect(found["/agents/2/tools"]).toMatchObject({
      message: "must be a list",
      line: lineContaining(text, "tools: fs_read"),
    });
    expect(found["/x_protocol_was"]).toMatchObject({ message: "unknown field" });
  });

  it.each([["../../etc"], ["a b"], ["-lead"]])("names file, line and field for an unsafe agent id %j", (badId) => {
    const text = exampleText().replace("  - id: researcher", `  - id: ${JSON.stringify(badId)}`);
    const { path, error } = loadError(text);
    const problem = error.problems.find((item) => item.pointer === "/agents/1/id");
    expect(problem).toMatchObject({ file: path, line: lineContaining(text, JSON.stringify(badId)) });
    expect(problem?.message).toContain(`invalid agent id ${JSON.stringify(badId)}`);
    expect(error.message).toContain(`${path}:${problem?.line} /agents/1/id: invalid agent id`);
  });

  it("names file, line and field for a path-traversal task id", () => {
    const text = exampleText().replace("  - id: review-export", "  - id: ../../etc/passwd");
    const { path, error } = loadError(text);
    expect(error.problems).toEqual([
      {
        pointer: "/tasks/2/id",
        message: expect.stringContaining('invalid task id "../../etc/passwd"'),
        file: path,
        line: lineContaining(text, "../../etc/passwd"),
      },
    ]);
  });

  it("reads JSON text through the same parser, with lines", () => {
    const spec = loadTeamSpec(EXAMPLE_SPEC);
    const json = JSON.stringify({ ...spec, extra: true }, null, 2);
    const { path, error } = loadError(json);
    expect(error.problems).toEqual([
      { pointer: "/extra", message: "unknown field", file: path, line: lineContaining(json, '"extra"') },
    ]);
    const dir = temp.make();
    mkdirSync(join(dir, "prompts"));
    writeFileSync(join(dir, "prompts", "reviewer.md"), "x");
    expect(parseTeamSpecText(JSON.stringify(spec), join(dir, "team.spec.json"))).toEqual(spec);
  });

  it("parses per YAML 1.2: floats are numbers and ` #` starts a comment", () => {
    const text = exampleText()
      .replace("  tick_interval_sec: 2", "  tick_interval_sec: 1.5")
      .replace("  name: demo", "  name: demo # the team");
    const spec = loadTeamSpec(writeExampleSpec(temp.make(), text));
    expect(spec.runtime.tick_interval_sec).toBe(1.5);
    expect(spec.team.name).toBe("demo");
  });

  it("resolves system_prompt.file against the spec's own directory, not the cwd", () => {
    const path = writeExampleSpec(temp.make());
    expect(loadTeamSpec(path).agents[2]?.system_prompt.file).toBe("prompts/reviewer.md");
    const error = catchValidation(() => loadTeamSpec(path, { specDir: temp.make() }));
    expect(error.problems.map((problem) => problem.message)).toEqual(["file not found: prompts/reviewer.md"]);
  });
});

describe("deprecated runtime.auto_trust_own_workspace", () => {
  function loadWith(value: string | undefined, times: number) {
    const text =
      value === undefined
        ? exampleText()
        : exampleText().replace("  backend: tmux", `  backend: tmux\n  auto_trust_own_workspace: ${value}`);
    const path = writeExampleSpec(temp.make(), text);
    const events = new MemoryEventSink();
    const warnings: string[] = [];
    const warnOnce = createOnceWarner((message) => warnings.push(message));
    for (let index = 0; index < times; index += 1) loadTeamSpec(path, { events, warnOnce });
    return { events: events.named(AUTO_TRUST_DEPRECATED_EVENT), warnings };
  }

  it.each([[undefined], ["false"]])("does nothing when the key is %s", (value) => {
    expect(loadWith(value, 2)).toEqual({ events: [], warnings: [] });
  });

  it("warns once per process but emits an event on every load", () => {
    const { events, warnings } = loadWith("true", 3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("TEAM_AGENT_AUTO_TRUST_OWN_WORKSPACE");
    expect(warnings[0]).toContain("0.3.0");
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      deprecated_field: "spec.runtime.auto_trust_own_workspace",
      preferred_opt_in: "env:TEAM_AGENT_AUTO_TRUST_OWN_WORKSPACE",
      removal_target_version: "0.3.0",
    });
  });

  it("rejects a non-boolean value", () => {
    const text = exampleText().replace("  backend: tmux", "  backend: tmux\n  auto_trust_own_workspace: sometimes");
    const { error } = loadError(text);
    expect(error.problems).toMatchObject([
      { pointer: "/runtime/auto_trust_own_workspace", message: "must be a boolean" },
    ]);
  });
});
