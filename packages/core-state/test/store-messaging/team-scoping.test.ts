import { expect, it } from "vitest";
import { MessagesRepo } from "../../src/store/messages.js";
import { ResultsRepo } from "../../src/store/results.js";
import { ScheduledMessagesRepo } from "../../src/store/scheduled.js";
import { ResultWatchersRepo } from "../../src/store/watchers.js";
import { useTempStore } from "../helpers/temp-store.js";

const store = useTempStore({ start: "2026-05-27T07:00:00.000Z" });

it("never returns another team's rows from a team query", () => {
  const messages = new MessagesRepo(store.ctx);
  const results = new ResultsRepo(store.ctx);
  const watchers = new ResultWatchersRepo(store.ctx);
  const scheduled = new ScheduledMessagesRepo(store.ctx);

  // Identical activity in both teams: same agents, same task ids.
  for (const team of ["team_a", "team_b"]) {
    for (const claim of [false, true, true]) {
      const row = messages.create(team, {
        sender: "leader",
        recipient: "dev",
        content: `${team} message`,
        taskId: "t1",
      });
      if (claim) messages.claimForDelivery(row.message_id);
    }
    results.add(team, {
      schema_version: "result_envelope_v1",
      task_id: "t1",
      agent_id: "dev",
      status: "success",
      summary: `${team} result`,
      changes: [],
      tests: [],
      risks: [],
      artifacts: [],
      next_actions: [],
    });
    watchers.create(team, { taskId: "t1" });
    scheduled.schedule(team, { dueAt: "2026-05-27T07:00:00Z", target: "dev", kind: "send" });
  }
  store.clock.advance(3_600_000);
  const onlyA = (rows: Array<{ team_id: string }>) => {
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.team_id).toBe("team_a");
  };

  onlyA(messages.listPending("team_a"));
  onlyA(messages.inbox("team_a", "dev"));
  onlyA(results.listUncollected("team_a"));
  onlyA(results.latest("team_a"));
  onlyA(watchers.list("team_a"));
  onlyA(watchers.listRetryable("team_a"));
  onlyA(watchers.findMatching("team_a", { task_id: "t1", agent_id: "dev" }));
  onlyA(scheduled.due("team_a"));
  onlyA(scheduled.list("team_a"));
  expect(Object.values(messages.countsByStatus("team_a")).reduce((a, b) => a + b, 0)).toBe(3);
  expect(results.counts("team_a").total).toBe(1);

  // Team-scoped writes leave the other team alone too.
  const reclaimed = messages.reclaimStale("team_a", store.clock.iso());
  expect(reclaimed).toHaveLength(2);
  for (const id of reclaimed) expect(messages.get(id)?.team_id).toBe("team_a");
  expect(messages.countsByStatus("team_b").target_resolved).toBe(2);
  const acked = messages.acknowledgeByTask("team_a", "dev", "t1");
  expect(acked).toHaveLength(3);
  expect(messages.countsByStatus("team_b").acknowledged).toBe(0);
});
