/**
 * A lead for end-to-end tests: the fake agent CLI in its own tmux session on the team's test server, bound as the
 * team's lead receiver. What reaches the lead is read back from the lead's own transcript (user records), which is
 * what "reached the lead pane" means for a real CLI too.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveNodeEntry } from "@team-agent/core-state";
import { bindLeader } from "../../src/ops/leader.js";
import type { TeamHarness } from "./team-harness.js";
import { FAKE_PLUGIN_DIR, waitFor } from "./team-harness.js";

export interface LeadPane {
  paneId: string;
  /** Texts of every user record in the lead's transcript, in order. */
  received(): string[];
}

function userTexts(projectsRoot: string): string[] {
  const texts: string[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync(projectsRoot);
  } catch {
    return texts;
  }
  for (const dir of dirs) {
    for (const file of readdirSync(join(projectsRoot, dir))) {
      if (!file.endsWith(".jsonl")) continue;
      for (const line of readFileSync(join(projectsRoot, dir, file), "utf8").split("\n")) {
        if (!line.trim()) continue;
        const record = JSON.parse(line) as { type?: string; message?: { content?: unknown } };
        if (record.type === "user" && typeof record.message?.content === "string") texts.push(record.message.content);
      }
    }
  }
  return texts;
}

export async function openLeadPane(harness: TeamHarness): Promise<LeadPane> {
  const projectsRoot = join(harness.workspace, ".lead-projects");
  const entry = resolveNodeEntry(new URL(join("file://", FAKE_PLUGIN_DIR, "src", "launch.ts")).href, "cli/main");
  const opened = await harness.tmux.newSession({
    name: "lead",
    window: "lead",
    command: [
      process.execPath,
      ...entry.nodeArgs,
      "--workspace",
      harness.workspace,
      "--agent-id",
      "leader",
      "--projects-root",
      projectsRoot,
    ],
    cwd: harness.workspace,
    width: 160,
    height: 45,
  });
  if (!opened.ok || opened.paneId === null) throw new Error(`lead pane: ${opened.error}`);
  const paneId = opened.paneId;
  await waitFor(async () => (await harness.tmux.capturePane(paneId)).text.includes("❯"), "the lead's prompt");
  bindLeader(harness.runtime, harness.team(), { paneId, server: { socketName: harness.socketName }, provider: "fake" });
  return { paneId, received: () => userTexts(projectsRoot) };
}

/** How many texts in `texts` contain `needle`. */
export function countContaining(texts: readonly string[], needle: string): number {
  return texts.filter((text) => text.includes(needle)).length;
}
