import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJsonLines, readTurnState, type TranscriptReader } from "../../src/turn-state.js";
import { jsonl, line, testReader } from "../fixtures/test-reader.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/transcripts/${name}`, import.meta.url), "utf8");
const alive = { alive: true };
const dead = { alive: false };

describe("readTurnState: verdict", () => {
  it("a closed turn followed by metadata records reads idle: the last lifecycle fact wins, not the last line", () => {
    const result = readTurnState(testReader, fixture("idle-with-metadata-tail.jsonl"));
    expect(result).toMatchObject({ state: "idle", turn_id: "t1", source: "session_file", annotations: [] });
    expect(result.diagnostics).toEqual([]);
  });

  it.each([
    ["done", "idle", [], "turn_complete"],
    ["abort", "idle_interrupted", ["interrupted"], "interrupted"],
    ["fail", "abnormal", ["turn_failed"], "turn_failed"],
    ["ask", "blocked_on_human", ["awaiting_approval"], "approval_required"],
  ])("last fact %s → %s", (tag, state, annotations, reason) => {
    const result = readTurnState(testReader, jsonl(line("open", "t1"), line(tag, "t1"), line("meta")));
    expect(result).toMatchObject({ state, annotations, reason, turn_id: "t1", source: "session_file" });
  });

  it("keeps the reader's reason for a fact (e.g. why a turn was aborted)", () => {
    const result = readTurnState(testReader, jsonl(line("abort", "t9", { why: "user_cancelled" })));
    expect(result).toMatchObject({ state: "idle_interrupted", reason: "user_cancelled", turn_id: "t9" });
  });

  it("an earlier closed turn does not hide a later open one", () => {
    const result = readTurnState(testReader, jsonl(line("open", "t1"), line("done", "t1"), line("open", "t2")), {
      process: alive,
    });
    expect(result).toMatchObject({ state: "working", turn_id: "t2", reason: "open_turn" });
  });

  it("an error fact never closes a turn: the open turn stays open", () => {
    const result = readTurnState(testReader, fixture("open-with-error-fault.jsonl"), { process: alive });
    expect(result).toMatchObject({ state: "working", turn_id: "t2" });
    const unverified = readTurnState(testReader, fixture("open-with-error-fault.jsonl"));
    expect(unverified).toMatchObject({ state: "unknown", reason: "process_identity_unverified", turn_id: "t2" });
  });

  it("only error facts → no lifecycle fact", () => {
    const result = readTurnState(testReader, jsonl(line("err", "t1"), line("meta")));
    expect(result).toMatchObject({ state: "unknown", reason: "no_turn_lifecycle_fact", turn_id: null });
  });
});

describe("readTurnState: bad input never throws", () => {
  it.each([
    ["", "unreadable_or_empty"],
    ["\n\n   \n", "unreadable_or_empty"],
    [jsonl(line("meta"), line("meta")), "no_turn_lifecycle_fact"],
  ])("text %j → unknown %s", (text, reason) => {
    expect(readTurnState(testReader, text)).toMatchObject({ state: "unknown", reason, source: "session_file" });
  });

  it("a bad first line before a valid idle tail still reads idle, and the diagnostic is kept", () => {
    const result = readTurnState(testReader, fixture("bad-first-line-idle-tail.jsonl"));
    expect(result.state).toBe("idle");
    expect(result.diagnostics).toEqual([{ kind: "json_decode_error", line: 1 }]);
  });

  it("a changed or corrupt format reads unknown with one diagnostic per bad line", () => {
    const result = readTurnState(testReader, fixture("changed-format.jsonl"));
    expect(result).toMatchObject({ state: "unknown", reason: "unrecognized_format" });
    expect(result.diagnostics).toEqual([
      { kind: "json_decode_error", line: 1 },
      { kind: "non_object_record", line: 2 },
      { kind: "non_object_record", line: 3 },
      { kind: "non_object_record", line: 4 },
    ]);
  });

  it("text with only bad lines has no records: unreadable_or_empty", () => {
    const result = readTurnState(testReader, "nope\n[]\n");
    expect(result).toMatchObject({ state: "unknown", reason: "unreadable_or_empty" });
    expect(result.diagnostics).toHaveLength(2);
  });

  it("CRLF line ends and a missing final newline are fine", () => {
    const text = `${line("open", "a")}\r\n${line("done", "a")}`;
    expect(readTurnState(testReader, text)).toMatchObject({ state: "idle", turn_id: "a", diagnostics: [] });
  });

  it("a reader that throws gives unknown/reader_error", () => {
    const broken: TranscriptReader = {
      extractFacts() {
        throw new Error("reader bug");
      },
    };
    const result = readTurnState(broken, jsonl(line("done", "t1")));
    expect(result).toMatchObject({ state: "unknown", reason: "reader_error", source: "reader" });
    expect(result.diagnostics).toContainEqual({ kind: "reader_error", error: "reader bug" });
  });

  it("malformed facts from a reader are skipped with a diagnostic", () => {
    const sloppy = {
      extractFacts: () => [{ kind: "done" }, null, { kind: "turn_complete", turn_id: 7 }],
    } as unknown as TranscriptReader;
    const result = readTurnState(sloppy, jsonl(line("x")));
    expect(result).toMatchObject({ state: "idle", turn_id: "7" });
    expect(result.diagnostics).toEqual([
      { kind: "invalid_fact", index: 0 },
      { kind: "invalid_fact", index: 1 },
    ]);
  });

  it("no reader for the provider → unknown_provider from the registry", () => {
    const result = readTurnState(undefined, jsonl(line("done", "t1")), { provider: "some_cli" });
    expect(result).toEqual({
      state: "unknown",
      turn_id: null,
      reason: "unknown_provider",
      source: "registry",
      annotations: [],
      diagnostics: [{ kind: "unknown_provider", provider: "some_cli" }],
    });
  });
});

