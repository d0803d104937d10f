import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentsRepo } from "../../src/store/agents.js";
import { openStoreContext } from "../../src/store/open.js";
import { fixtureScript, useChildPool } from "../helpers/children.js";
import { useTempDirs } from "../helpers/temp-dir.js";

const COMMITTED = 20;
const TOTAL = 500;

describe("SIGKILL in the middle of a transaction", () => {
  const temp = useTempDirs();
  const pool = useChildPool();

  it("leaves a store that opens cleanly with the committed rows and none of the half-done ones", async () => {
    const dbPath = join(temp.make("ta-sigkill-"), "runtime", "team.db");
    const child = pool.start(fixtureScript("runtime/sigkill-writer.ts"), [
      dbPath,
      "alpha",
      String(COMMITTED),
      String(TOTAL),
    ]);

    const committedLine = await child.waitForLine((line) => line.startsWith(`{"committed":${COMMITTED},`), "commits");
    const walAfterCommits = (JSON.parse(committedLine) as { wal_bytes: number }).wal_bytes;
    expect(walAfterCommits).toBeGreaterThan(0);
    await child.waitForLine((line) => line.startsWith('{"mid_transaction":'), "the mid-transaction marker");
    // The uncommitted half was spilled into the WAL file, so recovery really has frames to discard.
    expect(statSync(`${dbPath}-wal`).size).toBeGreaterThan(walAfterCommits);

    child.process.kill("SIGKILL");
    expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(child.lines.some((line) => line.includes("unexpected"))).toBe(false);

    const { context } = await openStoreContext(dbPath);
    try {
      expect(context.db.pragma("integrity_check", { simple: true })).toBe("ok");
      const ids = new AgentsRepo(context).list("alpha").map((agent) => agent.agent_id);
      expect(ids).toHaveLength(COMMITTED);
      expect(ids.every((id) => id.startsWith("committed-"))).toBe(true);
      const pending = context.db.prepare("SELECT count(*) AS n FROM agents WHERE agent_id LIKE 'pending-%'").get() as {
        n: number;
      };
      expect(pending.n).toBe(0);
      // The store keeps working after recovery.
      new AgentsRepo(context).upsert("alpha", "after-crash", { status: "running", provider: "fake" });
      expect(new AgentsRepo(context).get("alpha", "after-crash")?.status).toBe("running");
    } finally {
      context.db.close();
    }
    expect(existsSync(dbPath)).toBe(true);
  });
});
