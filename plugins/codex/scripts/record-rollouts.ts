/**
 * Records real Codex rollout files as reader fixtures (test/fixtures/rollouts/codex-<version>-<what>.jsonl).
 *
 *   npx tsx scripts/record-rollouts.ts [--out DIR]
 *
 * Each scenario is one worker started from this plugin's launch plan in a private tmux server, talking to the
 * local model endpoint (no network). Messages go in through tmux-prompt's injectText with the plugin's paste
 * strategy; the worker's rollout is found with the plugin's own session capture. Long instruction texts that
 * Codex copies into every rollout (its base instructions, skills list) are shortened to a marker saying how long
 * they were; everything else is kept as written.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isoNow } from "@team-agent/core-state";
import { always } from "@team-agent/scripted-model";
import { injectText } from "@team-agent/tmux-prompt";
import { buildLaunch } from "../src/launch/build.js";
import { CODEX_PASTE_STRATEGY, CODEX_SIGNATURES } from "../src/screen/signatures.js";
import { captureCodexSession } from "../src/transcripts/capture.js";
import { CODEX_BIN, type Harness, startHarness, waitUntil } from "../test/helpers/codex-harness.js";

const { values } = parseArgs({
  options: { out: { type: "string", default: join(import.meta.dirname, "../test/fixtures/rollouts") } },
});
const outDir = values.out as string;
const version = execFileSync(CODEX_BIN, ["--version"], { encoding: "utf8" })
  .trim()
  .replace(/^codex-cli /, "");
const COMPOSER = /Ask Codex to do anything/;
const LONG_TEXT = 2000;

function shorten(text: string, what: string): string {
  return text.length > LONG_TEXT ? `[recording: ${text.length} characters of ${what} left out]` : text;
}

/** Drops the bulky instruction texts Codex repeats in every rollout; the records' shapes stay as written. */
function trimRecord(line: string): string {
  const record = JSON.parse(line) as { type?: string; payload?: Record<string, unknown> };
  const payload = record.payload;
  if (record.type === "session_meta" && payload && typeof payload.base_instructions === "string") {
    payload.base_instructions = shorten(payload.base_instructions, "Codex base instructions");
  }
  if (record.type === "session_meta" && payload && typeof payload.base_instructions === "object") {
    const base = payload.base_instructions as Record<string, unknown>;
    if (typeof base.text === "string") base.text = shorten(base.text, "Codex base instructions");
  }
  if (record.type === "response_item" && payload?.type === "message" && Array.isArray(payload.content)) {
    for (const item of payload.content as { text?: unknown }[]) {
      if (typeof item.text === "string") item.text = shorten(item.text, "instructions");
    }
  }
  return JSON.stringify(record);
}

async function rolloutOf(h: Harness, agentId: string, spawnedAt: string, predicate: (text: string) => boolean) {
  return waitUntil(
    `rollout of ${agentId}`,
    async () => {
      const found = await captureCodexSession({
        agentId,
        spawnCwd: h.workspace,
        spawnedAt,
        predeterminedSessionId: null,
        excludeSessionIds: [],
        authMode: "compatible_api",
        roots: { codexHome: h.codexHome },
        now: isoNow(),
      });
      if (!found) return null;
      return predicate(readFileSync(found.rollout_path, "utf8")) ? found.rollout_path : null;
    },
    60_000,
  );
}

function save(what: string, path: string): void {
  const lines = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const file = join(outDir, `codex-${version}-${what}.jsonl`);
  writeFileSync(file, `${lines.map(trimRecord).join("\n")}\n`);
  process.stdout.write(`saved ${file} (${lines.length} records)\n`);
}

const count = (text: string, type: string) => text.split(`"type":"${type}"`).length - 1;

async function send(h: Harness, pane: string, text: string): Promise<void> {
  const result = await injectText(h.client, pane, text, {
    bufferName: "ta-rec",
    strategy: CODEX_PASTE_STRATEGY,
    signatures: CODEX_SIGNATURES,
  });
  if (!result.ok) throw new Error(`delivery failed: ${result.stage} ${result.reason ?? result.error ?? ""}`);
}

async function startWorker(h: Harness, agentId: string): Promise<{ pane: string; spawnedAt: string }> {
  const spawnedAt = isoNow();
  const pane = await h.start(agentId, buildLaunch(CODEX_BIN, h.worker(agentId), h.mcp()));
  await h.waitForScreen(pane, COMPOSER);
  return { pane, spawnedAt };
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const h = await startHarness();
  try {
    // 1. One message, answered.
    h.setScript([always([{ text: "Hello from the local test model." }])]);
    let w = await startWorker(h, "w-complete");
    await send(h, w.pane, "Say hello in one sentence.");
    save("turn-complete", await rolloutOf(h, "w-complete", w.spawnedAt, (t) => count(t, "task_complete") === 1));

    // 2. A long turn interrupted with Esc.
    h.setScript([always([{ text: "This answer is never finished.", holdMs: 60_000 }])]);
    w = await startWorker(h, "w-interrupt");
    await send(h, w.pane, "Work on something that takes a while.");
    await h.waitForScreen(w.pane, /esc to interrupt/);
    await h.client.sendKeys(w.pane, ["Escape"]);
    save("interrupted", await rolloutOf(h, "w-interrupt", w.spawnedAt, (t) => count(t, "turn_aborted") === 1));

    // 3. API errors: 400 (no retries), 429 (quick retries), 500 (retries for ~25 s).
    for (const status of [400, 429, 500]) {
      h.setScript([always([{ error: status, message: `Injected HTTP ${status} for testing` }])]);
      w = await startWorker(h, `w-error-${status}`);
      await send(h, w.pane, `Trigger an HTTP ${status}.`);
      const done = (t: string) => count(t, "task_complete") === 1;
      save(`api-error-${status}`, await rolloutOf(h, `w-error-${status}`, w.spawnedAt, done));
    }

    // 4. A command that needs approval: the rollout while the approval waits, then denied.
    h.setScript([
      always([
        { shell: "touch approved.txt", justification: "Create approved.txt outside the sandbox?" },
        { text: "Created approved.txt." },
      ]),
    ]);
    w = await startWorker(h, "w-approval");
    await send(h, w.pane, "Create the file approved.txt.");
    await h.waitForScreen(w.pane, /Would you like to run the following command\?/);
    save("approval-pending", await rolloutOf(h, "w-approval", w.spawnedAt, (t) => count(t, "function_call") >= 1));
    await h.client.sendKeys(w.pane, ["Escape"]);

    // 5. A turn, then /compact.
    h.setScript([always([{ text: "A summary of the conversation so far." }])]);
    w = await startWorker(h, "w-compact");
    await send(h, w.pane, "Say hello in one sentence.");
    await rolloutOf(h, "w-compact", w.spawnedAt, (t) => count(t, "task_complete") === 1);
    await h.client.sendKeys(w.pane, ["/compact"], { literal: true });
    await new Promise((r) => setTimeout(r, CODEX_PASTE_STRATEGY.delayBeforeSubmitMs));
    await h.client.sendKeys(w.pane, ["Enter"]);
    save("compacted", await rolloutOf(h, "w-compact", w.spawnedAt, (t) => count(t, "task_complete") === 2));
  } finally {
    await h.stop();
  }
}

await main();
