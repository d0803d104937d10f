import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import type { ResultEnvelopeV1 } from "../../src/result-envelope-v1.js";
import { ResultsRepo } from "../../src/store/results.js";
import { useTempStore } from "../helpers/temp-store.js";

const store = useTempStore({ start: "2026-05-27T07:00:00.000Z" });
let results: ResultsRepo;

beforeEach(() => {
  results = new ResultsRepo(store.ctx);
});

function envelope(taskId: string, status: ResultEnvelopeV1["status"] = "success"): ResultEnvelopeV1 {
  return {
    schema_version: "result_envelope_v1",
    task_id: taskId,
    agent_id: "dev",
    status,
    summary: `did ${taskId}`,
    changes: [],
    tests: [],
    risks: [],
    artifacts: [],
    next_actions: [],
  };
}

const totalRows = () => (store.ctx.db.prepare("SELECT count(*) AS n FROM results").get() as { n: number }).n;

describe("ResultsRepo", () => {
  it("stores a valid envelope uncollected, with its status kept apart from collection", () => {
    const row = results.add("team_a", envelope("t1", "partial"), { messageId: "msg_0123456789ab" });
    expect(row).toEqual({
      result_id: expect.stringMatching(/^res_[0-9a-f]{12}$/),
      team_id: "team_a",
      task_id: "t1",
      agent_id: "dev",
      message_id: "msg_0123456789ab",
      envelope: envelope("t1", "partial"),
      status: "partial",
      collection: "uncollected",
      collection_error: null,
      created_at: "2026-05-27T07:00:00.000Z",
      collected_at: null,
    });
    expect(results.get(row.result_id)).toEqual(row);
  });

  it("writes nothing for an invalid envelope", () => {
    expect(() => results.add("team_a", { ...envelope("t1"), summary: 5 })).toThrow(ValidationError);
    expect(() => results.add("team_a", { schema_version: "result_envelope_v1" })).toThrow(
      expect.objectContaining({ code: "result_envelope_invalid" }),
    );
    expect(totalRows()).toBe(0);
  });

  it("collects, rejects and counts", () => {
    const a = results.add("team_a", envelope("t1"));
    store.clock.advance(1_000);
    const b = results.add("team_a", envelope("t2", "failed"));
    store.clock.advance(1_000);
    const c = results.add("team_a", envelope("t3", "failed"));
    results.add("team_b", envelope("t9"));
    expect(results.listUncollected("team_a").map((r) => r.result_id)).toEqual([a.result_id, b.result_id, c.result_id]);

    store.clock.advance(1_000);
    expect(results.markCollected([a.result_id, b.result_id])).toEqual([a.result_id, b.result_id]);
    expect(results.get(a.result_id)).toMatchObject({
      collection: "collected",
      collected_at: "2026-05-27T07:00:03.000Z",
    });
    // Already settled rows do not move again.
    expect(results.markCollected([a.result_id, c.result_id])).toEqual([c.result_id]);
    expect(results.get(a.result_id)?.collected_at).toBe("2026-05-27T07:00:03.000Z");

    const d = results.add("team_a", envelope("t4", "blocked"));
    expect(results.markInvalid(d.result_id, "unknown task t4")).toBe(true);
    expect(results.markInvalid(d.result_id, "again")).toBe(false);
    expect(results.markInvalid(a.result_id, "too late")).toBe(false);
    expect(results.get(d.result_id)).toMatchObject({
      collection: "invalid",
      collection_error: "unknown task t4",
      status: "blocked",
    });
    expect(results.listUncollected("team_a")).toEqual([]);

    expect(results.counts("team_a")).toEqual({
      total: 4,
      uncollected: 0,
      collected: 3,
      invalid: 1,
      by_status: { success: 1, failed: 2, blocked: 1 },
    });
    expect(results.counts("team_b")).toEqual({
      total: 1,
      uncollected: 1,
      collected: 0,
      invalid: 0,
      by_status: { success: 1 },
    });
  });

  it("returns the latest results of the team, newest first", () => {
    const ids: string[] = [];
    for (const task of ["t1", "t2", "t3"]) {
      ids.push(results.add("team_a", envelope(task)).result_id);
      store.clock.advance(10);
    }
    results.add("team_b", envelope("t4"));
    expect(results.latest("team_a", 2).map((r) => r.result_id)).toEqual([ids[2], ids[1]]);
    expect(results.latest("team_a").map((r) => r.task_id)).toEqual(["t3", "t2", "t1"]);
  });
});
