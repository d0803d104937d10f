/**
 * Live look at one worker: is its pane there, what does its screen show, what does its transcript say about its
 * turn. Shared by `status` and `waitReady`.
 */
import { readFileSync } from "node:fs";
import type { AgentRow, TeamRow } from "@team-agent/core-state";
import { readTurnState, tailForTurnState } from "@team-agent/idle-predicate";
import type { ProviderPlugin } from "@team-agent/provider-registry";
import { classifyScreen, type ScreenClassification } from "@team-agent/tmux-prompt";
import type { TeamRuntime } from "../runtime/runtime.js";

export interface WorkerView {
  pane_present: boolean;
  screen: ScreenClassification | null;
  /** The visible screen, for trust answering and diagnostics. */
  text: string;
}

export async function viewWorker(
  runtime: TeamRuntime,
  team: TeamRow,
  agent: AgentRow,
  plugin: ProviderPlugin,
): Promise<WorkerView> {
  if (agent.pane_id === null) return { pane_present: false, screen: null, text: "" };
  const tmux = runtime.teamTmux(team);
  const capture = await tmux.capturePane(agent.pane_id).catch(() => null);
  if (capture === null || !capture.ok) return { pane_present: false, screen: null, text: "" };
  return {
    pane_present: true,
    screen: classifyScreen(capture.text, { signatures: plugin.screen.signatures }),
    text: capture.text,
  };
}

export function turnStateOf(agent: AgentRow, plugin: ProviderPlugin, paneAlive: boolean): string {
  if (!agent.rollout_path) return agent.attrs["first_send_at"] ? "unknown" : "idle";
  let bytes: Buffer;
  try {
    bytes = readFileSync(agent.rollout_path);
  } catch {
    return "unknown";
  }
  return readTurnState(plugin.transcripts?.reader ?? null, tailForTurnState(bytes), {
    provider: agent.provider,
    process: { alive: paneAlive },
  }).state;
}