describe("readTurnState: process guard on an open turn", () => {
  const open = jsonl(line("open", "t1"), line("meta"));
  it.each([
    ["no evidence", undefined, "unknown", "process_identity_unverified", "session_file"],
    ["null evidence", null, "unknown", "process_identity_unverified", "session_file"],
    ["alive:true", { alive: true }, "working", "open_turn", "session_file"],
    ["running:true", { running: true }, "working", "open_turn", "session_file"],
    ["identity_match:true", { identity_match: true }, "working", "open_turn", "session_file"],
    ["alive:false", dead, "abnormal", "crashed_mid_turn", "process_guard"],
    ["running:false", { running: false }, "abnormal", "crashed_mid_turn", "process_guard"],
    ["identity_match:false", { identity_match: false }, "abnormal", "crashed_mid_turn", "process_guard"],
    [
      "start_time 100 recorded vs 900 now",
      { expected: { start_time: 100 }, current: { start_time: 900 } },
      "abnormal",
      "crashed_mid_turn",
      "process_guard",
    ],
    [
      "matching identity (recorded/observed spelling)",
      {
        recorded: { pid: 4, start_time: 100, cmdline: ["node", "w.js"] },
        observed: { pid: 4, start_time: "100", cmdline: ["node", "w.js"] },
      },
      "working",
      "open_turn",
      "session_file",
    ],
    [
      "pid only",
      { expected: { pid: 42 }, current: { pid: 42 } },
      "unknown",
      "process_identity_unverified",
      "session_file",
    ],
    [
      "strong field on one side only",
      { expected: { pid: 42, start_time: 100 }, current: { pid: 42 } },
      "unknown",
      "process_identity_unverified",
      "session_file",
    ],
    [
      "current process not running",
      { expected: { start_time: 100 }, current: { start_time: 100, running: false } },
      "abnormal",
      "crashed_mid_turn",
      "process_guard",
    ],
  ])("%s", (_name, process, state, reason, source) => {
    const result = readTurnState(testReader, open, { process });
    expect(result).toMatchObject({ state, reason, source, turn_id: "t1" });
    expect(result.diagnostics.some((entry) => entry.kind === "process_guard")).toBe(true);
  });

  it("file silence never demotes an open turn: the text alone decides, the guard only confirms the process", () => {
    // The same open turn, however old, reads working while its process is alive.
    const result = readTurnState(testReader, open, {
      process: { expected: { start_time: 5 }, current: { start_time: 5 } },
    });
    expect(result.state).toBe("working");
  });

  it("the guard is not consulted for a closed turn", () => {
    const result = readTurnState(testReader, jsonl(line("done", "t1")), { process: dead });
    expect(result.state).toBe("idle");
    expect(result.diagnostics).toEqual([]);
  });
});

describe("parseJsonLines", () => {
  it("numbers diagnostics by physical line, blank lines included", () => {
    const { records, diagnostics } = parseJsonLines(`{"a":1}\n\nbad\n{"b":2}\n`);
    expect(records).toEqual([{ a: 1 }, { b: 2 }]);
    expect(diagnostics).toEqual([{ kind: "json_decode_error", line: 3 }]);
  });
});
