/**
 * `wait-ready`: polls every running worker's screen until each shows its input prompt (or is already busy),
 * answering the workspace-trust prompt of the team's own workspace on the way (tmux-prompt's policy). A trust
 * prompt the policy refuses is reported as `awaiting_trust_prompt`, never guessed. A plugin's `readySettleMs`
 * makes the prompt prove itself for that long first: Codex 0.169 draws its input prompt ~150 ms before the
 * folder-trust screen replaces it.
 */
import type { TeamRow } from "@team-agent/core-state";
import { answerTrustPrompt, type TrustAnswerOutcome } from "@team-agent/tmux-prompt";
import type { TeamRuntime } from "../runtime/runtime.js";
import { viewWorker } from "./observe.js";

export interface WaitReadyOptions {
  timeoutMs?: number;
}

export interface WorkerReadiness {
  agent_id: string;
  ready: boolean;
  screen: string | null;
  trust?: TrustAnswerOutcome["status"];
}

export interface WaitReadyResult {
  ok: boolean;
  status: "ready" | "pending" | "timeout";
  reason?: "awaiting_trust_prompt" | "not_ready_before_timeout";
  elapsed_ms: number;
  agents: WorkerReadiness[];
}

const READY_KINDS = new Set(["input_ready", "busy"]);

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
          const outcome = await answerTrustPrompt(runtime.teamTmux(team), agent.pane_id, view.screen, {
            workspace: runtime.workspace,
            signatures: plugin.screen.signatures,
            events: runtime.events,
          });
          readiness.trust = outcome.status;
          runtime.events.emit("quick_start.trust_auto_answer_attempted", {
            team_id: team.team_id,
            agent_id: agent.agent_id,
            status: outcome.status,
            ...("reason" in outcome ? { reason: outcome.reason } : {}),
          });
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
