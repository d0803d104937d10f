/**
 * Step 3 and 6 of the tick (spec 03 §1.4): look at every worker's pane once, derive its runtime status and health
 * from the screen, answer the workspace-trust prompt of the team's own workspace (policy of tmux-prompt), and
 * report other blocking screens once per screen. Writes happen only when something changed.
 */
import { createHash } from "node:crypto";
import type { AgentHealthStatus, AgentRow, TeamRow } from "@team-agent/core-state";
import type { PromptCatalogEntry, ProviderPlugin, ProviderRegistry } from "@team-agent/provider-registry";
import { answerTrustPrompt, BLOCKING_KINDS, classifyScreen, type ScreenKind } from "@team-agent/tmux-prompt";
import type { TeamRuntime } from "../runtime/runtime.js";
import { COORDINATOR_SENDER } from "./idle.js";

export interface PaneObservation {
  agentId: string;
  /** False when the pane is gone. */
  present: boolean;
  kind: ScreenKind | "missing";
  /** The visible screen (empty when missing). */
  text: string;
}

/** What the daemon remembers between ticks (never persisted: it is re-derived after a restart). */
export interface ScreenMemory {
  lastHash: Map<string, string>;
  reportedScreens: Map<string, string>;
}

export function createScreenMemory(): ScreenMemory {
  return { lastHash: new Map(), reportedScreens: new Map() };
}

const QUIET_STATUSES = new Set(["paused", "stopped"]);

function statusFor(kind: ScreenKind | "missing"): string {
  switch (kind) {
    case "missing":
      return "missing";
    case "trust_prompt":
      return "awaiting_trust_prompt";
    case "busy":
      return "busy";
    case "cli_exited":
      return "exited";
    case "auth_required":
      return "awaiting_auth";
    default:
      return BLOCKING_KINDS.has(kind) ? "blocked" : "running";
  }
}

function healthFor(kind: ScreenKind | "missing"): AgentHealthStatus {
  if (kind === "missing" || kind === "cli_exited") return "ERROR";
  if (kind === "busy") return "WORKING";
  if (BLOCKING_KINDS.has(kind)) return "AWAITING_APPROVAL";
  return kind === "input_ready" ? "IDLE" : "UNCERTAIN";
}

async function observe(
  runtime: TeamRuntime,
  team: TeamRow,
  agent: AgentRow,
  plugin: ProviderPlugin,
): Promise<PaneObservation> {
  const tmux = runtime.teamTmux(team);
  const missing = { agentId: agent.agent_id, present: false, kind: "missing" as const, text: "" };
  if (agent.pane_id === null) return missing;
  const capture = await tmux.capturePane(agent.pane_id);
  if (!capture.ok)
    return (await tmux.paneExists(agent.pane_id).catch(() => true))
      ? { ...missing, present: true, kind: "unknown" }
      : missing;
  const screen = classifyScreen(capture.text, { signatures: plugin.screen.signatures });
  if (screen.kind === "trust_prompt") {
    const outcome = await answerTrustPrompt(tmux, agent.pane_id, screen, {
      workspace: runtime.workspace,
      signatures: plugin.screen.signatures,
      events: runtime.events,
    });
    // A screen left alone until its retry is due is seen again every tick: only what was done is worth an event.
    if (outcome.status !== "skipped") {
      runtime.events.emit("runtime.trust_prompt_seen", {
        team_id: team.team_id,
        agent_id: agent.agent_id,
        outcome: outcome.status,
      });
    }
  }
  return { agentId: agent.agent_id, present: true, kind: screen.kind, text: capture.text };
}

export async function refreshScreens(
  runtime: TeamRuntime,
  team: TeamRow,
  registry: ProviderRegistry,
  memory: ScreenMemory,
  now: string,
): Promise<PaneObservation[]> {
  const agents = runtime.store.agents.list(team.team_id).filter((agent) => !QUIET_STATUSES.has(agent.status));
  const observations = await Promise.all(
    agents.map((agent) => observe(runtime, team, agent, registry.get(agent.provider))),
  );
  const handled: Promise<void>[] = [];
  agents.forEach((agent, index) => {
    const seen = observations[index] as PaneObservation;
    const status = statusFor(seen.kind);
    if (status !== agent.status) {
      runtime.store.agents.update(team.team_id, agent.agent_id, { status });
      runtime.events.emit("runtime.status_detected", {
        team_id: team.team_id,
        agent_id: agent.agent_id,
        provider: agent.provider,
        old_status: agent.status,
        status,
      });
    }
    const hash = createHash("sha1").update(seen.text).digest("hex");
    const changed = memory.lastHash.get(agent.agent_id) !== hash;
    memory.lastHash.set(agent.agent_id, hash);
    runtime.store.health.upsert(team.team_id, agent.agent_id, {
      status: healthFor(seen.kind),
      ...(changed ? { lastOutputAt: now } : {}),
    });
    if (BLOCKING_KINDS.has(seen.kind as ScreenKind) && seen.kind !== "trust_prompt") {
      if (memory.reportedScreens.get(agent.agent_id) !== hash) {
        memory.reportedScreens.set(agent.agent_id, hash);
        handled.push(handleBlockingScreen(runtime, team, agent, registry.get(agent.provider), seen));
      }
    } else memory.reportedScreens.delete(agent.agent_id);
  });
  await Promise.all(handled);
  return observations;
}

const PROMPT_MATCH_LINES = 30;

/** The plugin's catalog entry for a blocking screen: same kind, and one of its patterns in the screen's last lines. */
export function matchPrompt(plugin: ProviderPlugin, kind: string, text: string): PromptCatalogEntry | null {
  const tail = text.split("\n").slice(-PROMPT_MATCH_LINES).join("\n");
  return (
    plugin.prompts.find((entry) => entry.kind === kind && entry.match.some((pattern) => pattern.test(tail))) ?? null
  );
}

/**
 * Step 5: a blocking screen the plugin says is safe to answer gets its keys (e.g. Codex's update offer → Skip);
 * anything else is reported to the lead once per screen, never guessed.
 */
async function handleBlockingScreen(
  runtime: TeamRuntime,
  team: TeamRow,
  agent: AgentRow,
  plugin: ProviderPlugin,
  seen: PaneObservation,
): Promise<void> {
  const entry = matchPrompt(plugin, seen.kind, seen.text);
  const base = { team_id: team.team_id, agent_id: agent.agent_id, kind: seen.kind, prompt_id: entry?.id ?? null };
  if (entry?.answer.type === "keys" && agent.pane_id !== null) {
    const sent = await runtime.teamTmux(team).sendKeys(agent.pane_id, entry.answer.keys);
    runtime.events.emit("runtime.prompt_handled", { ...base, keys: entry.answer.keys, ok: sent.ok });
    return;
  }
  runtime.events.emit("runtime.prompt_reported", base);
  const what = entry?.description ?? `a ${seen.kind.replace(/_/g, " ")} screen.`;
  runtime.store.messages.create(team.team_id, {
    sender: COORDINATOR_SENDER,
    recipient: team.leader_id,
    content: `${agent.agent_id} is waiting: ${what} Run \`team-agent approvals ${agent.agent_id}\` to see the choices.`,
    requiresAck: false,
  });
}
