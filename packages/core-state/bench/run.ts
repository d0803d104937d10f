// `npm run bench` for @team-agent/core-state: message enqueue and state-transition throughput in one process,
// and agent-row update latency (p50/p99) with 1 and with 4 concurrent writer processes on one store file.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeBenchReport } from "../../../scripts/bench-report.mjs";
import { RuntimeStore } from "../src/store/runtime-store.js";

const MESSAGES = 10_000;
const UPDATES_PER_WRITER = 10_000;
const WRITER_SCRIPT = fileURLToPath(new URL("./agent-writer.ts", import.meta.url));

type Row = Record<string, string | number>;

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

async function measureMessages(dir: string): Promise<Row[]> {
  const store = await RuntimeStore.open(join(dir, "messages.db"));
  try {
    let started = performance.now();
    const ids: string[] = [];
    for (let index = 0; index < MESSAGES; index += 1) {
      ids.push(
        store.messages.create("bench", { sender: "leader", recipient: "worker", content: `task ${index}` }).message_id,
      );
    }
    const enqueueMs = performance.now() - started;

    started = performance.now();
    for (const id of ids) {
      store.messages.claimForDelivery(id);
      store.messages.transition(id, "pasted");
      store.messages.transition(id, "visible");
      store.messages.transition(id, "submitted");
      store.messages.transition(id, "acknowledged");
    }
    const transitionMs = performance.now() - started;
    const transitions = ids.length * 5;
    return [
      {
        measurement: "message enqueue",
        writers: 1,
        operations: MESSAGES,
        ops_per_sec: (MESSAGES / enqueueMs) * 1000,
        p50_us: "-",
        p99_us: "-",
      },
      {
        measurement: "message state transition",
        writers: 1,
        operations: transitions,
        ops_per_sec: (transitions / transitionMs) * 1000,
        p50_us: "-",
        p99_us: "-",
      },
    ];
  } finally {
    store.close();
  }
}

interface Writer {
  ready: Promise<void>;
  done: Promise<void>;
  go(): void;
  kill(): void;
}

function startWriter(dbPath: string, index: number, outFile: string): Writer {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", WRITER_SCRIPT, dbPath, String(index), String(UPDATES_PER_WRITER), outFile],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`writer ${index} exited with ${code} before it was ready`)));
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer ${index} exited with ${code}`))));
  });
  return { ready, done, go: () => child.stdin.end("go\n"), kill: () => child.kill("SIGKILL") };
}

async function measureAgentUpdates(dir: string, writers: number): Promise<Row> {
  const dbPath = join(dir, `agents-${writers}.db`);
  const setup = await RuntimeStore.open(dbPath);
  setup.teams.register({ teamId: "bench", sessionName: "team-bench", workspace: dir });
  setup.agents.upsert("bench", "worker", { status: "running", provider: "fake" });
  setup.close();

  const outFiles = Array.from({ length: writers }, (_, index) => join(dir, `latency-${writers}-${index}.json`));
  const children = outFiles.map((outFile, index) => startWriter(dbPath, index, outFile));
  try {
    await Promise.all(children.map((child) => child.ready));
    const started = performance.now();
    for (const child of children) child.go();
    await Promise.all(children.map((child) => child.done));
    const elapsedMs = performance.now() - started;
    const latencies = outFiles
      .flatMap((file) => JSON.parse(readFileSync(file, "utf8")) as number[])
      .sort((a, b) => a - b);
    return {
      measurement: "agent row update",
      writers,
      operations: latencies.length,
      ops_per_sec: (latencies.length / elapsedMs) * 1000,
      p50_us: percentile(latencies, 0.5),
      p99_us: percentile(latencies, 0.99),
    };
  } finally {
    for (const child of children) child.kill();
  }
}

const dir = mkdtempSync(join(tmpdir(), "ta-bench-core-state-"));
try {
  const rows = [...(await measureMessages(dir)), await measureAgentUpdates(dir, 1), await measureAgentUpdates(dir, 4)];
  writeBenchReport("@team-agent/core-state", rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
