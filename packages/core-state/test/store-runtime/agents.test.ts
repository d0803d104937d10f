import { beforeEach, describe, expect, it } from "vitest";
import { type TeamRuntimeError, ValidationError } from "../../src/errors.js";
import { AgentsRepo } from "../../src/store/agents.js";
import { thrownBy } from "../helpers/errors.js";
import { useTempStore } from "../helpers/temp-store.js";

const codeOf = (fn: () => unknown): string => thrownBy<TeamRuntimeError>(fn).code;

describe("AgentsRepo", () => {
  const store = useTempStore({ teams: ["alpha", "beta"] });
  let agents: AgentsRepo;

  beforeEach(() => {
    agents = new AgentsRepo(store.ctx);
  });

  it("upsert inserts a launch row with every typed field and null session-capture fields", () => {
    expect(
      agents.upsert("alpha", "dev", {
        status: "running",
        provider: "codex",
        model: "gpt-5",
        window: "dev",
        mcp_config: "/w/.team/runtime/mcp/dev.json",
        permissions: { tools: ["send"], peers: ["qa"] },
        spawn_cwd: "/w",
        spawned_at: store.clock.iso(),
      }),
    ).toBe(true);
    expect(agents.get("alpha", "dev")).toEqual({
      team_id: "alpha",
      agent_id: "dev",
      status: "running",
      provider: "codex",
      role: null,
      model: "gpt-5",
      auth_mode: null,
      profile: null,
      window: "dev",
      pane_id: null,
      mcp_config: "/w/.team/runtime/mcp/dev.json",
      permissions: { tools: ["send"], peers: ["qa"] },
      spawn_cwd: "/w",
      spawned_at: store.clock.iso(),
      session_id: null,
      rollout_path: null,
      captured_at: null,
      captured_via: null,
      attribution_confidence: null,
      attrs: {},
      created_at: store.clock.iso(),
      updated_at: store.clock.iso(),
    });
  });

  it("upsert of an existing agent updates given fields and keeps attrs and created_at", () => {
    const createdAt = store.clock.iso();
    agents.upsert("alpha", "dev", { status: "running", provider: "codex", model: "m1" });
    agents.setAttrs("alpha", "dev", { display: { pane: "%3" } });
    store.clock.advance(1_000);
    expect(agents.upsert("alpha", "dev", { status: "running", provider: "codex", model: "m1" })).toBe(false);
    expect(agents.upsert("alpha", "dev", { status: "running", provider: "claude" })).toBe(true);
    expect(agents.get("alpha", "dev")).toMatchObject({
      provider: "claude",
      model: "m1",
      attrs: { display: { pane: "%3" } },
      created_at: createdAt,
      updated_at: store.clock.iso(),
    });
  });

  it("keeps agents of different teams apart", () => {
    agents.upsert("alpha", "dev", { status: "running", provider: "codex" });
    agents.upsert("beta", "dev", { status: "paused", provider: "claude" });
    agents.upsert("alpha", "ab", { status: "running", provider: "codex" });
    expect(agents.list("alpha").map((agent) => agent.agent_id)).toEqual(["ab", "dev"]);
    expect(agents.list("beta").map((agent) => [agent.agent_id, agent.status])).toEqual([["dev", "paused"]]);
    expect(agents.list("gamma")).toEqual([]);
  });

  it("update writes session capture fields, skips unchanged writes, and allows the half-state", () => {
    agents.upsert("alpha", "dev", { status: "running", provider: "codex" });
    store.clock.advance(1_000);
    // A rollout path without a session id is a legal half-state.
    expect(
      agents.update("alpha", "dev", {
        rollout_path: "/home/u/.codex/sessions/r.jsonl",
        captured_at: store.clock.iso(),
        captured_via: "fs_watch",
        attribution_confidence: "low",
      }),
    ).toBe(true);
    const updatedAt = store.clock.iso();
    store.clock.advance(1_000);
    expect(agents.update("alpha", "dev", { rollout_path: "/home/u/.codex/sessions/r.jsonl" })).toBe(false);
    expect(agents.update("alpha", "dev", {})).toBe(false);
    const row = agents.get("alpha", "dev")!;
    expect(row).toMatchObject({ session_id: null, captured_via: "fs_watch", updated_at: updatedAt });

    expect(agents.update("alpha", "dev", { session_id: "sess-1", attribution_confidence: "high" })).toBe(true);
    expect(agents.update("alpha", "dev", { status: "awaiting_trust_prompt" })).toBe(true);
    expect(agents.get("alpha", "dev")).toMatchObject({ session_id: "sess-1", status: "awaiting_trust_prompt" });
    expect(agents.update("alpha", "dev", { session_id: null })).toBe(true);
    expect(agents.get("alpha", "dev")?.session_id).toBeNull();
  });

  it("update refuses unknown agents, unknown fields and non-scalar values", () => {
    agents.upsert("alpha", "dev", { status: "running", provider: "codex" });
    expect(codeOf(() => agents.update("alpha", "ghost", { status: "running" }))).toBe("agent_not_found");
    expect(codeOf(() => agents.update("beta", "dev", { status: "running" }))).toBe("agent_not_found");
    expect(() => agents.update("alpha", "dev", { attrs: {} } as never)).toThrow(ValidationError);
    expect(() => agents.update("alpha", "dev", { agent_id: "x" } as never)).toThrow(ValidationError);
    expect(() => agents.update("alpha", "dev", { model: 5 as never })).not.toThrow();
    expect(() => agents.update("alpha", "dev", { model: { a: 1 } as never })).toThrow(ValidationError);
  });

  it("setAttrs merges subsystem keys, null removes, unchanged is skipped", () => {
    agents.upsert("alpha", "dev", { status: "running", provider: "codex" });
    expect(agents.setAttrs("alpha", "dev", { display: { mode: "pane" }, last_output_hash: "h1" })).toBe(true);
    expect(agents.setAttrs("alpha", "dev", { trust_auto_answer_stage: "answered" })).toBe(true);
    expect(agents.setAttrs("alpha", "dev", { last_output_hash: "h1" })).toBe(false);
    expect(agents.setAttrs("alpha", "dev", { display: null })).toBe(true);
    expect(agents.get("alpha", "dev")?.attrs).toEqual({ last_output_hash: "h1", trust_auto_answer_stage: "answered" });
    expect(codeOf(() => agents.setAttrs("alpha", "ghost", { a: 1 }))).toBe("agent_not_found");
  });

  it("remove deletes one agent", () => {
    agents.upsert("alpha", "dev", { status: "running", provider: "codex" });
    agents.upsert("beta", "dev", { status: "running", provider: "codex" });
    expect(agents.remove("alpha", "dev")).toBe(true);
    expect(agents.remove("alpha", "dev")).toBe(false);
    expect(agents.get("alpha", "dev")).toBeNull();
    expect(agents.get("beta", "dev")).not.toBeNull();
  });

  it("validates ids and requires a registered team", () => {
    expect(() => agents.upsert("alpha", "bad id", { status: "running", provider: "x" })).toThrow(ValidationError);
    expect(() => agents.get("../alpha", "dev")).toThrow(ValidationError);
    expect(() => agents.list("")).toThrow(ValidationError);
    expect(codeOf(() => agents.upsert("gamma", "dev", { status: "running", provider: "x" }))).toBe("team_not_found");
  });
});
