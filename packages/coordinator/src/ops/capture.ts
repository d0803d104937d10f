/**
 * Session capture (spec 03 §4.2): find the transcript/rollout file a worker's CLI writes and record its session id,
 * so the daemon can read turn states and a restart can resume the same conversation.
 */
import { type AgentRow, isoNow, type TeamRow } from "@team-agent/core-state";
import type { ProviderPlugin, SessionCapture } from "@team-agent/provider-registry";
import type { TeamRuntime } from "../runtime/runtime.js";

export interface CaptureOptions {
  /** How long to keep asking the plugin; 0 asks once. */
  timeoutMs?: number;
  pollMs?: number;
}

function otherSessionIds(agents: readonly AgentRow[], agentId: string): string[] {
  return agents.flatMap((agent) => (agent.agent_id !== agentId && agent.session_id ? [agent.session_id] : []));
}

export async function captureAgentSession(
  runtime: TeamRuntime,
  team: TeamRow,
  agent: AgentRow,
  plugin: ProviderPlugin,
  options: CaptureOptions = {},
): Promise<SessionCapture | null> {
  if (agent.session_id || plugin.transcripts === null || agent.spawned_at === null) return null;
  const transcripts = plugin.transcripts;
  const deadline = Date.now() + (options.timeoutMs ?? 0);
  const pending = agent.attrs["pending_session_id"];
  const context = {
    agentId: agent.agent_id,
    spawnCwd: agent.spawn_cwd ?? runtime.workspace,
    spawnedAt: agent.spawned_at,
    predeterminedSessionId: typeof pending === "string" ? pending : null,
    excludeSessionIds: otherSessionIds(runtime.store.agents.list(team.team_id), agent.agent_id),
    authMode: (agent.auth_mode ?? "subscription") as "subscription",
    roots: {},
  };
  for (;;) {
    const found = await transcripts.capture({ ...context, now: isoNow() });
    if (found !== null) {
      runtime.store.agents.update(team.team_id, agent.agent_id, {
        session_id: found.session_id,
        rollout_path: found.rollout_path,
        captured_at: found.captured_at,
        captured_via: found.captured_via,
        attribution_confidence: found.attribution_confidence,
        spawn_cwd: found.spawn_cwd,
      });
      runtime.store.agents.setAttrs(team.team_id, agent.agent_id, { pending_session_id: null });
      runtime.events.emit("session.captured", {
        team_id: team.team_id,
        agent_id: agent.agent_id,
        provider: plugin.name,
        session_id: found.session_id,
        rollout_path: found.rollout_path,
        captured_via: found.captured_via,
        attribution_confidence: found.attribution_confidence,
      });
      return found;
    }
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
}

/** Captures every running worker that has no session yet; never throws; returns the agents it captured. */
export async function captureMissingSessions(runtime: TeamRuntime, team: TeamRow): Promise<string[]> {
  const registry = await runtime.providers(team);
  const captured: string[] = [];
  for (const agent of runtime.store.agents.list(team.team_id)) {
    if (agent.session_id || agent.status === "stopped" || agent.status === "paused") continue;
    try {
      const found = await captureAgentSession(runtime, team, agent, registry.get(agent.provider));
      if (found !== null) captured.push(agent.agent_id);
    } catch (error) {
      runtime.events.emit("session.capture_failed", {
        team_id: team.team_id,
        agent_id: agent.agent_id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return captured;
}
