import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { validateResultEnvelope } from "../../src/result-envelope-v1.js";

function validEnvelope(): Record<string, unknown> {
  return {
    schema_version: "result_envelope_v1",
    task_id: "t1",
    agent_id: "dev",
    status: "success",
    summary: "Implemented the thing",
    changes: [{ path: "a.ts", kind: "modified", description: "added a function" }],
    tests: [{ command: "npm test", status: "passed" }],
    risks: [{ severity: "low", description: "none known" }],
    artifacts: [{ path: "x.md", description: "notes" }],
    next_actions: [],
  };
}

function problemsOf(value: unknown): Array<{ pointer: string; message: string }> {
  try {
    validateResultEnvelope(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const failure = error as ValidationError;
    expect(failure.code).toBe("result_envelope_invalid");
    expect(failure.message.split("\n")[0]).toBe("result_envelope_v1 validation failed:");
    // The message lists exactly the problems, one `- /pointer: msg` line each.
    const expectedLines = failure.problems.map((p) => `- ${p.pointer === "" ? "/" : p.pointer}: ${p.message}`);
    expect(failure.message.split("\n").slice(1)).toEqual(expectedLines);
    return failure.problems.map(({ pointer, message }) => ({ pointer, message }));
  }
  throw new Error("expected the envelope to be rejected");
}

describe("validateResultEnvelope", () => {
  it("accepts the spec's example and returns it unchanged", () => {
    const envelope = { ...validEnvelope(), tests: [{ command: "npm test", status: "failed", detail: "2 failed" }] };
    expect(validateResultEnvelope(envelope)).toEqual(envelope);
  });

  it("accepts every enum value of status, change kind, test status and risk severity", () => {
    for (const status of ["success", "blocked", "failed", "partial"]) {
      expect(validateResultEnvelope({ ...validEnvelope(), status }).status).toBe(status);
    }
    const envelope = {
      ...validEnvelope(),
      changes: ["created", "modified", "deleted", "observed"].map((kind) => ({ path: "p", kind, description: "" })),
      tests: ["passed", "failed", "not_run", "skipped"].map((status) => ({ command: "c", status })),
      risks: ["low", "medium", "high"].map((severity) => ({ severity, description: "d" })),
      next_actions: [{ description: "review" }],
    };
    expect(validateResultEnvelope(envelope)).toEqual(envelope);
  });

  it("reports every missing key when only schema_version is present", () => {
    expect(problemsOf({ schema_version: "result_envelope_v1" })).toEqual(
      ["task_id", "agent_id", "status", "summary", "changes", "tests", "risks", "artifacts", "next_actions"].map(
        (key) => ({ pointer: `/${key}`, message: "missing required field" }),
      ),
    );
  });

  it("tells a caller who wrote `schema` to use schema_version", () => {
    const { schema_version, ...rest } = validEnvelope();
    expect(problemsOf({ ...rest, schema: schema_version })).toEqual([
      { pointer: "/schema_version", message: "missing required field" },
      { pointer: "/schema", message: "use schema_version, not schema" },
    ]);
  });

  it("rejects a wrong schema_version and unknown top-level keys", () => {
    expect(problemsOf({ ...validEnvelope(), schema_version: "result_envelope_v2", extra: 1 })).toEqual([
      { pointer: "/schema_version", message: 'must be "result_envelope_v1"' },
      { pointer: "/extra", message: "unknown field" },
    ]);
  });

  it("rejects a summary given as an object and tests given as an object, in one pass", () => {
    expect(problemsOf({ ...validEnvelope(), summary: { text: "x" }, tests: { command: "npm test" } })).toEqual([
      { pointer: "/summary", message: "must be a string" },
      { pointer: "/tests", message: "must be a list" },
    ]);
  });

  it("requires non-empty task_id, agent_id and summary", () => {
    expect(problemsOf({ ...validEnvelope(), task_id: "", agent_id: "   ", summary: "" })).toEqual([
      { pointer: "/task_id", message: "must be a non-empty string" },
      { pointer: "/agent_id", message: "must be a non-empty string" },
      { pointer: "/summary", message: "must be a non-empty string" },
    ]);
  });

  it("rejects an unknown status", () => {
    expect(problemsOf({ ...validEnvelope(), status: "done" })).toEqual([
      { pointer: "/status", message: "must be one of success, blocked, failed, partial" },
    ]);
  });

  it("rejects an artifact given as a bare string", () => {
    expect(problemsOf({ ...validEnvelope(), artifacts: ["x.md"] })).toEqual([
      { pointer: "/artifacts/0", message: "must be an object" },
    ]);
  });

  it("rejects an empty next action object", () => {
    expect(problemsOf({ ...validEnvelope(), next_actions: [{}] })).toEqual([
      { pointer: "/next_actions/0/description", message: "missing required field" },
    ]);
  });

  it("checks item keys, value types and enums inside every collection", () => {
    const envelope = {
      ...validEnvelope(),
      changes: [{ path: 1, kind: "renamed", description: "d", note: "x" }],
      tests: [{ command: "npm test", status: "ok", detail: 3 }],
      risks: [{ severity: "critical" }],
      artifacts: [{ path: "x.md", description: null }],
      next_actions: [{ description: "d", owner: "me" }],
    };
    expect(problemsOf(envelope)).toEqual([
      { pointer: "/changes/0/path", message: "must be a string" },
      { pointer: "/changes/0/kind", message: "must be one of created, modified, deleted, observed" },
      { pointer: "/changes/0/note", message: "unknown field" },
      { pointer: "/tests/0/status", message: "must be one of passed, failed, not_run, skipped" },
      { pointer: "/tests/0/detail", message: "must be a string" },
      { pointer: "/risks/0/severity", message: "must be one of low, medium, high" },
      { pointer: "/risks/0/description", message: "missing required field" },
      { pointer: "/artifacts/0/description", message: "must be a string" },
      { pointer: "/next_actions/0/owner", message: "unknown field" },
    ]);
  });

  it("reports a missing enum field as missing, not as a bad value", () => {
    expect(problemsOf({ ...validEnvelope(), changes: [{ path: "a", description: "d" }] })).toEqual([
      { pointer: "/changes/0/kind", message: "missing required field" },
    ]);
  });

  it("rejects a root that is not an object", () => {
    for (const value of [null, "envelope", [validEnvelope()], 42]) {
      expect(problemsOf(value)).toEqual([{ pointer: "", message: "must be an object" }]);
    }
  });

  it("escapes unknown keys into valid JSON pointers", () => {
    expect(problemsOf({ ...validEnvelope(), "a/b~c": true })).toEqual([
      { pointer: "/a~1b~0c", message: "unknown field" },
    ]);
  });
});
