import { type ResultEnvelopeV1, ValidationError, validateResultEnvelope } from "@team-agent/core-state";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normaliseReport, type ReportInput, reportedIds } from "../../src/results/normalise-report.js";

const NO_DEFAULTS = { agentId: null, taskId: null };
const normalise = (input: ReportInput): ResultEnvelopeV1 => normaliseReport(input, NO_DEFAULTS);
const only = <K extends keyof ResultEnvelopeV1>(key: K, input: ReportInput): ResultEnvelopeV1[K] =>
  normalise(input)[key];

describe("normaliseReport: spec 04 §2.8 examples", () => {
  it("a worker with an env identity and no task: agent from env, task manual, aliases resolved", () => {
    const envelope = normaliseReport(
      {
        summary: "done",
        status: "ok",
        changes: [{ file: "src/example.py", summary: "edited" }],
        tests: [{ cmd: "unit", status: "ok" }],
      },
      { agentId: "fake_impl", taskId: null },
    );
    expect(envelope).toEqual({
      schema_version: "result_envelope_v1",
      task_id: "manual",
      agent_id: "fake_impl",
      status: "success",
      summary: "done",
      changes: [{ path: "src/example.py", kind: "modified", description: "edited" }],
      tests: [{ command: "unit", status: "passed" }],
      risks: [],
      artifacts: [],
      next_actions: [],
    });
  });

  it("blank ids and bare strings: manual/unknown, kind created, test not_run, risk low, artifact described by path", () => {
    expect(
      normalise({
        task_id: "",
        agent_id: "",
        status: "done",
        changes: [{ filepath: "a.py", action: "added", detail: "new file" }],
        tests: ["unit"],
        risks: ["none"],
        artifacts: ["artifact.txt"],
        next_actions: ["ship"],
      }),
    ).toEqual({
      schema_version: "result_envelope_v1",
      task_id: "manual",
      agent_id: "unknown",
      status: "success",
      summary: "completed",
      changes: [{ path: "a.py", kind: "created", description: "new file" }],
      tests: [{ command: "unit", status: "not_run" }],
      risks: [{ severity: "low", description: "none" }],
      artifacts: [{ path: "artifact.txt", description: "artifact.txt" }],
      next_actions: [{ description: "ship" }],
    });
  });
});

describe("normaliseReport: summary, ids and status", () => {
  it("a blank, missing or non-text summary becomes `completed`; numbers are written out", () => {
    for (const summary of [undefined, null, "", "   ", { text: "x" }, ["x"]]) {
      expect(only("summary", { summary })).toBe("completed");
    }
    expect(only("summary", { summary: "Parser done" })).toBe("Parser done");
    expect(only("summary", { summary: 42 })).toBe("42");
  });

  it("ids come from the arguments, then the envelope, then the defaults, then manual/unknown", () => {
    const defaults = { agentId: "env_agent", taskId: "inferred" };
    expect(normaliseReport({}, defaults)).toMatchObject({ agent_id: "env_agent", task_id: "inferred" });
    expect(normaliseReport({ envelope: { agent_id: "a2", task_id: "t2" } }, defaults)).toMatchObject({
      agent_id: "a2",
      task_id: "t2",
    });
    expect(
      normaliseReport({ agent_id: " a1 ", task_id: "t1", envelope: { agent_id: "a2", task_id: "t2" } }, defaults),
    ).toMatchObject({ agent_id: "a1", task_id: "t1" });
    // Blank values name nothing, so the next source decides.
    expect(normaliseReport({ agent_id: " ", task_id: "", envelope: { task_id: "t2" } }, defaults)).toMatchObject({
      agent_id: "env_agent",
      task_id: "t2",
    });
    expect(normaliseReport({}, { agentId: "  ", taskId: "" })).toMatchObject({
      agent_id: "unknown",
      task_id: "manual",
    });
    expect(normalise({ task_id: 7 })).toMatchObject({ task_id: "7" });
  });

  it("reportedIds gives only what the call itself names", () => {
    expect(reportedIds({ agent_id: "dev", envelope: { task_id: "t1" } })).toEqual({ agentId: "dev", taskId: "t1" });
    expect(reportedIds({ agent_id: "", task_id: null })).toEqual({ agentId: null, taskId: null });
  });

  it("maps worker status words; anything unrecognised is success", () => {
    const cases: Array<[unknown, ResultEnvelopeV1["status"]]> = [
      ["ok", "success"],
      ["done", "success"],
      ["complete", "success"],
      ["Completed", "success"],
      ["passed", "success"],
      ["pass", "success"],
      ["success", "success"],
      ["block", "blocked"],
      ["BLOCKED", "blocked"],
      ["fail", "failed"],
      ["failed", "failed"],
      ["error", "failed"],
      ["partial", "partial"],
      ["partially done", "partial"],
      ["Partially-Done", "partial"],
      [" partially_done ", "partial"],
      ["mostly fine", "success"],
      ["", "success"],
      [null, "success"],
      [3, "success"],
      [{ status: "failed" }, "success"],
    ];
    for (const [status, expected] of cases) expect([status, only("status", { status })]).toEqual([status, expected]);
  });

  it("forces schema_version and ignores unknown arguments", () => {
    const envelope = normalise({ schema_version: "v0", schema: "x", extra: { a: 1 }, summary: "s" });
    expect(envelope.schema_version).toBe("result_envelope_v1");
    expect(Object.keys(envelope).sort()).toEqual([
      "agent_id",
      "artifacts",
      "changes",
      "next_actions",
      "risks",
      "schema_version",
      "status",
      "summary",
      "task_id",
      "tests",
    ]);
  });
});

