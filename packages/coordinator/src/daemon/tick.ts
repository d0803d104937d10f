/**
 * One coordinator tick (spec 03 §1.4), in order. Each step writes its own rows in short transactions (D1), so there
 * is no end-of-tick save; a write that still fails after the store's retries (PersistenceDegradedError) makes the
 * tick return `persistence_degraded` and the loop carries on. Anything else thrown is a tick error (backoff).
 */
import { isoNow, PersistenceDegradedError, type TeamRow } from "@team-agent/core-state";
import { resetAgent } from "../ops/agent-lifecycle.js";
import { captureMissingSessions } from "../ops/capture.js";
import { type CollectOutcome, collectResults } from "../ops/results.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import type { DeliveryPump } from "./delivery-pump.js";
import { type DetectorMemory, type DetectorReport, runDetectors } from "./detector-steps.js";
import { type IdleStepResult, runIdleTakeover } from "./idle.js";
import { refreshScreens, type ScreenMemory } from "./screens.js";

export interface TickMemory {
  screens: ScreenMemory;
  detectors: DetectorMemory;
  lastPruneAt: number;
}

export interface TickResult {
  ok: boolean;
  stop: boolean;
  reason?: string;
  persisted?: boolean;
  error?: string;
  delivered: string[];
  captured: string[];
  idle_alerts: NonNullable<IdleStepResult["alert"]>[];
  detectors: DetectorReport | null;
  results: CollectOutcome | null;
}

const PRUNE_EVERY_MS = 60 * 60 * 1000;

export interface TickContext {
  runtime: TeamRuntime;
  teamId: string;
  pump: DeliveryPump;
  memory: TickMemory;
  /** Test hook: a step that throws (fault injection for the backoff tests). */
  faultBeforeSteps?: () => void;
}

function emptyResult(): TickResult {
  return { ok: true, stop: false, delivered: [], captured: [], idle_alerts: [], detectors: null, results: null };
}

export async function coordinatorTick(context: TickContext): Promise<TickResult> {
  const { runtime, teamId, pump, memory } = context;
  const result = emptyResult();
  const team: TeamRow | null = runtime.store.teams.get(teamId);
  if (team === null || team.status !== "alive") {
    runtime.events.emit("coordinator.team_stopped", { team_id: teamId });
    return { ...result, ok: false, stop: true, reason: "team_not_alive" };
  }
  // 1. Session gate: no tmux session, nothing to coordinate.
  if (!(await runtime.teamTmux(team).hasSession(team.session_name))) {
    runtime.events.emit("coordinator.session_missing", { team_id: teamId, session: team.session_name });
    return { ...result, ok: false, stop: true, reason: "tmux_session_missing" };
  }
  context.faultBeforeSteps?.();
  try {
    const registry = await runtime.providers(team);
    const now = isoNow();
    // 2. Sessions not captured yet (transcripts appear with a worker's first message).
    result.captured = await captureMissingSessions(runtime, team);
    // 3–6. Screens: runtime status, trust prompts, blocking screens, health.
    const panes = await refreshScreens(runtime, team, registry, memory.screens, now);
    // 7. Deliveries run in the pump; the tick only makes sure it looks.
    pump.kick();
    result.delivered = pump.takeDelivered();
    // 8, 9, 11–14. Scheduled messages, stuck workers, deadlocks, compaction, session drift, lead API errors.
    result.detectors = await runDetectors({
      runtime,
      team,
      registry,
      panes,
      now,
      memory: memory.detectors,
      // Compaction's remedy. The daemon is already running, so the reset must not start another one.
      resetAgent: async (agentId) => {
        try {
          const reset = await resetAgent(runtime, team, agentId, { discardSession: true, daemon: false });
          return reset.ok ? { ok: true } : { ok: false, error: reset.reason };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      },
    });
    // 10. The all-idle reminder.
    const idle = runIdleTakeover(runtime, team, registry, panes, now);
    if (idle.alert) {
      result.idle_alerts.push(idle.alert);
      pump.kick();
    }
    // 16. Results and their watchers.
    result.results = collectResults(runtime, team);
    if (result.results.notified.length > 0) pump.kick();
    // 17. The notification log keeps 24 h.
    if (Date.now() - memory.lastPruneAt > PRUNE_EVERY_MS) {
      memory.lastPruneAt = Date.now();
      const removed = runtime.store.notifications.prune();
      if (removed > 0) runtime.events.emit("leader_notification.log_pruned", { team_id: teamId, removed });
    }
    return result;
  } catch (error) {
    if (!(error instanceof PersistenceDegradedError)) throw error;
    return {
      ...result,
      ok: false,
      stop: false,
      reason: "persistence_degraded",
      persisted: false,
      error: error.message,
    };
  }
}
