import { readTurnState, TURN_STATE_TAIL_BYTES, tailForTurnState } from "@team-agent/idle-predicate";
import { describe, expect, it } from "vitest";
import { codexTranscriptReader, extractCodexFacts } from "../../src/transcripts/reader.js";
import { eventTurnIds, rolloutRecords, rolloutText } from "../helpers/fixtures.js";

const ALIVE = { alive: true };
const state = (text: string, process?: { alive: boolean }) =>
  readTurnState(codexTranscriptReader, text, process ? { process } : {});
const lines = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n");
const event = (payload: Record<string, unknown>) => ({
  timestamp: "2026-11-25T15:00:00.000Z",
  type: "event_msg",
  payload,
});

describe("recorded Codex 0.169.0 rollouts", () => {
  it("one answered message: idle, on the turn that completed", () => {
    const result = state(rolloutText("turn-complete"));
    expect(result).toMatchObject({ state: "idle", reason: "turn_complete", source: "session_file" });
    expect(result.turn_id).toBe(eventTurnIds("turn-complete", "task_complete")[0]);
    expect(eventTurnIds("turn-complete", "task_started")).toEqual([result.turn_id]);
  });

  it("an interrupted turn: idle_interrupted with the reason kept", () => {
    const result = state(rolloutText("interrupted"));
    expect(result).toMatchObject({ state: "idle_interrupted", reason: "interrupted", annotations: ["interrupted"] });
    expect(result.turn_id).toBe(eventTurnIds("interrupted", "turn_aborted")[0]);
  });

  it.each([
    ["api-error-400", "api_error", "other"],
    ["api-error-429", "rate_limited", "response_too_many_failed_attempts"],
    ["api-error-500", "api_error", "internal_server_error"],
  ])("%s: the turn is closed (idle) and the failure is an error fact", (what, signature, category) => {
    const result = state(rolloutText(what));
    expect(result).toMatchObject({ state: "idle", reason: "completed_with_error" });
    const facts = extractCodexFacts(rolloutRecords(what)).map(({ kind, signature, reason }) => ({
      kind,
      signature,
      reason,
    }));
    expect(facts).toEqual([
      { kind: "turn_open", signature: undefined, reason: undefined },
      { kind: "error", signature, reason: category },
      { kind: "turn_complete", signature: undefined, reason: "completed_with_error" },
    ]);
  });

  it("a pending command approval leaves the turn open: working only with a live process", () => {
    expect(state(rolloutText("approval-pending"))).toMatchObject({
      state: "unknown",
      reason: "process_identity_unverified",
    });
    expect(state(rolloutText("approval-pending"), ALIVE)).toMatchObject({ state: "working", reason: "open_turn" });
    expect(state(rolloutText("approval-pending"), { alive: false })).toMatchObject({
      state: "abnormal",
      reason: "crashed_mid_turn",
    });
  });

  it("/compact is a turn of its own; the verdict is its completion", () => {
    const completed = eventTurnIds("compacted", "task_complete");
    expect(completed).toHaveLength(2);
    expect(state(rolloutText("compacted"))).toMatchObject({ state: "idle", turn_id: completed[1] });
  });

  it("a long mixed session (answer, interrupt, 400, 429, 500, denied approval, /compact) ends idle", () => {
    const facts = extractCodexFacts(rolloutRecords("mixed-session")).map((f) => f.kind);
    expect(facts).toEqual([
      "turn_open",
      "turn_complete",
      "turn_open",
      "interrupted",
      "turn_open",
      "error",
      "turn_complete",
      "turn_open",
      "error",
      "turn_complete",
      "turn_open",
      "error",
      "turn_complete",
      "turn_open",
      "interrupted",
      "turn_open",
      "turn_complete",
    ]);
    expect(state(rolloutText("mixed-session")).state).toBe("idle");
  });

  it("reads the same verdict from the 128 KiB tail the coordinator reads", () => {
    const bytes = Buffer.from(rolloutText("mixed-session"));
    const padded = Buffer.concat([Buffer.from(`${"x".repeat(TURN_STATE_TAIL_BYTES)}\n`), bytes]);
    const text = tailForTurnState(padded, { truncated: false });
    expect(state(text).state).toBe("idle");
  });

  it("keeps the record each fact came from", () => {
    const facts = extractCodexFacts(rolloutRecords("interrupted"));
    expect(facts.at(-1)?.raw).toMatchObject({ type: "event_msg", payload: { type: "turn_aborted" } });
  });
});

