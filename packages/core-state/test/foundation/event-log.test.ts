import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { EventLog, formatEventLine } from "../../src/events.js";
import { fixtureScript, useChildPool } from "../helpers/children.js";
import { useTempDirs } from "../helpers/temp-dir.js";

const temp = useTempDirs();
const pool = useChildPool();
let dir: string;
beforeEach(() => {
  dir = temp.make("ta-events-");
});

describe("event log", () => {
  it("writes ts and event first, then sorted fields, one line per event", () => {
    const log = new EventLog(join(dir, "logs", "events.jsonl"), { clock: () => new Date("2026-06-02T00:00:00Z") });
    log.emit("runtime.state.save_retry", { errno_name: "EACCES", attempt: 1, note: "héllo", missing: undefined });
    const text = readFileSync(log.path, "utf8");
    expect(text).toBe(
      '{"ts":"2026-06-02T00:00:00.000Z","event":"runtime.state.save_retry","attempt":1,"errno_name":"EACCES","missing":null,"note":"héllo"}\n',
    );
  });

  it("rejects event names that are not dotted snake_case", () => {
    expect(() => formatEventLine("Bad Name", {}, "2026-01-01T00:00:00.000Z")).toThrow(/dotted snake_case/);
  });

  it("rotates at the size bound and keeps at most the configured number of archives", () => {
    const log = new EventLog(join(dir, "events.jsonl"), { rotateBytes: 64 * 1024, archives: 5 });
    const padding = "x".repeat(1000);
    for (let index = 0; index < 35 * 64; index += 1) log.emit("test.filler", { index, padding });
    const segments = log.segments();
    const current = segments.find((segment) => segment.path === log.path);
    expect(current?.bytes).toBeLessThan(64 * 1024 + 1100);
    expect(segments.filter((segment) => segment.path !== log.path)).toHaveLength(5);
    const last = log.tail(5);
    expect(last).toHaveLength(5);
    expect(last.map((record) => ("index" in record ? record.index : undefined))).toEqual([
      35 * 64 - 5,
      35 * 64 - 4,
      35 * 64 - 3,
      35 * 64 - 2,
      35 * 64 - 1,
    ]);
  });

  it("tail returns garbage lines as {raw} and never throws", () => {
    const path = join(dir, "events.jsonl");
    writeFileSync(path, '{"ts":"t","event":"a.b"}\nnot json at all\n');
    appendFileSync(path, '{"ts":"t","event":"c.d"}\n');
    const log = new EventLog(path);
    expect(log.tail(3)).toEqual([{ ts: "t", event: "a.b" }, { raw: "not json at all" }, { ts: "t", event: "c.d" }]);
    expect(new EventLog(join(dir, "absent.jsonl")).tail(3)).toEqual([]);
  });

  it("keeps lines whole when several processes append at once", async () => {
    const path = join(dir, "events.jsonl");
    const writers = [0, 1, 2, 3].map((writer) =>
      pool.start(fixtureScript("foundation/emit-events.ts"), [path, String(writer), "300"]),
    );
    const outcomes = await Promise.all(writers.map((child) => child.waitForExit(60_000)));
    expect(outcomes.map((outcome) => outcome.code)).toEqual([0, 0, 0, 0]);
    const records = readFileSync(path, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { writer: number; index: number });
    expect(records).toHaveLength(1200);
    for (const writer of [0, 1, 2, 3]) {
      expect(records.filter((record) => record.writer === writer).map((record) => record.index)).toEqual(
        Array.from({ length: 300 }, (_, index) => index),
      );
    }
  });
});
