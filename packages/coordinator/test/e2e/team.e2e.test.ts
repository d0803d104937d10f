/**
 * End to end on a private tmux server with the fake provider and a real daemon: start and ready, lead→worker
 * delivery, results reaching the lead exactly once, the all-idle reminder, a daemon killed mid-delivery, a killed
 * pane, concurrent senders, and tick errors. Waits are conditions with deadlines; "it does not happen again" is
 * checked after the daemon has provably ticked many more times (its stats file counts ticks).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { resolveNodeEntry } from "@team-agent/core-state";
import { tokenLine } from "@team-agent/tmux-prompt";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { coordinatorHealth, startCoordinator } from "../../src/daemon/process.js";
import { startAgent } from "../../src/ops/agent-lifecycle.js";
import { sendMessage } from "../../src/ops/send.js";
import { teamStatus } from "../../src/ops/status.js";
import { countContaining, openLeadPane } from "../helpers/lead-pane.js";
import { type TeamHarness, waitFor } from "../helpers/team-harness.js";
import { useTeamHarness } from "../helpers/use-team-harness.js";

const run = promisify(execFile);
const harnesses = useTeamHarness();
const E2E_TIMEOUT = 120_000;

afterEach(() => {
  delete process.env["TEAM_AGENT_DAEMON_STATS"];
  delete process.env["TEAM_AGENT_TEST_TICK_FAULT"];
});

/** How many ticks the daemon has finished, from the stats file it writes (0 before its first tick). */
function daemonTicks(statsPath: string): number {
  try {
    return (JSON.parse(readFileSync(statsPath, "utf8")) as { ticks: number }).ticks;
  } catch {
    return 0;
  }
}

async function waitTicks(ticks: () => number, more: number): Promise<void> {
  const target = ticks() + more;
  await waitFor(() => ticks() >= target, `${more} more daemon ticks`, 30_000);
}

/** User records in every worker transcript of the workspace. */
function workerUserTexts(harness: TeamHarness): string[] {
  const root = join(harness.workspace, ".team", "runtime", "fake-agent", "projects");
  if (!existsSync(root)) return [];
  const texts: string[] = [];
  for (const dir of readdirSync(root)) {
    for (const file of readdirSync(join(root, dir))) {
      for (const line of readFileSync(join(root, dir, file), "utf8").split("\n")) {
        if (!line.trim()) continue;
        const record = JSON.parse(line) as { type?: string; message?: { content?: unknown } };
        if (record.type === "user" && typeof record.message?.content === "string") texts.push(record.message.content);
      }
    }
  }
  return texts;
}

function statuses(harness: TeamHarness, ids: readonly string[]): string[] {
  return ids.map((id) => harness.runtime.store.messages.get(id)?.status ?? "missing");
}

/** Waits until every message is submitted; on timeout the error lists where each one stopped. */
async function waitAllSubmitted(harness: TeamHarness, ids: readonly string[], timeoutMs: number): Promise<void> {
  try {
    await waitFor(
      () => statuses(harness, ids).every((status) => DONE.has(status)),
      `all ${ids.length} submitted`,
      timeoutMs,
    );
  } catch (error) {
    const stuck = ids
      .filter((id) => !DONE.has(harness.runtime.store.messages.get(id)?.status ?? ""))
      .map((id) => ({
        id,
        attempts: harness.runtime.store.messages.attempts(id).map((a) => `${a.to_status}:${a.reason}`),
      }));
    throw new Error(`${(error as Error).message}; not submitted: ${JSON.stringify(stuck.slice(0, 5))}`);
  }
}

/** Waits until every message's token is in some worker transcript (submitted input may still sit in a CLI's queue). */
async function waitAllProcessed(harness: TeamHarness, ids: readonly string[]): Promise<string[]> {
  return waitFor(
    () => {
      const texts = workerUserTexts(harness);
      return ids.every((id) => countContaining(texts, tokenLine(id)) > 0) ? texts : null;
    },
    "every message in a worker transcript",
    60_000,
  );
}

const DONE = new Set(["submitted", "acknowledged"]);

