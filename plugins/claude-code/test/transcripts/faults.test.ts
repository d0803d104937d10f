import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { transcriptFaults } from "../../src/transcripts/faults.js";
import { TRANSCRIPTS } from "../helpers.js";

const recorded = (what: string) => readFileSync(join(TRANSCRIPTS, `claude-code-2.1.332-${what}.jsonl`), "utf8");
const lines = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n");

describe("faults on real Claude Code 2.1.332 transcripts", () => {
  it("HTTP 400 answer → api_error with status and message", () => {
    expect(transcriptFaults(recorded("api-error-400"))).toEqual([
      {
        kind: "api_error",
        signature: "api_error",
        detail: "HTTP 400 · api_error · API Error: 400 Injected bad request for testing",
      },
    ]);
  });

  it("HTTP 429 after retries → rate_limited, after the earlier 400", () => {
    const faults = transcriptFaults(recorded("api-error-429-retried"));
    expect(faults.map((f) => [f.kind, f.signature])).toEqual([
      ["api_error", "api_error"],
      ["rate_limited", "rate_limit"],
    ]);
    expect(faults[1]?.detail).toContain("HTTP 429 · rate_limit_error");
    expect(faults[1]?.detail).toContain("Rate limit reached for testing");
  });

  it("a failing command → tool_error with its output", () => {
    expect(transcriptFaults(recorded("tool-error"))).toEqual([
      { kind: "tool_error", signature: "tool_result_is_error", detail: "Exit code 3 failing" },
    ]);
  });

  it("clean turns have no faults", () => {
    expect(transcriptFaults(recorded("turn-complete"))).toEqual([]);
    expect(transcriptFaults(recorded("tool-use"))).toEqual([]);
    expect(transcriptFaults(recorded("interrupted"))).toEqual([]);
  });
});

describe("faults on synthetic records", () => {
  it("system api_error retry records keep attempt, max and delay", () => {
    const text = lines({
      type: "system",
      subtype: "api_error",
      level: "error",
      error: { status: 529, error: { type: "overloaded_error", message: "Overloaded" } },
      retryAttempt: 3,
      maxRetries: 10,
      retryInMs: 2000,
    });
    expect(transcriptFaults(text)).toEqual([
      {
        kind: "api_error",
        signature: "overloaded",
        detail: "HTTP 529 · overloaded_error · Overloaded · retry 3/10 in 2000 ms",
      },
    ]);
  });

  it("rate limits are recognised by status or by wording", () => {
    const byStatus = { type: "system", subtype: "api_error", level: "error", error: { status: 429 }, retryAttempt: 1 };
    const byText = {
      type: "assistant",
      isApiErrorMessage: true,
      message: { content: [{ type: "text", text: "API Error: rate limited" }] },
    };
    expect(transcriptFaults(lines(byStatus, byText)).map((f) => f.kind)).toEqual(["rate_limited", "rate_limited"]);
  });

  it("compaction boundaries are reported", () => {
    const text = lines({
      type: "system",
      subtype: "compact_boundary",
      compactMetadata: { trigger: "auto", preTokens: 155000 },
    });
    expect(transcriptFaults(text)).toEqual([
      {
        kind: "compaction",
        signature: "compact_boundary",
        detail: "conversation compacted · auto · 155000 tokens before",
      },
    ]);
  });

  it("long details are clipped; broken lines are skipped", () => {
    const long = {
      type: "user",
      message: { content: [{ type: "tool_result", is_error: true, content: "x".repeat(1000) }] },
    };
    const faults = transcriptFaults(
      `not json\n${JSON.stringify(long)}\n[1]\n{"type":"user","message":{"content":"hi"}}`,
    );
    expect(faults).toHaveLength(1);
    expect(faults[0]?.detail.length).toBe(300);
  });
});
