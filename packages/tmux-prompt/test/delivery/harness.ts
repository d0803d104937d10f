/** Shared setup for the delivery tests: the scripted TUI in a window of a private tmux server, and a temp store. */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryEventSink, RuntimeStore } from "@team-agent/core-state";
import { afterEach } from "vitest";
import type { TuiConfig } from "../fixtures/tui/config.js";
import { type TuiFiles, tuiCommand } from "../fixtures/tui/launch.js";
import type { TestTmux } from "../helpers/tmux-server.js";

export interface Agent {
  pane: string;
  files: TuiFiles;
  /** The pane's working directory (where an evaluated `touch pwned` would land). */
  dir: string;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export function tempDir(prefix = "ta-delivery-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts the TUI in a new window and waits until it shows its input box (or its trust prompt). */
export async function startAgent(
  tmux: TestTmux,
  config: Partial<Omit<TuiConfig, "log" | "events">> = {},
  name = "agent",
): Promise<Agent> {
  const dir = tempDir();
  const { command, files } = tuiCommand(dir, config);
  const made = await tmux.client.newWindow({ session: tmux.session, name, command: [command], cwd: dir });
  if (!made.ok || made.paneId === null) throw new Error(`new-window failed: ${made.error}`);
  const ready = config.trust ? "Do you trust the files in this folder?" : "scripted-tui · ready";
  await tmux.waitForText(made.paneId, ready, { timeoutMs: 20_000 });
  return { pane: made.paneId, files, dir };
}

export async function openStore(): Promise<{ store: RuntimeStore; events: MemoryEventSink }> {
  const dir = tempDir("ta-store-");
  const events = new MemoryEventSink();
  const store = await RuntimeStore.open(join(dir, "team.db"), { events });
  cleanups.push(() => store.close());
  return { store, events };
}

/** Our paste buffers still on the server (there must be none after any delivery). */
export async function ourBuffers(tmux: TestTmux): Promise<string[]> {
  return (await tmux.client.listBuffers()).filter((name) => name.startsWith("team-agent-"));
}

/** Polls `check` until it returns true (deadline, never a fixed sleep). */
export async function eventually(check: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
