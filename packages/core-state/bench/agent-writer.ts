// Benchmark child: updates one typed column of the shared agent row `count` times and writes each update's
// latency (microseconds, lock waits included) as JSON to `outFile`. Starts when a line arrives on stdin, so
// every writer of a run begins at the same moment.
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { RuntimeStore } from "../src/store/runtime-store.js";

const [dbPath, writerIndex, count, outFile] = process.argv.slice(2) as [string, string, string, string];
const COLUMNS = ["status", "window", "pane_id", "session_id"] as const;
const column = COLUMNS[Number(writerIndex) % COLUMNS.length] ?? "status";

const store = await RuntimeStore.open(dbPath);
process.stdout.write("ready\n");
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once("line", () => resolve()));

const latenciesUs: number[] = [];
for (let index = 0; index < Number(count); index += 1) {
  const started = process.hrtime.bigint();
  store.agents.update("bench", "worker", { [column]: `${column}-${writerIndex}-${index}` });
  latenciesUs.push(Number(process.hrtime.bigint() - started) / 1000);
}
store.close();
writeFileSync(outFile, JSON.stringify(latenciesUs));
