import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseJsonLines, readTurnState, TURN_STATE_TAIL_BYTES, tailForTurnState } from "@team-agent/idle-predicate";
import { describe, expect, it } from "vitest";
import { extractFacts } from "../../src/transcripts/reader.js";
import { TRANSCRIPTS } from "../helpers.js";

const reader = { extractFacts };

function recorded(what: string): { text: string; bytes: Buffer; records: Record<string, unknown>[] } {
  const bytes = readFileSync(join(TRANSCRIPTS, `claude-code-2.1.332-${what}.jsonl`));
  const text = bytes.toString("utf8");
  return { text, bytes, records: parseJsonLines(text).records };
}

const lines = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n");

/** The last assistant record with a closing stop reason, as the reader identifies turns. */
function lastClosingTurnId(records: Record<string, unknown>[]): string | undefined {
  const closing = records.filter(
    (r) =>
      r.type === "assistant" &&
      ["end_turn", "stop_sequence"].includes((r.message as { stop_reason?: string }).stop_reason ?? ""),
  );
  const last = closing.at(-1);
  return (last?.requestId ?? last?.uuid) as string | undefined;
}

describe("reader on real Claude Code 2.1.332 transcripts", () => {
  // [fixture, expected state, expected reason]
  const cases: [string, string, string][] = [
    ["turn-complete", "idle", "end_turn"],
    // Esc before the first token: the CLI writes no interrupt record, so the previous turn's end decides.
    ["interrupted-before-output", "idle", "end_turn"],
    ["interrupted", "idle_interrupted", "user_interrupt"],
    ["api-error-400", "idle", "stop_sequence"],
    ["api-error-429-retried", "idle", "stop_sequence"],
    ["tool-use", "idle", "end_turn"],
    ["tool-error", "idle", "end_turn"],
    ["interrupted-tool-use", "idle_interrupted", "user_interrupt_during_tool_use"],
  ];

  it.each(cases)("%s reads as %s (%s), from the whole file and from its last 128 KiB", (what, state, reason) => {
    const { text, bytes } = recorded(what);
    const whole = readTurnState(reader, text);
    expect(whole).toMatchObject({ state, reason, source: "session_file" });
    expect(whole.diagnostics).toEqual([]);
    const window = bytes.subarray(Math.max(0, bytes.length - TURN_STATE_TAIL_BYTES));
    const tail = readTurnState(reader, tailForTurnState(window, { truncated: bytes.length > TURN_STATE_TAIL_BYTES }));
    expect(tail).toMatchObject({ state, reason, turn_id: whole.turn_id });
  });

  it("a finished turn is identified by its last closing assistant record", () => {
    const { text, records } = recorded("turn-complete");
    const id = lastClosingTurnId(records);
    expect(id).toBeTruthy();
    expect(readTurnState(reader, text).turn_id).toBe(id);
  });

  it("a tool call opens the turn and its answer closes it", () => {
    const kinds = extractFacts(recorded("tool-use").records).map((f) => `${f.kind}:${f.reason ?? ""}`);
    expect(kinds).toEqual(["turn_open:tool_use", "turn_complete:end_turn"]);
  });

  it("a failing tool call is a non-closing error fact attributed to its parent record", () => {
    const { records } = recorded("tool-error");
    const errors = extractFacts(records).filter((f) => f.kind === "error");
    expect(errors).toHaveLength(1);
    const source = records.find((r) => JSON.stringify(r).includes('"is_error":true'))!;
    expect(errors[0]).toMatchObject({ signature: "tool_result_is_error", turn_id: source.parentUuid });
  });

  it("an API error answer closes the turn and adds an api_error_message fault fact", () => {
    const facts = extractFacts(recorded("api-error-429-retried").records);
    const last = facts.slice(-2).map((f) => [f.kind, f.signature ?? f.reason]);
    expect(last).toEqual([
      ["turn_complete", "stop_sequence"],
      ["error", "api_error_message"],
    ]);
  });

  it("the text streamed before an interrupt is an in-flight record, then the interrupt closes the turn", () => {
    const facts = extractFacts(recorded("interrupted").records).slice(-2);
    expect(facts.map((f) => [f.kind, f.reason])).toEqual([
      ["turn_open", "assistant_in_flight"],
      ["interrupted", "user_interrupt"],
    ]);
  });

  it("a transcript cut inside the first turn reads as an open turn (unknown without process evidence)", () => {
    const { text } = recorded("tool-use");
    const cut = text.slice(0, text.indexOf('"tool_result"'));
    const state = readTurnState(reader, cut.slice(0, cut.lastIndexOf("\n")));
    expect(state).toMatchObject({ state: "unknown", reason: "process_identity_unverified" });
    expect(readTurnState(reader, cut.slice(0, cut.lastIndexOf("\n")), { process: { alive: true } }).state).toBe(
      "working",
    );
  });
});

