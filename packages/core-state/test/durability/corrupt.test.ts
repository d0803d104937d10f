import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { TeamAgentError } from "../../src/errors.js";
import { AgentsRepo } from "../../src/store/agents.js";
import { CorruptStoreError, REPAIR_STORE_COMMAND } from "../../src/store/errors.js";
import { openStoreContext, repairStore } from "../../src/store/open.js";
import { TeamsRepo } from "../../src/store/teams.js";
import { thrownBy } from "../helpers/errors.js";
import { useTempDirs } from "../helpers/temp-dir.js";
import { ManualClock } from "../helpers/temp-store.js";

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

async function expectCorrupt(promise: Promise<unknown>, dbPath: string): Promise<CorruptStoreError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the open to fail");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CorruptStoreError);
  const corrupt = error as CorruptStoreError;
  expect(corrupt.code).toBe("store_corrupt");
  expect(corrupt.message).toContain(dbPath);
  expect(corrupt.action).toContain(REPAIR_STORE_COMMAND);
  return corrupt;
}

describe("a corrupt store is never replaced silently (D1)", () => {
  const temp = useTempDirs();
  let dir: string;
  let dbPath: string;

  beforeEach(() => {
    dir = temp.make("ta-corrupt-");
    mkdirSync(join(dir, "runtime"));
    dbPath = join(dir, "runtime", "team.db");
  });

  it("refuses a garbage file, leaves it byte-identical, and repair moves it aside for a fresh store", async () => {
    writeFileSync(dbPath, randomBytes(64 * 1024));
    const before = sha256(dbPath);

    await expectCorrupt(openStoreContext(dbPath), dbPath);
    expect(sha256(dbPath)).toBe(before);
    // A second attempt fails the same way: the first did not "fix" anything behind our back.
    await expectCorrupt(openStoreContext(dbPath), dbPath);
    expect(sha256(dbPath)).toBe(before);

    const clock = new ManualClock("2026-06-01T12:34:56.000Z");
    const report = repairStore(dbPath, { clock: clock.now });
    const movedTo = join(dir, "runtime", "team.db.corrupt-20260601T123456Z");
    expect(report.previous_status).toBe("corrupt");
    expect(report.moved_to).toContain(movedTo);
    expect(sha256(movedTo)).toBe(before);
    expect(existsSync(dbPath)).toBe(false);

    const { context } = await openStoreContext(dbPath);
    try {
      new TeamsRepo(context).register({ teamId: "alpha", sessionName: "team-alpha", workspace: "/w" });
      expect(new TeamsRepo(context).list().map((team) => team.team_id)).toEqual(["alpha"]);
    } finally {
      context.db.close();
    }
    expect(sha256(movedTo)).toBe(before);
  });

  it("repair refuses a healthy store unless forced", async () => {
    const { context } = await openStoreContext(dbPath);
    new TeamsRepo(context).register({ teamId: "alpha", sessionName: "team-alpha", workspace: "/w" });
    context.db.close();
    const before = sha256(dbPath);

    const refused = thrownBy(() => repairStore(dbPath));
    expect(refused).toBeInstanceOf(TeamAgentError);
    expect((refused as TeamAgentError).code).toBe("store_healthy");
    expect(sha256(dbPath)).toBe(before);

    const forced = repairStore(dbPath, { force: true });
    expect(forced.previous_status).toBe("ok");
    const moved = forced.moved_to.find((path) => /team\.db\.corrupt-\d{8}T\d{6}Z$/.test(path));
    expect(moved).toBeDefined();
    expect(sha256(moved!)).toBe(before);
    expect(existsSync(dbPath)).toBe(false);
  });

  it("a store damaged inside its data pages fails reads and writes with CorruptStoreError", async () => {
    const opened = await openStoreContext(dbPath);
    const agents = new AgentsRepo(opened.context);
    new TeamsRepo(opened.context).register({ teamId: "alpha", sessionName: "team-alpha", workspace: "/w" });
    const ids = Array.from({ length: 400 }, (_, i) => `agent-${String(i).padStart(3, "0")}`);
    for (const id of ids)
      agents.upsert("alpha", id, { status: "running", provider: "fake", mcp_config: "m".repeat(900) });
    opened.context.db.close(); // the last close checkpoints the WAL into team.db
    expect(existsSync(`${dbPath}-wal`)).toBe(false);

    // Overwrite the middle 40% of the file, page-aligned, where the agents table's pages are.
    const pageSize = 4096;
    const pages = statSync(dbPath).size / pageSize;
    const fd = openSync(dbPath, "r+");
    try {
      for (let page = Math.floor(pages * 0.3); page < Math.floor(pages * 0.7); page += 1) {
        writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, page * pageSize);
      }
    } finally {
      closeSync(fd);
    }

    const { context } = await openStoreContext(dbPath);
    try {
      const damaged = new AgentsRepo(context);
      expect(() => damaged.list("alpha")).toThrow(CorruptStoreError);
      const readError = thrownBy<CorruptStoreError>(() => damaged.list("alpha"));
      expect(readError.message).toContain(dbPath);
      expect(readError.action).toContain(REPAIR_STORE_COMMAND);

      // Writes go through ctx.write: every failure must be the store error, never a raw SqliteError.
      const writeErrors = ids.flatMap((id) => {
        try {
          damaged.setAttrs("alpha", id, { touched: true });
          return [];
        } catch (error) {
          return [error];
        }
      });
      expect(writeErrors.length).toBeGreaterThan(0);
      for (const error of writeErrors) expect(error).toBeInstanceOf(CorruptStoreError);
    } finally {
      context.db.close();
    }
  });
});
