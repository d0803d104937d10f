// Pure pieces of the server: what a worker's context receives (§2.4) and how failures are bucketed (§2.6).
import { TeamRuntimeError, ValidationError } from "@team-agent/core-state";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compactForAgent, compactView } from "../../src/mcp/compaction.js";
import { describeIssues, flattenMessage, ToolArgumentError, thrownFailure } from "../../src/mcp/errors.js";
import { identityFromEnv, senderOf, workspaceFrom } from "../../src/mcp/identity.js";

describe("compactForAgent", () => {
  it("keeps the success fields a worker acts on and drops internals", () => {
    const result = {
      ok: true,
      status: "submitted",
      message_id: "msg_1",
      to: "w2",
      submitted: true,
      pane_id: "%3",
      verification: { token: "x", screen: "…" },
      delivered_by: "daemon",
      coordinator: { pid: 42 },
    };
    expect(compactForAgent(result)).toEqual({
      ok: true,
      status: "submitted",
      message_id: "msg_1",
      to: "w2",
      submitted: true,
    });
  });

  it("counts acknowledged messages instead of listing them, and says ok when nothing else survives", () => {
    expect(compactForAgent({ ok: true, acknowledged_messages: ["a", "b", "c"], internals: 1 })).toEqual({
      ok: true,
      acknowledged_count: 3,
    });
    expect(compactForAgent({ pane: "%1" })).toEqual({ ok: true });
  });

  it("keeps the failure fields, including the reason and what to do", () => {
    const failed = {
      ok: false,
      status: "refused",
      reason: "discard_session_required",
      agent_id: "w2",
      suggestion: "pass discard_session: true",
      submitted: false,
      coordinator: null,
    };
    expect(compactForAgent(failed)).toEqual({
      ok: false,
      status: "refused",
      reason: "discard_session_required",
      agent_id: "w2",
      suggestion: "pass discard_session: true",
    });
  });

  it("keeps deliveries and recipients only for fan-out results", () => {
    const deliveries = [{ to: "w1", message_id: "m1" }];
    expect(compactForAgent({ ok: true, status: "fanout_accepted", deliveries, recipients: ["w1"] })).toEqual({
      ok: true,
      status: "fanout_accepted",
      deliveries,
      recipients: ["w1"],
    });
    expect(compactForAgent({ ok: true, status: "accepted", deliveries })).toEqual({ ok: true, status: "accepted" });
  });
});

describe("compactView", () => {
  it("cuts long strings, caps lists with a marker and drops bulky keys at any depth", () => {
    const view = compactView({
      summary: "x".repeat(300),
      ids: Array.from({ length: 11 }, (_, index) => `id${index}`),
      rows: Array.from({ length: 25 }, (_, index) => ({ n: index, content: "secret body" })),
      nested: { prompt: "system prompt", keep: "yes" },
    }) as Record<string, unknown>;
    expect(view["summary"]).toBe(`${"x".repeat(239)}…`);
    expect(view["ids"]).toEqual(["id0", "id1", "id2", "id3", "id4", "id5", "id6", "id7", "... 3 more"]);
    const rows = view["rows"] as unknown[];
    expect(rows).toHaveLength(21);
    expect(rows[0]).toEqual({ n: 0 });
    expect(rows[20]).toBe("... 5 more");
    expect(view["nested"]).toEqual({ keep: "yes" });
  });
});

describe("error mapping", () => {
  it("flattens messages to one trimmed line of at most 200 characters, or the type name", () => {
    expect(flattenMessage("  first line\n  second\tline  ", "Error")).toBe("first line second line");
    expect(flattenMessage("y".repeat(500), "Error")).toHaveLength(200);
    expect(flattenMessage(" \n ", "TypeError")).toBe("TypeError");
  });

  it("names missing, unexpected and mistyped parameters", () => {
    const schema = z.strictObject({ to: z.string(), content: z.string(), count: z.number().optional() });
    const parsed = schema.safeParse({ to: "w1", count: "many", extra: 1 }, { reportInput: true });
    expect(parsed.success).toBe(false);
    const text = describeIssues(parsed.error?.issues ?? []);
    expect(text).toContain("missing required parameter 'content'");
    expect(text).toContain("unexpected parameter 'extra'");
    expect(text).toContain("parameter 'count':");
  });

  it("sorts thrown errors into argument-shaped and runtime failures", () => {
    expect(thrownFailure(new ToolArgumentError("bad recipient", "use an id"))).toMatchObject({
      reason: "invalid_tool_arguments",
      exc_type: "ToolArgumentError",
      suggestion: "use an id",
    });
    expect(thrownFailure(new ValidationError("invalid agent id", [], { code: "invalid_id" }))).toMatchObject({
      reason: "invalid_tool_arguments",
      code: "invalid_id",
    });
    expect(thrownFailure(new TeamRuntimeError("unknown_agent", "no w9", "check"))).toMatchObject({
      reason: "invalid_tool_arguments",
      code: "unknown_agent",
    });
    expect(thrownFailure(new TeamRuntimeError("persistence_degraded", "disk full", "free space"))).toMatchObject({
      reason: "internal_runtime_error",
      error_code: "internal_runtime_error",
      code: "persistence_degraded",
      message: "disk full",
      error: "disk full",
    });
    expect(thrownFailure(new RangeError("boom"))).toMatchObject({
      reason: "internal_runtime_error",
      exc_type: "RangeError",
    });
    expect(thrownFailure("plain")).toMatchObject({ reason: "internal_runtime_error", message: "plain" });
  });
});

describe("identity from the environment only", () => {
  it("reads the worker and its team, treating blank values as absent", () => {
    expect(identityFromEnv({ TEAM_AGENT_ID: "w1", TEAM_AGENT_OWNER_TEAM_ID: "alpha" })).toEqual({
      agentId: "w1",
      ownerTeamId: "alpha",
    });
    const anonymous = identityFromEnv({ TEAM_AGENT_ID: " ", TEAM_AGENT_OWNER_TEAM_ID: "" });
    expect(anonymous).toEqual({ agentId: null, ownerTeamId: null });
    expect(senderOf(anonymous)).toBe("unknown");
  });

  it("takes the workspace from the option, then the environment", () => {
    expect(workspaceFrom("/ws/a", { TEAM_AGENT_WORKSPACE: "/ws/b" })).toBe("/ws/a");
    expect(workspaceFrom(undefined, { TEAM_AGENT_WORKSPACE: "/ws/b" })).toBe("/ws/b");
    expect(workspaceFrom(undefined, {})).toBeNull();
  });
});
