import { describe, expect, it } from "vitest";
import { AgentsRepo } from "../../src/store/agents.js";
import { TeamsRepo } from "../../src/store/teams.js";
import { fixtureScript, useChildPool } from "../helpers/children.js";
import { useTempStore } from "../helpers/temp-store.js";

const CHILDREN = 8;
const ITERATIONS = 1_000;
/** Typed agent columns owned by children 0..2; the other children write attrs only. */
const TYPED_COLUMN_BY_CHILD = ["model", "role", "profile"] as const;

describe("concurrent writers (D1: no lost updates between processes)", () => {
  const store = useTempStore({ clock: "system", teams: ["alpha"] });
  const pool = useChildPool();

  it("8 processes each writing their own field of one agent row and one team row 1,000 times lose nothing", async () => {
    new AgentsRepo(store.ctx).upsert("alpha", "dev", { status: "running", provider: "fake" });

    const children = await pool.startTogether(
      fixtureScript("runtime/concurrent-writer.ts"),
      Array.from({ length: CHILDREN }, (_, index) => [
        store.dbPath,
        "alpha",
        "dev",
        String(index),
        String(ITERATIONS),
        TYPED_COLUMN_BY_CHILD[index] ?? "",
      ]),
    );
    const exits = await Promise.all(children.map((child) => child.waitForExit(100_000)));

    const reports = children.map((child) => child.jsonLines().find((line) => "done" in line));
    for (const [index, child] of children.entries()) {
      expect(exits[index], child.stderr).toEqual({ code: 0, signal: null });
      expect(child.jsonLines().filter((line) => "error" in line)).toEqual([]);
      // Every write changed its row: nobody's update was swallowed as "unchanged".
      const perIteration = TYPED_COLUMN_BY_CHILD[index] === undefined ? 2 : 3;
      expect(reports[index]?.["writes"]).toBe(ITERATIONS * perIteration);
    }
    // The children really overlapped: each one started before every other one finished.
    const latestStart = Math.max(...reports.map((report) => Number(report?.["started_at"])));
    const earliestFinish = Math.min(...reports.map((report) => Number(report?.["finished_at"])));
    expect(latestStart).toBeLessThan(earliestFinish);

    const agent = new AgentsRepo(store.ctx).get("alpha", "dev")!;
    const team = new TeamsRepo(store.ctx).get("alpha")!;
    for (let index = 0; index < CHILDREN; index += 1) {
      expect(agent.attrs[`counter_${index}`]).toBe(ITERATIONS);
      expect(team.attrs[`counter_${index}`]).toBe(ITERATIONS);
    }
    expect(Object.keys(agent.attrs).sort()).toHaveLength(CHILDREN);
    for (const [index, column] of TYPED_COLUMN_BY_CHILD.entries()) {
      expect(agent[column]).toBe(`child${index}-${ITERATIONS}`);
    }
    // Columns nobody wrote stay as launch left them.
    expect(agent.status).toBe("running");
    expect(agent.provider).toBe("fake");
    expect(store.ctx.db.pragma("integrity_check", { simple: true })).toBe("ok");
  }, 120_000);
});
