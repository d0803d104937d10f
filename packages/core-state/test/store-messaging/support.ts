import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryEventSink } from "../../src/events.js";
import type { StoreContext } from "../../src/store/connection.js";
import { openStoreContext } from "../../src/store/open.js";

export const RACE_CHILD = fileURLToPath(new URL("../fixtures/messaging/race-child.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

/** A fresh store in its own temp dir, with a clock the test moves by hand. */
export interface TestStore {
  dir: string;
  dbPath: string;
  ctx: StoreContext;
  events: MemoryEventSink;
  clock: { now: Date; advance(ms: number): void; set(iso: string): void };
  close(): void;
}

export async function openTestStore(startIso = "2026-05-27T07:00:00.000Z"): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), "core-state-messaging-"));
  const dbPath = join(dir, "runtime", "team.db");
  const clock = {
    now: new Date(startIso),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
    set(iso: string) {
      this.now = new Date(iso);
    },
  };
  const events = new MemoryEventSink();
  const { context } = await openStoreContext(dbPath, { clock: () => clock.now, events });
  return {
    dir,
    dbPath,
    ctx: context,
    events,
    clock,
    close() {
      if (context.db.open) context.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RacerOutcome {
  code: number | null;
  stderr: string;
  /** The racer's JSON result line. */
  result: Record<string, unknown> & { events: string[] };
}

/**
 * Starts one child process per argument list, waits until every one has opened the store and printed "ready",
 * then releases them all at once through stdin and collects their results. Every child is killed on the way out.
 */
export async function race(argLists: string[][], deadlineMs = 45_000): Promise<RacerOutcome[]> {
  const children: ChildProcessWithoutNullStreams[] = [];
  const deadline = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`racers did not finish within ${deadlineMs} ms`)), deadlineMs);
    timer.unref();
  });
  try {
    const runs = argLists.map((args) => {
      const child = spawn(process.execPath, ["--import", "tsx", RACE_CHILD, ...args], { cwd: PACKAGE_DIR });
      children.push(child);
      let stdout = "";
      let stderr = "";
      let markReady: () => void = () => {};
      const ready = new Promise<void>((resolve) => {
        markReady = resolve;
      });
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.startsWith("ready\n")) markReady();
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      const exited = new Promise<RacerOutcome>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => {
          const line = stdout.split("\n").filter((l) => l.trim() !== "" && l !== "ready")[0] ?? "{}";
          let result: RacerOutcome["result"];
          try {
            result = JSON.parse(line);
          } catch {
            result = { events: [], unparsed: line };
          }
          resolve({ code, stderr, result });
        });
      });
      // A child that dies before "ready" must not hang the barrier.
      const readyOrExit = Promise.race([ready, exited.then(() => undefined)]);
      return { child, readyOrExit, exited };
    });
    await Promise.race([Promise.all(runs.map((run) => run.readyOrExit)), deadline]);
    for (const run of runs) if (run.child.exitCode === null) run.child.stdin.end("go\n");
    return await Promise.race([Promise.all(runs.map((run) => run.exited)), deadline]);
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
