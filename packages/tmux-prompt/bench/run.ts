// `npm run bench` for @team-agent/tmux-prompt: classifier throughput on the recorded 160x45 screens, and delivery
// latency (p50/p99) plus tmux processes started per delivery into an idle scripted pane, for both transports.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeBenchReport } from "../../../scripts/bench-report.mjs";
import { injectText } from "../src/delivery/inject.js";
import { DEFAULT_PASTE_STRATEGY } from "../src/delivery/types.js";
import { classifyScreen } from "../src/screen/classify.js";
import { TmuxClient } from "../src/tmux/client.js";
import { ControlTransport } from "../src/tmux/control-transport.js";
import { SpawnTransport } from "../src/tmux/spawn-transport.js";
import type { TmuxTransport } from "../src/tmux/types.js";
import { allSignatures } from "../test/fixtures/signatures.js";
import { tuiCommand } from "../test/fixtures/tui/launch.js";
import { scriptedTuiSignatures } from "../test/fixtures/tui/signatures.js";

type Row = Record<string, string | number>;
const DELIVERIES_PER_SIZE = 30;
const SCREENS_DIR = fileURLToPath(new URL("../test/fixtures/screens/", import.meta.url));

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

function measureClassifier(): Row {
  const captures = readdirSync(SCREENS_DIR)
    .filter((name) => name.endsWith(".txt") && !name.endsWith(".ansi.txt"))
    .map((name) => readFileSync(join(SCREENS_DIR, name), "utf8"));
  const options = { signatures: allSignatures };
  for (const capture of captures) classifyScreen(capture, options); // warm-up: regex compilation and JIT
  const samplesUs: number[] = [];
  const started = performance.now();
  while (performance.now() - started < 2_000) {
    for (const capture of captures) {
      const before = performance.now();
      classifyScreen(capture, options);
      samplesUs.push((performance.now() - before) * 1000);
    }
  }
  const elapsedMs = performance.now() - started;
  samplesUs.sort((a, b) => a - b);
  return {
    measurement: `classifyScreen (${captures.length} recorded 160x45 screens, 3 signature sets)`,
    transport: "-",
    operations: samplesUs.length,
    ops_per_sec: (samplesUs.length / elapsedMs) * 1000,
    p50_us: percentile(samplesUs, 0.5),
    p99_us: percentile(samplesUs, 0.99),
    tmux_processes_per_op: 0,
  };
}

async function waitForText(client: TmuxClient, pane: string, text: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const capture = await client.capturePane(pane);
    if (capture.ok && capture.text.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the scripted TUI in ${pane} never showed "${text}"`);
}

async function measureDeliveries(transport: TmuxTransport, pane: string, label: string, text: string): Promise<Row> {
  const client = new TmuxClient(transport);
  const samplesMs: number[] = [];
  const spawnedBefore = transport.processesSpawned;
  for (let index = 0; index < DELIVERIES_PER_SIZE; index += 1) {
    const id = `msg_${randomBytes(6).toString("hex")}`;
    const started = performance.now();
    const result = await injectText(client, pane, `${text}\n[team-agent-token:${id}]`, {
      bufferName: `team-agent-send-${id}`,
      strategy: DEFAULT_PASTE_STRATEGY,
      signatures: scriptedTuiSignatures,
    });
    samplesMs.push(performance.now() - started);
    if (!result.ok)
      throw new Error(`delivery ${index} of ${label} failed: ${result.verification} ${result.error ?? ""}`);
  }
  samplesMs.sort((a, b) => a - b);
  return {
    measurement: `deliver ${label} into an idle scripted pane`,
    transport: transport instanceof ControlTransport ? "control mode" : "spawn",
    operations: DELIVERIES_PER_SIZE,
    ops_per_sec: 1000 / (samplesMs.reduce((sum, value) => sum + value, 0) / samplesMs.length),
    p50_us: percentile(samplesMs, 0.5) * 1000,
    p99_us: percentile(samplesMs, 0.99) * 1000,
    tmux_processes_per_op: (transport.processesSpawned - spawnedBefore) / DELIVERIES_PER_SIZE,
  };
}

async function measureDeliveryRows(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "ta-bench-tmux-"));
  const server = { socketName: `ta-bench-${randomBytes(6).toString("hex")}` };
  const setup = new SpawnTransport(server, { configFile: "/dev/null" });
  const client = new TmuxClient(setup);
  const transports: TmuxTransport[] = [setup];
  try {
    const { command } = tuiCommand(dir);
    const created = await client.newSession({
      name: "bench",
      window: "agent",
      width: 160,
      height: 45,
      command: [command],
    });
    if (!created.ok || created.paneId === null) throw new Error(`could not start tmux: ${created.error}`);
    const pane = created.paneId;
    await waitForText(client, pane, "scripted-tui · ready");
    const oneLine = "Please run the unit tests of the parser and report the result envelope.";
    const fourKiB = "Implement the parser for the spec below and report back with a result envelope. ".repeat(52);
    const rows: Row[] = [];
    for (const makeTransport of [() => new SpawnTransport(server), () => new ControlTransport(server)]) {
      const transport = makeTransport();
      transports.push(transport);
      rows.push(await measureDeliveries(transport, pane, "1 line", oneLine));
      rows.push(await measureDeliveries(transport, pane, "4 KiB", fourKiB));
    }
    return rows;
  } finally {
    await Promise.all(transports.map((transport) => transport.close()));
    await new SpawnTransport(server).run(["kill-server"]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [measureClassifier(), ...(await measureDeliveryRows())];
writeBenchReport("@team-agent/tmux-prompt", rows);
console.log(
  `delivery latency includes the strategy's ${DEFAULT_PASTE_STRATEGY.delayBeforeSubmitMs} ms pause before the submit key and the on-screen proofs`,
);