describe("normaliseReport: list fields", () => {
  it("wraps a single value (scalar or object) and reads null or absence as empty", () => {
    expect(only("next_actions", { next_actions: "ship" })).toEqual([{ description: "ship" }]);
    expect(only("changes", { changes: { path: "a.ts" } })).toHaveLength(1);
    expect(only("tests", { tests: null })).toEqual([]);
    expect(only("risks", {})).toEqual([]);
  });

  it("changes: path and description aliases, summary as the fallback description, pathless items dropped", () => {
    const changes = only("changes", {
      summary: "Refactor",
      changes: [
        { path: "a.ts", description: "d1" },
        { file: "b.ts", details: "d2", kind: "edit" },
        { filepath: "c.ts", message: "d3", kind: "modified" },
        { filename: "d.ts" },
        { description: "no path at all" },
        { path: "  " },
        "e.ts",
        7,
        null,
        ["f.ts"],
      ],
    });
    expect(changes).toEqual([
      { path: "a.ts", kind: "modified", description: "d1" },
      { path: "b.ts", kind: "modified", description: "d2" },
      { path: "c.ts", kind: "modified", description: "d3" },
      { path: "d.ts", kind: "modified", description: "Refactor" },
    ]);
  });

  it("changes: kind words from kind, type or action", () => {
    const words: Record<string, string[]> = {
      created: ["create", "created", "added", "add", "new", "NEW"],
      modified: ["changed", "change", "updated", "update", "edited", "edit", "modified"],
      deleted: ["removed", "remove", "delete", "deleted"],
      observed: ["observe", "inspected", "inspect", "observed"],
    };
    for (const [kind, spellings] of Object.entries(words)) {
      for (const [index, spelling] of spellings.entries()) {
        const key = ["kind", "type", "action"][index % 3] as string;
        // The description points elsewhere, so only the kind word can produce the expected kind.
        const description = kind === "deleted" ? "added a file" : "deleted a file";
        const [change] = only("changes", { changes: [{ path: "x", description, [key]: spelling }] });
        expect([spelling, change?.kind]).toEqual([spelling, kind]);
      }
    }
    // An unknown word under `kind` does not hide a known one under `action`.
    expect(only("changes", { changes: [{ path: "x", kind: "tweak", action: "removed" }] })[0]?.kind).toBe("deleted");
  });

  it("changes: without a known kind word, the description decides, else modified", () => {
    const kindFor = (description: string, kind?: string) =>
      only("changes", { changes: [{ path: "x", description, kind }] })[0]?.kind;
    expect(kindFor("Created the parser")).toBe("created");
    expect(kindFor("added tests", "tweak")).toBe("created");
    expect(kindFor("a New File for config")).toBe("created");
    expect(kindFor("Removed dead code")).toBe("deleted");
    expect(kindFor("deleted the fixture")).toBe("deleted");
    expect(kindFor("observed flaky output")).toBe("observed");
    expect(kindFor("Inspected the logs")).toBe("observed");
    expect(kindFor("verified the build")).toBe("observed");
    expect(kindFor("renamed a function")).toBe("modified");
    // Whole words only: "readded" and "undeleted" are not the words the rule looks for.
    expect(kindFor("readded undeleted")).toBe("modified");
    // The rule's order: created before deleted before observed.
    expect(kindFor("removed the old one and added a new file")).toBe("created");
    // The summary stands in for a missing description, for the inference too.
    expect(only("changes", { summary: "deleted the cache", changes: [{ path: "cache" }] })[0]?.kind).toBe("deleted");
  });

  it("tests: bare strings, command and detail aliases, mapped statuses, commandless items dropped", () => {
    const tests = only("tests", {
      tests: [
        "npm test",
        { command: "c1", status: "pass", output: "12 passed" },
        { cmd: "c2", status: "Error", stderr: "boom" },
        { name: "c3", status: "not run" },
        { test: "c4", status: "notrun" },
        { command: "c5", status: "skip", summary: "needs tmux" },
        { command: "c6", status: "weird" },
        { command: "c7", status: "success", message: "m" },
        { command: "c8", status: "skipped", detail: "d", stdout: "ignored" },
        { status: "passed" },
        "",
        false,
      ],
    });
    expect(tests).toEqual([
      { command: "npm test", status: "not_run" },
      { command: "c1", status: "passed", detail: "12 passed" },
      { command: "c2", status: "failed", detail: "boom" },
      { command: "c3", status: "not_run" },
      { command: "c4", status: "not_run" },
      { command: "c5", status: "skipped", detail: "needs tmux" },
      { command: "c6", status: "not_run" },
      { command: "c7", status: "passed", detail: "m" },
      { command: "c8", status: "skipped", detail: "d" },
      { command: "false", status: "not_run" },
    ]);
    expect(only("tests", { tests: [{ command: "c", status: "ok" }] })).toEqual([{ command: "c", status: "passed" }]);
    expect(only("tests", { tests: [{ command: "c", status: "fail" }] })).toEqual([{ command: "c", status: "failed" }]);
  });

  it("risks: strings are low, objects take description and severity aliases limited to low/medium/high", () => {
    expect(
      only("risks", {
        risks: [
          "flaky network",
          { description: "r1", severity: "HIGH" },
          { summary: "r2", level: "medium" },
          { detail: "r3", severity: "critical" },
          { message: "r4" },
          { severity: "high" },
        ],
      }),
    ).toEqual([
      { severity: "low", description: "flaky network" },
      { severity: "high", description: "r1" },
      { severity: "medium", description: "r2" },
      { severity: "low", description: "r3" },
      { severity: "low", description: "r4" },
    ]);
  });

  it("artifacts: strings describe themselves, objects use path and description aliases", () => {
    expect(
      only("artifacts", {
        artifacts: [
          "out/report.md",
          { path: "a.png", description: "screenshot" },
          { file: "b.log", summary: "log" },
          { filename: "c.txt", detail: "notes" },
          { filepath: "d.bin" },
          { description: "no path" },
        ],
      }),
    ).toEqual([
      { path: "out/report.md", description: "out/report.md" },
      { path: "a.png", description: "screenshot" },
      { path: "b.log", description: "log" },
      { path: "c.txt", description: "notes" },
      { path: "d.bin", description: "d.bin" },
    ]);
  });

  it("next_actions: strings or objects with description aliases; empty items dropped", () => {
    expect(
      only("next_actions", {
        next_actions: [
          "ship",
          { description: "a1" },
          { summary: "a2" },
          { action: "a3" },
          { todo: "a4" },
          { message: "a5" },
          {},
          "  ",
        ],
      }),
    ).toEqual(["ship", "a1", "a2", "a3", "a4", "a5"].map((description) => ({ description })));
  });
});

