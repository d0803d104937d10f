/**
 * `wait-ready`: polls every running worker's screen until each shows its input prompt (or is already busy),
 * answering the workspace-trust prompt of the team's own workspace on the way (tmux-prompt's policy). A trust
 * prompt the policy refuses is reported as `awaiting_trust_prompt`, never guessed. A plugin's `readySettleMs`
 * makes the prompt prove itself for that long first: Codex 0.169 draws its input prompt ~150 ms before the
 * folder-trust screen replaces it.
 *
 * One answerer per pane: two processes pressing keys on the same trust dialog can step past its trusting option
 * (Claude Code's next one exits the CLI). While the team's daemon holds its lease, it answers (its tick applies the
 * same policy) and this only reads the policy's verdict and wakes the daemon; without a daemon, this answers.
 */
import type { AgentRow, TeamRow } from "@team-agent/core-state";
import type { ProviderPlugin } from "@team-agent/provider-registry";
import {
  answerTrustPrompt,
  decideTrustAnswer,
  type ScreenClassification,
  TrustAnswerMemory,
  type TrustAnswerOutcome,
} from "@team-agent/tmux-prompt";
import type { TeamRuntime } from "../runtime/runtime.js";
import { viewWorker } from "./observe.js";
import { daemonIsLive, wakeDaemon } from "./send.js";

export interface WaitReadyOptions {
  timeoutMs?: number;
}

export interface WorkerReadiness {
  agent_id: string;
  ready: boolean;
  screen: string | null;
  /** What became of a trust screen seen here: answered here, or `left_to_daemon` (it answers). */
  trust?: TrustAnswerOutcome["status"] | "left_to_daemon";
}

export interface WaitReadyResult {
  ok: boolean;
  status: "ready" | "pending" | "timeout";
  reason?: "awaiting_trust_prompt" | "not_ready_before_timeout";
  elapsed_ms: number;
  agents: WorkerReadiness[];
}

const READY_KINDS = new Set(["input_ready", "busy"]);

async function handleTrustPrompt(
  runtime: TeamRuntime,
  team: TeamRow,
  agent: AgentRow & { pane_id: string },
  plugin: ProviderPlugin,
  screen: ScreenClassification,
  /** Screens the daemon was already woken for, by pane and screen hash. */
  woken: Set<string>,
): Promise<NonNullable<WorkerReadiness["trust"]>> {
  if (daemonIsLive(runtime, team)) {
    // A fresh memory: only the verdict is wanted here, whatever this process answered before.
    const decision = decideTrustAnswer({
      classification: screen,
      workspace: runtime.workspace,
      paneId: agent.pane_id,
      memory: new TrustAnswerMemory(),
    });
    if (decision.action === "refuse") return "refused";
    // Once per screen: the daemon's own ticks retry it if the CLI drops the keys.
    const screenKey = `${agent.pane_id}\t${decision.screenHash}`;
    if (!woken.has(screenKey)) {
      woken.add(screenKey);
      wakeDaemon(runtime, team);
    }
    return "left_to_daemon";
  }
  const outcome = await answerTrustPrompt(runtime.teamTmux(team), agent.pane_id, screen, {
    workspace: runtime.workspace,
    signatures: plugin.screen.signatures,
    events: runtime.events,
  });
  runtime.events.emit("quick_start.trust_auto_answer_attempted", {
    team_id: team.team_id,
    agent_id: agent.agent_id,
    status: outcome.status,
    ...("reason" in outcome ? { reason: outcome.reason } : {}),
  });
  return outcome.status;
}

export async function waitReady(
  runtime: TeamRuntime,
  team: TeamRow,
  options: WaitReadyOptions = {},
): Promise<WaitReadyResult> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 60_000);
  const registry = await runtime.providers(team);
  const states = new Map<string, WorkerReadiness>();
  /** When each worker's ready screen was first seen in the current unbroken run of ready samples. */
  const readySince = new Map<string, number>();
  const wokenFor = new Set<string>();
  let delay = 20;
  for (;;) {
    const agents = runtime.store.agents
      .list(team.team_id)
      .filter((agent) => agent.status !== "paused" && agent.status !== "stopped");
    await Promise.all(
      agents.map(async (agent) => {
        if (states.get(agent.agent_id)?.ready) return;
        const plugin = registry.get(agent.provider);
        const view = await viewWorker(runtime, team, agent, plugin);
        const kind = view.screen?.kind ?? (view.pane_present ? null : "missing");
        const looksReady = kind !== null && READY_KINDS.has(kind);
        const now = Date.now();
        if (!looksReady) readySince.delete(agent.agent_id);
        else if (!readySince.has(agent.agent_id)) readySince.set(agent.agent_id, now);
        const settled = now - (readySince.get(agent.agent_id) ?? now) >= (plugin.screen.readySettleMs ?? 0);
        const readiness: WorkerReadiness = { agent_id: agent.agent_id, ready: looksReady && settled, screen: kind };
        if (view.screen?.kind === "trust_prompt" && agent.pane_id !== null) {
          readiness.trust = await handleTrustPrompt(
            runtime,
            team,
            { ...agent, pane_id: agent.pane_id },
            plugin,
            view.screen,
            wokenFor,
          );
        }
        states.set(agent.agent_id, readiness);
      }),
    );
    const all = agents.map((agent) => states.get(agent.agent_id) as WorkerReadiness);
    const elapsed = Date.now() - started;
    if (all.every((each) => each.ready)) return { ok: true, status: "ready", elapsed_ms: elapsed, agents: all };
    if (Date.now() >= deadline) {
      const awaitingTrust = all.some((each) => each.screen === "trust_prompt" && each.trust === "refused");
      return awaitingTrust
        ? { ok: false, status: "pending", reason: "awaiting_trust_prompt", elapsed_ms: elapsed, agents: all }
        : { ok: false, status: "timeout", reason: "not_ready_before_timeout", elapsed_ms: elapsed, agents: all };
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 200);
  }
}