describe("a running team", () => {
  it(
    "starts 4 workers ready, submits lead→worker sends, brings each result to the lead once, reminds once when all are idle",
    async () => {
      const statsPath = join("/tmp", `ta-stats-${process.pid}-${Date.now()}.json`);
      process.env["TEAM_AGENT_DAEMON_STATS"] = statsPath;
      const ticks = () => daemonTicks(statsPath);
      try {
        const harness = await harnesses.start({ workers: 4, daemon: true, tickIntervalMs: 200, idleDebounceMs: 1_500 });
        const lead = await openLeadPane(harness);
        const team = harness.team();
        const sent = await Promise.all(
          ["w1", "w2", "w3", "w4"].map((id, index) =>
            sendMessage(harness.runtime, team, {
              from: "leader",
              to: id,
              content: `task ${index} for ${id}`,
              taskId: `t${index}`,
            }),
          ),
        );
        for (const result of sent) {
          expect(result).toMatchObject({ ok: true, submitted: true, delivered_by: "daemon" });
        }
        const resultIds = await waitFor(() => {
          const rows = harness.runtime.store.results.latest(team.team_id, 10);
          return rows.length === 4 ? rows.map((row) => row.result_id) : null;
        }, "four results");
        await waitFor(
          () => resultIds.every((id) => countContaining(lead.received(), `Result id: ${id}`) === 1),
          "every result in the lead's transcript",
        );
        await waitFor(() => countContaining(lead.received(), "All nodes idle") === 1, "the all-idle reminder", 30_000);
        await waitTicks(ticks, 15);
        for (const id of resultIds) expect(countContaining(lead.received(), `Result id: ${id}`)).toBe(1);
        expect(countContaining(lead.received(), "All nodes idle")).toBe(1);
        expect(harness.events("idle_takeover.ping")).toHaveLength(1);
        const status = await teamStatus(harness.runtime, team);
        expect(status.coordinator.status).toBe("running");
        expect(status.agents.map((agent) => [agent.agent_id, agent.screen, agent.turn])).toEqual([
          ["w1", "input_ready", "idle"],
          ["w2", "input_ready", "idle"],
          ["w3", "input_ready", "idle"],
          ["w4", "input_ready", "idle"],
        ]);
      } finally {
        rmSync(statsPath, { force: true });
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "submits each of 50 messages exactly once when the daemon is SIGKILLed mid-delivery and started again",
    async () => {
      const harness = await harnesses.start({ workers: 4, daemon: true, tickIntervalMs: 200 });
      const team = harness.team();
      const ids: string[] = [];
      for (let index = 0; index < 50; index += 1) {
        const to = `w${(index % 4) + 1}`;
        const sent = await sendMessage(
          harness.runtime,
          team,
          { from: "leader", to, content: `burst ${index}` },
          { waitMs: 0 },
        );
        ids.push(sent.message_id);
      }
      await waitFor(() => statuses(harness, ids).filter((status) => DONE.has(status)).length >= 8, "8 deliveries");
      const pid = coordinatorHealth(harness.runtime, team).pid as number;
      process.kill(pid, "SIGKILL");
      await waitFor(() => coordinatorHealth(harness.runtime, team).status !== "running", "the daemon to be gone");
      const restarted = await startCoordinator(harness.runtime, team);
      expect(restarted.status).toBe("started");
      await waitAllSubmitted(harness, ids, 90_000);
      const texts = await waitAllProcessed(harness, ids);
      for (const id of ids) expect([id, countContaining(texts, tokenLine(id))]).toEqual([id, 1]);
    },
    E2E_TIMEOUT,
  );

  it(
    "shows a killed worker pane as missing within a tick, and start-agent brings it back with its session",
    async () => {
      const harness = await harnesses.start({ workers: 2, daemon: true, tickIntervalMs: 200 });
      const team = harness.team();
      await harness.sendFromLeader("w1", "remember this");
      const sessionId = await waitFor(() => harness.agent("w1").session_id, "w1's session capture");
      const paneId = harness.agent("w1").pane_id as string;
      await harness.tmux.run(["kill-pane", "-t", paneId]);
      await waitFor(() => harness.agent("w1").status === "missing", "the daemon to mark w1 missing", 5_000);
      const status = await teamStatus(harness.runtime, team);
      expect(status.agents.find((agent) => agent.agent_id === "w1")).toMatchObject({
        status: "missing",
        pane_present: false,
      });
      const started = await startAgent(harness.runtime, harness.team(), "w1");
      expect(started).toMatchObject({ ok: true, start_mode: "resumed", session_id: sessionId });
      await harness.waitReady("w1");
      const again = await harness.sendFromLeader("w1", "still there?");
      expect(again.submitted).toBe(true);
      expect(harness.agent("w1").session_id).toBe(sessionId);
    },
    E2E_TIMEOUT,
  );

  it(
    "loses nothing and duplicates nothing with 8 CLI processes sending while the daemon ticks",
    async () => {
      const harness = await harnesses.start({ workers: 4, daemon: true, tickIntervalMs: 200 });
      const sender = resolveNodeEntry(new URL("../fixtures/send-many.ts", import.meta.url).href, "send-many");
      const outputs = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          run(
            process.execPath,
            [...sender.nodeArgs, harness.workspace, harness.team().team_id, "5", "w1,w2,w3,w4", `cli${index}`],
            {
              timeout: 90_000,
            },
          ),
        ),
      );
      const lines = outputs
        .flatMap((output) => output.stdout.trim().split("\n"))
        .map((line) => JSON.parse(line) as { message_id: string; status: string });
      expect(lines).toHaveLength(40);
      const ids = lines.map((line) => line.message_id);
      expect(new Set(ids).size).toBe(40);
      await waitAllSubmitted(harness, ids, 60_000);
      const texts = await waitAllProcessed(harness, ids);
      for (const id of ids) expect([id, countContaining(texts, tokenLine(id))]).toEqual([id, 1]);
      const db = new Database(harness.runtime.layout.dbPath, { readonly: true });
      try {
        const row = db.prepare("SELECT count(*) AS n FROM messages WHERE sender = 'leader'").get() as { n: number };
        expect(row.n).toBe(40);
      } finally {
        db.close();
      }
    },
    E2E_TIMEOUT,
  );
});