describe("normaliseReport: the envelope argument", () => {
  it("fills what the arguments leave out; the arguments win where both speak", () => {
    const envelope = normalise({
      summary: "from args",
      tests: null,
      envelope: {
        summary: "from envelope",
        status: "blocked",
        tests: ["npm test"],
        changes: [{ path: "a.ts", kind: "deleted" }],
        agent_id: "dev",
        task_id: "t1",
      },
    });
    expect(envelope).toMatchObject({
      summary: "from args",
      status: "blocked",
      tests: [{ command: "npm test", status: "not_run" }],
      changes: [{ path: "a.ts", kind: "deleted", description: "from args" }],
      agent_id: "dev",
      task_id: "t1",
    });
  });

  it("accepts the envelope as JSON text and ignores one that is not an object", () => {
    expect(normalise({ envelope: JSON.stringify({ summary: "s", status: "failed" }) })).toMatchObject({
      summary: "s",
      status: "failed",
    });
    expect(normalise({ envelope: "{not json" })).toMatchObject({ summary: "completed", status: "success" });
    expect(normalise({ envelope: ["x"] })).toMatchObject({ summary: "completed" });
  });

  it("never reads inherited properties", () => {
    const input: ReportInput = Object.create({ summary: "inherited", agent_id: "inherited" });
    input["changes"] = [Object.create({ path: "inherited.ts" })];
    expect(normalise(input)).toMatchObject({ summary: "completed", agent_id: "unknown", changes: [] });
  });
});

