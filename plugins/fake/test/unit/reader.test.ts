import { readFileSync } from "node:fs";
import { parseJsonLines, readTurnState } from "@team-agent/idle-predicate";
import { describe, expect, it } from "vitest";
import { readFaults } from "../../src/transcript/faults.js";
import { extractClaudeShapedFacts, fakeTranscriptReader } from "../../src/transcript/reader.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/transcripts/${name}`, import.meta.url), "utf8");
const alive = { process: { alive: true } };
const facts = (name: string) =>
  extractClaudeShapedFacts(parseJsonLines(fixture(name)).records).map(({ kind, turn_id, reason, signature }) => ({
    kind,
    turn_id,
    ...(reason !== undefined ? { reason } : {}),
    ...(signature !== undefined ? { signature } : {}),
  }));

describe("Claude-shaped reader", () => {
  it("maps tool_use to open and end_turn to complete, keyed by requestId, in file order", () => {
    expect(facts("idle-after-report.jsonl")).toEqual([
      { kind: "turn_open", turn_id: "req_open1", reason: "tool_use" },
      { kind: "turn_open", turn_id: "req_open2", reason: "tool_use" },
      { kind: "turn_complete", turn_id: "req_done" },
    ]);
  });

  it.each([
    ["idle-after-report.jsonl", "idle", "turn_complete"],
    ["open-tool-use.jsonl", "working", "open_turn"],
    ["in-flight.jsonl", "working", "open_turn"],
    ["interrupted.jsonl", "idle_interrupted", "interrupted"],
    ["api-error.jsonl", "idle", "turn_complete"],
    ["tool-error-stays-open.jsonl", "working", "open_turn"],
    ["max-tokens-ignored.jsonl", "working", "open_turn"],
  ])("%s reads as %s for a live process", (name, state, reason) => {
    expect(readTurnState(fakeTranscriptReader, fixture(name), alive)).toMatchObject({ state, reason });
  });

  it("an open turn without process evidence is unknown, never idle", () => {
    expect(readTurnState(fakeTranscriptReader, fixture("open-tool-use.jsonl"))).toMatchObject({
      state: "unknown",
      reason: "process_identity_unverified",
    });
  });

  it("a dead process with an open turn is abnormal (crashed mid-turn)", () => {
    expect(
      readTurnState(fakeTranscriptReader, fixture("open-tool-use.jsonl"), { process: { alive: false } }),
    ).toMatchObject({
      state: "abnormal",
      reason: "crashed_mid_turn",
    });
  });

  it("an interrupt is keyed by the user record's uuid; an api error adds non-closing error facts", () => {
    expect(facts("interrupted.jsonl").at(-1)).toEqual({
      kind: "interrupted",
      turn_id: "00000000-0000-4000-8000-000000000003",
      reason: "interrupted",
    });
    expect(facts("api-error.jsonl").slice(-3)).toEqual([
      { kind: "error", turn_id: "7c9e6679-7425-40de-944b-e07fc1f90ae7", signature: "api_error" },
      { kind: "error", turn_id: "req_err", signature: "api_error" },
      { kind: "turn_complete", turn_id: "req_err" },
    ]);
    expect(facts("tool-error-stays-open.jsonl").at(-1)).toEqual({
      kind: "error",
      turn_id: "00000000-0000-4000-8000-000000000002",
      signature: "tool_result_is_error",
    });
  });

  it("a corrupt first line does not hide a valid idle tail", () => {
    const state = readTurnState(fakeTranscriptReader, `{"type":"user",\n${fixture("idle-after-report.jsonl")}`, alive);
    expect(state).toMatchObject({ state: "idle" });
    expect(state.diagnostics).toContainEqual({ kind: "json_decode_error", line: 1 });
  });

  it("records that are not turn records give no facts", () => {
    expect(
      extractClaudeShapedFacts([
        { type: "file-history-snapshot" },
        { type: "assistant" },
        { type: "user", message: "x" },
      ]),
    ).toEqual([]);
  });
});

describe("fault reader", () => {
  it("reports api errors and failed tool calls, nothing for a clean transcript", () => {
    expect(readFaults(fixture("api-error.jsonl"))).toEqual([
      { kind: "api_error", signature: "api_error", detail: "529 Overloaded (fake)" },
      { kind: "api_error", signature: "api_error", detail: "API Error: 529 Overloaded (fake)" },
    ]);
    expect(readFaults(fixture("tool-error-stays-open.jsonl"))).toEqual([
      { kind: "tool_error", signature: "tool_result_is_error", detail: "[Request interrupted by user for tool use]" },
    ]);
    expect(readFaults(fixture("idle-after-report.jsonl"))).toEqual([]);
  });

  it("calls a 429 a rate limit", () => {
    const line = JSON.stringify({
      type: "system",
      subtype: "api_error",
      level: "error",
      error: { status: 429, message: "Too many requests" },
    });
    expect(readFaults(line)).toEqual([
      { kind: "rate_limited", signature: "api_error", detail: "429 Too many requests" },
    ]);
  });
});
