import { describe, expect, it } from "vitest";
import { judgeProcess, type ProcessEvidence } from "../../src/process-guard.js";

describe("judgeProcess", () => {
  it.each<[string, ProcessEvidence | null | undefined, string, string]>([
    ["nothing", undefined, "unverifiable", "no_process_evidence"],
    ["empty object", {}, "unverifiable", "process_identity_unverified"],
    ["a false flag beats a true one", { alive: true, identity_match: false }, "dead", "identity_match:false"],
    ["recorded only", { expected: { start_time: 1 } }, "unverifiable", "process_identity_unverified"],
    ["current only", { current: { start_time: 1 } }, "unverifiable", "process_identity_unverified"],
    ["current says dead without a record", { current: { alive: false } }, "dead", "process_not_running"],
    [
      "cmdline differs",
      { expected: { cmdline: "a b" }, current: { cmdline: "a c" } },
      "dead",
      "process_identity_mismatch:cmdline",
    ],
    [
      "create_time differs",
      { expected: { create_time: 1.5 }, current: { create_time: 2.5 } },
      "dead",
      "process_identity_mismatch:create_time",
    ],
    ["bare pid on both sides", { expected: { pid: 9 }, current: { pid: 9 } }, "unverifiable", "no_strong_identity"],
    [
      "different strong fields on each side",
      { expected: { start_time: 1 }, current: { cmdline: "x" } },
      "unverifiable",
      "strong_field_missing:start_time",
    ],
    [
      "recorded field missing now",
      { expected: { start_time: 1, cmdline: "x" }, current: { start_time: 1 } },
      "unverifiable",
      "strong_field_missing:cmdline",
    ],
    [
      "null and empty count as absent",
      { expected: { start_time: null, cmdline: [] }, current: { start_time: 3 } },
      "unverifiable",
      "no_strong_identity",
    ],
    [
      "all recorded fields equal",
      {
        expected: { start_time: 1, cmdline: ["a", "b"] },
        current: { start_time: 1, cmdline: ["a", "b"], create_time: 7 },
      },
      "alive",
      "process_identity_match",
    ],
    [
      "cmdline arrays compare element-wise",
      { expected: { cmdline: ["a b"] }, current: { cmdline: ["a", "b"] } },
      "dead",
      "process_identity_mismatch:cmdline",
    ],
  ])("%s", (_name, evidence, verdict, detail) => {
    expect(judgeProcess(evidence)).toEqual({ verdict, detail });
  });
});