// Keys the normaliser reads, plus words it maps, so random items often take the interesting branches.
const FIELD_KEYS = [
  "path",
  "file",
  "filepath",
  "filename",
  "description",
  "summary",
  "detail",
  "details",
  "message",
  "kind",
  "type",
  "action",
  "command",
  "cmd",
  "name",
  "test",
  "status",
  "output",
  "stdout",
  "stderr",
  "severity",
  "level",
  "todo",
];
const WORDS = ["ok", "done", "fail", "partially done", "added", "removed", "inspect", "skip", "high", "", " "];
const leaf = fc.oneof(fc.constantFrom(...WORDS), fc.jsonValue({ maxDepth: 1 }));
const item = fc.oneof(fc.dictionary(fc.constantFrom(...FIELD_KEYS), leaf, { maxKeys: 5 }), leaf);
const field = fc.oneof(fc.array(item, { maxLength: 4 }), item);
const reportFields = fc.dictionary(
  fc.constantFrom("summary", "status", "changes", "tests", "risks", "artifacts", "next_actions", "task_id", "agent_id"),
  field,
);
const reportInput: fc.Arbitrary<ReportInput> = fc.oneof(
  reportFields,
  fc.tuple(reportFields, fc.oneof(reportFields, fc.jsonValue())).map(([args, envelope]) => ({ ...args, envelope })),
  fc.dictionary(fc.string(), fc.jsonValue()),
);
const defaults = fc.record({ agentId: fc.option(fc.string()), taskId: fc.option(fc.string()) });

describe("normaliseReport: properties", () => {
  it("any JSON input yields a valid envelope or a ValidationError", () => {
    fc.assert(
      fc.property(reportInput, defaults, (input, given) => {
        let envelope: ResultEnvelopeV1;
        try {
          envelope = normaliseReport(input, given);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          return;
        }
        expect(validateResultEnvelope(envelope)).toEqual(envelope);
        // Items are only ever dropped or kept, never invented (checked where the envelope is not JSON text).
        if (typeof input.envelope === "string") return;
        const nested = input.envelope as Record<string, unknown> | null | undefined;
        for (const key of ["changes", "tests", "risks", "artifacts", "next_actions"] as const) {
          const offered = input[key] ?? nested?.[key];
          expect(envelope[key].length).toBeLessThanOrEqual(Array.isArray(offered) ? offered.length : 1);
        }
      }),
      { numRuns: 500 },
    );
  });
});