describe("blocking screens", () => {
  it(
    "tells the lead once that a worker waits on an approval it must not answer itself",
    async () => {
      const scriptPath = join("/tmp", `ta-script-${process.pid}-${Date.now()}.json`);
      const statsPath = join("/tmp", `ta-stats-${process.pid}-${Date.now()}.json`);
      writeFileSync(scriptPath, JSON.stringify({ rules: [{ match: { contains: "ask first" }, ask_approval: true }] }));
      process.env["TEAM_AGENT_FAKE_SCRIPT"] = scriptPath;
      process.env["TEAM_AGENT_DAEMON_STATS"] = statsPath;
      const ticks = () => daemonTicks(statsPath);
      try {
        const harness = await harnesses.start({ workers: 1, daemon: true, tickIntervalMs: 200 });
        const lead = await openLeadPane(harness);
        const sent = await harness.sendFromLeader("w1", "please ask first, then go on");
        expect(sent.submitted).toBe(true);
        await waitFor(
          () => countContaining(lead.received(), "w1 is waiting") === 1,
          "the lead to hear about it",
          30_000,
        );
        await waitTicks(ticks, 10);
        expect(countContaining(lead.received(), "w1 is waiting")).toBe(1);
        expect(harness.events("runtime.prompt_reported")).toMatchObject([
          { agent_id: "w1", prompt_id: "fake_tool_approval" },
        ]);
        expect(harness.agent("w1").status).toBe("blocked");
      } finally {
        delete process.env["TEAM_AGENT_FAKE_SCRIPT"];
        rmSync(scriptPath, { force: true });
        rmSync(statsPath, { force: true });
      }
    },
    E2E_TIMEOUT,
  );
});

describe("tick errors", () => {
  it(
    "backs off on a throwing tick, logs the first error and suppresses repeats, and logs the recovery",
    async () => {
      const harness = await harnesses.create();
      const faultFile = join(harness.workspace, "tick-fault");
      process.env["TEAM_AGENT_TEST_TICK_FAULT"] = faultFile;
      writeFileSync(faultFile, "injected step failure");
      await harness.startTeam({ workers: 1, daemon: true, tickIntervalMs: 200 });
      await waitFor(
        () => harness.events("coordinator.tick_error.suppressed").length >= 3,
        "three suppressed repeats",
        20_000,
      );
      rmSync(faultFile);
      const recovered = await waitFor(() => harness.events("coordinator.tick_recovered")[0], "the recovery", 20_000);
      const errors = harness.events("coordinator.tick_error");
      expect(errors[0]).toMatchObject({
        error: "injected step failure",
        exc_type: "Error",
        consecutive_failures: 1,
        next_sleep_sec: 0.2,
      });
      const sleeps = [...errors, ...harness.events("coordinator.tick_error.suppressed")]
        .sort((a, b) => Number(a["consecutive_failures"]) - Number(b["consecutive_failures"]))
        .slice(0, 4)
        .map((event) => event["next_sleep_sec"]);
      expect(sleeps).toEqual([0.2, 0.4, 0.8, 1.6]);
      expect(Number(recovered["consecutive_failures"])).toBeGreaterThanOrEqual(4);
    },
    E2E_TIMEOUT,
  );

  it(
    "returns persistence_degraded while the store is locked and keeps ticking, then applies the change",
    async () => {
      const harness = await harnesses.start({ workers: 1, daemon: true, tickIntervalMs: 200 });
      const paneId = harness.agent("w1").pane_id as string;
      const locker = new Database(harness.runtime.layout.dbPath);
      try {
        locker.pragma("busy_timeout = 5000");
        locker.prepare("BEGIN EXCLUSIVE").run();
        await harness.tmux.run(["kill-pane", "-t", paneId]);
        await waitFor(() => harness.events("coordinator.tick_degraded").length >= 1, "a degraded tick", 30_000);
      } finally {
        if (locker.inTransaction) locker.prepare("ROLLBACK").run();
        locker.close();
      }
      await waitFor(
        () => harness.agent("w1").status === "missing",
        "the status change once the store is writable",
        20_000,
      );
      expect(harness.events("runtime.state.save_failed").length).toBeGreaterThanOrEqual(1);
      expect(harness.events("coordinator.tick_error")).toHaveLength(0);
    },
    E2E_TIMEOUT,
  );
});