describe("synthetic edge cases", () => {
  it("trailing metadata after the completion does not change the verdict", () => {
    const text = lines(
      event({ type: "task_started", turn_id: "t1" }),
      event({ type: "task_complete", turn_id: "t1" }),
      event({ type: "token_count", info: null }),
      { type: "turn_context", payload: { turn_id: "t2" } },
      { type: "response_item", payload: { type: "message", role: "user", content: [] } },
    );
    expect(state(text)).toMatchObject({ state: "idle", turn_id: "t1" });
  });

  it("a started turn after a completed one is open again", () => {
    const text = lines(event({ type: "task_complete", turn_id: "t1" }), event({ type: "task_started", turn_id: "t2" }));
    expect(state(text, ALIVE)).toMatchObject({ state: "working", turn_id: "t2" });
  });

  it("keeps an abort reason other than interrupted", () => {
    const text = lines(event({ type: "turn_aborted", turn_id: "t1", reason: "replaced" }));
    expect(state(text)).toMatchObject({ state: "idle_interrupted", reason: "replaced" });
  });

  it("a missing turn id becomes null, not a crash", () => {
    expect(state(lines(event({ type: "task_complete" })))).toMatchObject({ state: "idle", turn_id: null });
  });

  it("bad lines become diagnostics while valid records still decide", () => {
    const text = `not json\n[1,2]\n${lines(event({ type: "task_started", turn_id: "t1" }), event({ type: "task_complete", turn_id: "t1" }))}`;
    const result = state(text);
    expect(result.state).toBe("idle");
    expect(result.diagnostics.map((d) => d.kind)).toEqual(["json_decode_error", "non_object_record"]);
  });

  it("only metadata: unknown (no lifecycle fact)", () => {
    const text = lines({ type: "session_meta", payload: { id: "x", cwd: "/w" } }, { session_meta: { payload: {} } });
    expect(state(text)).toMatchObject({ state: "unknown", reason: "no_turn_lifecycle_fact" });
  });

  it("an event_msg error is a non-closing error fact", () => {
    const facts = extractCodexFacts([
      event({ type: "task_started", turn_id: "t1" }),
      event({ type: "error", message: "stream disconnected", codex_error_info: "response_stream_disconnected" }),
    ]);
    expect(facts.map((f) => [f.kind, f.signature])).toEqual([
      ["turn_open", undefined],
      ["error", "api_error"],
    ]);
  });
});

describe("app-server records", () => {
  const completed = (status: string, error: unknown = null) => ({
    jsonrpc: "2.0",
    method: "turn/completed",
    params: { threadId: "th", turn: { id: "t9", status, error, items: [] } },
  });

  it.each([
    ["completed", "idle", undefined],
    ["interrupted", "idle_interrupted", "interrupted"],
    ["failed", "abnormal", "turn_failed"],
  ])("turn/completed %s → %s", (status, expected, annotation) => {
    const result = state(lines(completed(status)));
    expect(result).toMatchObject({ state: expected, turn_id: "t9" });
    if (annotation) expect(result.annotations).toEqual([annotation]);
  });

  it("a failed turn carries signature turn_failed and the error category as reason", () => {
    const facts = extractCodexFacts([completed("failed", { message: "quota", codexErrorInfo: "usageLimitExceeded" })]);
    expect(facts).toMatchObject([{ kind: "failed", signature: "turn_failed", reason: "usage_limit_exceeded" }]);
  });

  it("turn/completed inProgress and turn/started open the turn", () => {
    expect(state(lines(completed("inProgress")), ALIVE).state).toBe("working");
    const started = { jsonrpc: "2.0", method: "turn/started", params: { threadId: "th", turn: { id: "t8" } } };
    expect(state(lines(started), ALIVE)).toMatchObject({ state: "working", turn_id: "t8" });
  });

  it.each([
    ["item/commandExecution/requestApproval", "approval_required"],
    ["item/fileChange/requestApproval", "approval_required"],
    ["item/permissions/requestApproval", "approval_required"],
    ["execCommandApproval", "approval_required"],
    ["applyPatchApproval", "approval_required"],
    ["item/tool/requestUserInput", "user_input_required"],
    ["mcpServer/elicitation/request", "user_input_required"],
  ])("%s blocks on a human", (method, signature) => {
    const record = { jsonrpc: "2.0", id: 3, method, params: { threadId: "th", turnId: "t7", itemId: "i" } };
    const result = state(lines(completed("inProgress"), record));
    expect(result).toMatchObject({ state: "blocked_on_human", turn_id: "t7", annotations: ["awaiting_approval"] });
    expect(extractCodexFacts([record])[0]?.signature).toBe(signature);
  });

  it("reads turn_id in snake case too", () => {
    const record = { jsonrpc: "2.0", method: "item/commandExecution/requestApproval", params: { turn_id: "t6" } };
    expect(extractCodexFacts([record])[0]?.turn_id).toBe("t6");
  });

  it("ignores an error notification that will be retried, keeps the final one", () => {
    const error = (willRetry: boolean) => ({
      jsonrpc: "2.0",
      method: "error",
      params: {
        threadId: "th",
        turnId: "t5",
        willRetry,
        error: { message: "429 Too Many Requests", codexErrorInfo: "rateLimitExceeded" },
      },
    });
    expect(extractCodexFacts([error(true)])).toEqual([]);
    expect(extractCodexFacts([error(false)])).toMatchObject([
      { kind: "error", signature: "rate_limited", reason: "rate_limit_exceeded", turn_id: "t5" },
    ]);
  });

  it("ignores other methods and responses", () => {
    expect(
      extractCodexFacts([
        { jsonrpc: "2.0", method: "item/agentMessage/delta", params: {} },
        { jsonrpc: "2.0", id: 1, result: {} },
      ]),
    ).toEqual([]);
  });
});
