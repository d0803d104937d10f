import { describe, expect, it } from "vitest";
import { codexFaults } from "../../src/transcripts/faults.js";
import { rolloutText } from "../helpers/fixtures.js";

const lines = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n");
const event = (payload: Record<string, unknown>) => ({ type: "event_msg", payload });
const started = (turn: string) => event({ type: "task_started", turn_id: turn });

describe("faults in recorded rollouts", () => {
  it("HTTP 400: an API error with the body as detail", () => {
    expect(codexFaults(rolloutText("api-error-400"))).toEqual([
      { kind: "api_error", signature: "other", detail: expect.stringContaining("Injected HTTP 400 for testing") },
    ]);
  });

  it("HTTP 429: a rate limit, with the status", () => {
    expect(codexFaults(rolloutText("api-error-429"))).toEqual([
      {
        kind: "rate_limited",
        signature: "response_too_many_failed_attempts",
        detail: "exceeded retry limit, last status: 429 Too Many Requests (HTTP 429)",
      },
    ]);
  });

  it("HTTP 500 after retries: an API error", () => {
    expect(codexFaults(rolloutText("api-error-500"))).toEqual([
      { kind: "api_error", signature: "internal_server_error", detail: expect.stringContaining("high demand") },
    ]);
  });

  it("/compact: one compaction although two records report it", () => {
    expect(codexFaults(rolloutText("compacted"))).toEqual([
      { kind: "compaction", signature: "context_compacted", detail: expect.any(String) },
    ]);
  });

  it("clean turns and interrupts are no faults", () => {
    expect(codexFaults(rolloutText("turn-complete"))).toEqual([]);
    expect(codexFaults(rolloutText("interrupted"))).toEqual([]);
    expect(codexFaults(rolloutText("approval-pending"))).toEqual([]);
  });

  it("the mixed session lists its three API failures and the compaction in order", () => {
    expect(codexFaults(rolloutText("mixed-session")).map((f) => `${f.kind}:${f.signature}`)).toEqual([
      "api_error:other",
      "rate_limited:response_too_many_failed_attempts",
      "api_error:internal_server_error",
      "compaction:context_compacted",
    ]);
  });
});

describe("synthetic faults", () => {
  it("a reached rate limit in token_count", () => {
    const limits = (rate_limits: Record<string, unknown>) => event({ type: "token_count", info: null, rate_limits });
    expect(codexFaults(lines(limits({ primary: { used_percent: 42 }, rate_limit_reached_type: null })))).toEqual([]);
    expect(codexFaults(lines(limits({ primary: { used_percent: 100, window_minutes: 300 } })))).toMatchObject([
      { kind: "rate_limited", signature: "primary_window_exhausted" },
    ]);
    expect(
      codexFaults(lines(limits({ rate_limit_reached_type: "workspace_member_usage_limit_reached" }))),
    ).toMatchObject([{ kind: "rate_limited", signature: "workspace_member_usage_limit_reached" }]);
  });

  it("reports a fault once per turn and again in a new turn", () => {
    const full = event({ type: "token_count", rate_limits: { secondary: { used_percent: 100 } } });
    const text = lines(started("t1"), full, full, started("t2"), full);
    expect(codexFaults(text).map((f) => f.signature)).toEqual([
      "secondary_window_exhausted",
      "secondary_window_exhausted",
    ]);
  });

  it("older and app-server compaction records", () => {
    expect(codexFaults(lines(event({ type: "context_compacted" })))).toHaveLength(1);
    expect(codexFaults(lines({ jsonrpc: "2.0", method: "thread/compacted", params: { threadId: "th" } }))).toHaveLength(
      1,
    );
    const item = { jsonrpc: "2.0", method: "item/completed", params: { item: { type: "contextCompaction", id: "c" } } };
    expect(codexFaults(lines(item))).toMatchObject([{ kind: "compaction" }]);
  });

  it("app-server turn errors: camelCase categories, failed turns, final error notifications", () => {
    const turn = (status: string, error: unknown) => ({
      jsonrpc: "2.0",
      method: "turn/completed",
      params: { threadId: "th", turn: { id: "t1", status, error } },
    });
    expect(codexFaults(lines(turn("failed", { message: "ctx", codexErrorInfo: "contextWindowExceeded" })))).toEqual([
      { kind: "api_error", signature: "context_window_exceeded", detail: "ctx" },
    ]);
    expect(codexFaults(lines(turn("failed", null)))).toMatchObject([{ signature: "turn_failed" }]);
    const notification = (willRetry: boolean) => ({
      jsonrpc: "2.0",
      method: "error",
      params: {
        turnId: "t1",
        willRetry,
        error: { message: "slow down", codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 429 } } },
      },
    });
    expect(codexFaults(lines(notification(true)))).toEqual([]);
    expect(codexFaults(lines(notification(false)))).toEqual([
      { kind: "rate_limited", signature: "http_connection_failed", detail: "slow down (HTTP 429)" },
    ]);
  });

  it("an MCP tool call that failed", () => {
    const end = event({
      type: "mcp_tool_call_end",
      call_id: "c1",
      invocation: { server: "team_orchestrator", tool: "report_result", arguments: {} },
      result: { Err: "tool call timed out" },
    });
    const ok = event({ type: "mcp_tool_call_end", invocation: {}, result: { Ok: { content: [] } } });
    expect(codexFaults(lines(ok, end))).toEqual([
      {
        kind: "tool_error",
        signature: "mcp_tool_error",
        detail: "team_orchestrator.report_result: tool call timed out",
      },
    ]);
  });

  it("clips long details and survives garbage", () => {
    const long = event({
      type: "task_complete",
      turn_id: "t",
      error: { message: "x".repeat(5000), codex_error_info: "other" },
    });
    const [fault] = codexFaults(`garbage\n${lines(long)}`);
    expect(fault?.detail.length).toBeLessThanOrEqual(300);
    expect(codexFaults("")).toEqual([]);
  });
});