describe("reader on synthetic records (§2.4 edge cases)", () => {
  const user = (content: unknown, extra: object = {}) => ({
    type: "user",
    uuid: "u1",
    message: { role: "user", content },
    ...extra,
  });
  const assistant = (stop: unknown, extra: object = {}) => ({
    type: "assistant",
    uuid: "a1",
    requestId: "req_1",
    message: { role: "assistant", stop_reason: stop, content: [{ type: "text", text: "x" }] },
    ...extra,
  });

  it("end_turn / stop_sequence close the turn, keyed by requestId, else uuid", () => {
    expect(extractFacts([assistant("end_turn")])).toEqual([
      { kind: "turn_complete", turn_id: "req_1", reason: "end_turn" },
    ]);
    expect(extractFacts([assistant("stop_sequence", { requestId: undefined })])).toEqual([
      { kind: "turn_complete", turn_id: "a1", reason: "stop_sequence" },
    ]);
  });

  it("max_tokens and other stop reasons are ignored; a record without content is ignored", () => {
    expect(extractFacts([assistant("max_tokens"), assistant("pause_turn"), assistant("refusal")])).toEqual([]);
    expect(extractFacts([{ type: "assistant", message: { stop_reason: null } }])).toEqual([]);
    expect(readTurnState(reader, lines(assistant("end_turn"), assistant("max_tokens"))).state).toBe("idle");
  });

  it("no stop reason with array content is an assistant still streaming", () => {
    expect(extractFacts([assistant(null)])).toEqual([
      { kind: "turn_open", turn_id: "req_1", reason: "assistant_in_flight" },
    ]);
    expect(extractFacts([assistant(undefined)])[0]?.kind).toBe("turn_open");
  });

  it("interrupt markers must match exactly (array items or string content)", () => {
    expect(extractFacts([user([{ type: "text", text: "[Request interrupted by user]" }])])).toEqual([
      { kind: "interrupted", turn_id: "u1", reason: "user_interrupt" },
    ]);
    expect(extractFacts([user("[Request interrupted by user for tool use]")])[0]?.reason).toBe(
      "user_interrupt_during_tool_use",
    );
    expect(extractFacts([user([{ type: "text", text: "please [Request interrupted by user]" }])])).toEqual([]);
    expect(extractFacts([user([{ type: "text", text: "[request interrupted by user]" }])])).toEqual([]);
  });

  it("tool_result is_error → error fact (parentUuid, else uuid); is_error false or absent → nothing", () => {
    const failing = { type: "tool_result", tool_use_id: "t1", content: "boom", is_error: true };
    expect(extractFacts([user([failing], { parentUuid: "p1" })])).toMatchObject([
      { kind: "error", turn_id: "p1", signature: "tool_result_is_error" },
    ]);
    expect(extractFacts([user([failing])])[0]?.turn_id).toBe("u1");
    expect(extractFacts([user([{ ...failing, is_error: false }]), user([{ type: "tool_result" }])])).toEqual([]);
  });

  it("system api_error at level error → error fact keyed by sessionId, parentUuid, uuid", () => {
    const base = {
      type: "system",
      subtype: "api_error",
      level: "error",
      retryAttempt: 1,
      maxRetries: 10,
      retryInMs: 500,
    };
    expect(extractFacts([{ ...base, sessionId: "s1", parentUuid: "p1", uuid: "x" }])).toMatchObject([
      { kind: "error", turn_id: "s1", signature: "api_error" },
    ]);
    expect(extractFacts([{ ...base, parentUuid: "p1", uuid: "x" }])[0]?.turn_id).toBe("p1");
    expect(extractFacts([{ ...base, uuid: "x" }])[0]?.turn_id).toBe("x");
    expect(
      extractFacts([
        { ...base, level: "warning" },
        { ...base, subtype: "other" },
      ]),
    ).toEqual([]);
  });

  it("an error after a closed turn does not reopen it; trailing metadata never matters", () => {
    const text = lines(
      assistant("end_turn"),
      { type: "system", subtype: "api_error", level: "error", uuid: "e" },
      { type: "system", subtype: "turn_duration", durationMs: 10 },
      { type: "last-prompt", lastPrompt: "x" },
      { type: "ai-title", title: "t" },
      { type: "permission-mode", permissionMode: "default" },
      { type: "file-history-snapshot", snapshot: {} },
      { type: "queue-operation", operation: "enqueue" },
      { type: "attachment", attachment: { type: "date" } },
      { type: "api-request", id: "r" },
      { type: "cost-state" },
    );
    expect(readTurnState(reader, text)).toMatchObject({ state: "idle", reason: "end_turn" });
  });

  it("an open tool call after an interrupt reopens the turn (last lifecycle fact wins)", () => {
    const text = lines(user("[Request interrupted by user]"), assistant("tool_use"));
    expect(readTurnState(reader, text, { process: { alive: true } })).toMatchObject({ state: "working" });
  });

  it("a user prompt alone is not a lifecycle fact", () => {
    expect(readTurnState(reader, lines(user("hello")))).toMatchObject({
      state: "unknown",
      reason: "no_turn_lifecycle_fact",
    });
  });

  it("records of unexpected shape yield no facts and never throw", () => {
    const odd = [
      { type: "assistant", message: "text" },
      { type: "assistant", message: { content: "text", stop_reason: null } },
      { type: "user", message: { content: [null, 3, "x", { type: "text", text: 5 }] } },
      { type: "user" },
      { type: "system", subtype: "api_error", level: "error" },
    ];
    expect(extractFacts(odd as Record<string, unknown>[])).toEqual([
      { kind: "error", turn_id: null, signature: "api_error", raw: odd[4] },
    ]);
  });
});
