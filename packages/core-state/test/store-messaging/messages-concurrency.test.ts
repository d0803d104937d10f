import { describe, expect, it } from "vitest";
import { MessagesRepo } from "../../src/store/messages.js";
import { useTempStore } from "../helpers/temp-store.js";
import { race } from "./race.js";

const store = useTempStore({ start: "2026-05-27T07:00:00.000Z" });

describe("messages across processes", () => {
  it("lets exactly one of 6 racing processes claim a message", async () => {
    const messages = new MessagesRepo(store.ctx);
    const { message_id: id } = messages.create("team_a", { sender: "leader", recipient: "dev", content: "once" });

    const outcomes = await race(Array.from({ length: 6 }, () => ["claim", store.dbPath, id]));

    for (const outcome of outcomes) expect(outcome.code, outcome.stderr).toBe(0);
    const winners = outcomes.filter((outcome) => outcome.result.won === true);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.result.delivery_attempts).toBe(1);
    expect(outcomes.filter((outcome) => outcome.result.won === false)).toHaveLength(5);
    expect(messages.get(id)).toMatchObject({ status: "target_resolved", delivery_attempts: 1 });
    expect(messages.attempts(id).filter((a) => a.to_status === "target_resolved")).toHaveLength(1);
  });

  it("serves 24 concurrent writers without a locked database", async () => {
    const outcomes = await race(
      Array.from({ length: 24 }, (_, index) => ["writer", store.dbPath, "team_a", String(index)]),
    );

    for (const outcome of outcomes) {
      expect(outcome.code, outcome.stderr).toBe(0);
      expect(outcome.stderr).not.toMatch(/database is locked/i);
      expect(outcome.result.status).toBe("submitted");
      // Contention is absorbed by busy_timeout inside SQLite, not by our retry-and-report path.
      expect(outcome.result.events).not.toContain("runtime.state.save_failed");
    }
    const messages = new MessagesRepo(store.ctx);
    expect(messages.countsByStatus("team_a").submitted).toBe(24);
    const ids = new Set(outcomes.map((outcome) => outcome.result.message_id));
    expect(ids.size).toBe(24);
    for (const id of ids) expect(messages.get(id as string)?.status).toBe("submitted");
  });
});
