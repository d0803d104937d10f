/**
 * The daemon's life (spec 03 §1.3, D3): take the team's lease (a live holder means another daemon runs: exit
 * quietly), heartbeat it on its own timer, tick at the team's interval or sooner when woken (a sender, a worker's
 * transcript), back off on tick errors, and leave on SIGTERM/SIGINT after the running tick, when the team or its
 * tmux session is gone, when the workspace disappears, or when the lease is lost.
 */

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { TeamRow } from "@team-agent/core-state";
import { wakeDir } from "../ops/send.js";
import { isProcessAlive } from "../runtime/process-identity.js";
import type { TeamRuntime } from "../runtime/runtime.js";
import { TickFailureTracker } from "./backoff.js";
import { DeliveryPump } from "./delivery-pump.js";
import { createDetectorMemory } from "./detector-steps.js";
import { createScreenMemory } from "./screens.js";
import { coordinatorTick, type TickContext, type TickResult } from "./tick.js";
import { Waker } from "./waker.js";

export interface DaemonOptions {
  /** Write tick statistics to this file after every tick (benchmarks; `TEAM_AGENT_DAEMON_STATS`). */
  statsFile?: string;
  /** Overrides the team's configured interval. */
  tickIntervalMs?: number;
  /** Run one tick and leave. */
  once?: boolean;
  /** Fault injection for tests: called before each tick's steps. */
  faultBeforeSteps?: () => void;
}

/** Wake-ups closer together than this are merged into one tick. */
export const MIN_TICK_SPACING_MS = 200;

export type DaemonExit = "signal" | "once" | "stop" | "lease_held" | "lease_lost" | "orphan";

export class CoordinatorDaemon {
  private stopping = false;
  private readonly holderId = `${process.pid}@${hostname()}:${randomBytes(4).toString("hex")}`;
  // A sender's wake goes straight to the pump: delivery never waits for a tick.
  private readonly waker = new Waker((reason) => {
    if (reason === "send") this.pump.kick();
  });
  private readonly pump: DeliveryPump;
  private heartbeat: NodeJS.Timeout | null = null;
  private leaseLost = false;

  constructor(
    private readonly runtime: TeamRuntime,
    private readonly teamId: string,
    private readonly options: DaemonOptions = {},
  ) {
    this.pump = new DeliveryPump(runtime, teamId);
  }

  stop(): void {
    this.stopping = true;
    this.waker.wake("stop");
  }

  private team(): TeamRow {
    return this.runtime.team(this.teamId);
  }

  /** Takes the lease, replacing a holder whose process is gone (a SIGKILLed daemon cannot release its own). */
  private acquireLease(ttlMs: number): boolean {
    const lease = this.runtime.store.lease;
    const input = { holderId: this.holderId, pid: process.pid, hostname: hostname(), ttlMs };
    let attempt = lease.acquire(this.teamId, input);
    if (!attempt.acquired) {
      const holder = attempt.holder;
      const sameHost = holder.hostname === hostname();
      if (sameHost && holder.pid !== null && !isProcessAlive(holder.pid)) {
        lease.release(this.teamId, holder.holder_id);
        this.runtime.events.emit("coordinator.lease_taken_from_dead_holder", { team_id: this.teamId, pid: holder.pid });
        attempt = lease.acquire(this.teamId, input);
      }
    }
    return attempt.acquired;
  }

  async run(): Promise<DaemonExit> {
    const team = this.team();
    const config = this.runtime.config(team);
    const intervalMs = this.options.tickIntervalMs ?? config.tick_interval_ms;
    if (!this.acquireLease(config.lease_ttl_ms)) {
      this.runtime.events.emit("coordinator.lease_held_elsewhere", { team_id: this.teamId, pid: process.pid });
      return "lease_held";
    }
    const events = this.runtime.events;
    events.emit("coordinator.boot", { team_id: this.teamId, pid: process.pid, workspace: this.runtime.workspace });
    this.heartbeat = setInterval(
      () => {
        try {
          if (!this.runtime.store.lease.heartbeat(this.teamId, this.holderId, config.lease_ttl_ms)) {
            this.leaseLost = true;
            this.waker.wake("lease_lost");
          }
        } catch {
          // A busy or degraded store: the next beat tries again well before the lease expires.
        }
      },
      Math.max(250, Math.floor(config.lease_ttl_ms / 4)),
    );
    this.heartbeat.unref();
    // The folder must exist before it can be watched: the first send must not wait for a tick.
    mkdirSync(wakeDir(this.runtime), { recursive: true, mode: 0o700 });
    this.waker.watchOnly([wakeDir(this.runtime)], () => "send");

    const tracker = new TickFailureTracker({ intervalMs });
    const context: TickContext = {
      runtime: this.runtime,
      teamId: this.teamId,
      pump: this.pump,
      memory: { screens: createScreenMemory(), detectors: createDetectorMemory(), lastPruneAt: 0 },
      ...(this.options.faultBeforeSteps ? { faultBeforeSteps: this.options.faultBeforeSteps } : {}),
    };
    let exit: DaemonExit = "signal";
    let tickStarted = performance.now();
    this.pump.kick();
    while (!this.stopping) {
      if (!existsSync(this.runtime.workspace) || !existsSync(dirname(this.runtime.layout.dbPath))) {
        events.emit("coordinator.orphan_self_terminate", { team_id: this.teamId, workspace: this.runtime.workspace });
        exit = "orphan";
        break;
      }
      if (this.leaseLost) {
        events.emit("coordinator.lease_lost", { team_id: this.teamId });
        exit = "lease_lost";
        break;
      }
      let result: TickResult;
      tickStarted = performance.now();
      try {
        result = await coordinatorTick(context);
        this.recordTick(performance.now() - tickStarted);
      } catch (error) {
        const decision = tracker.failure(error);
        events.emit(decision.event, { team_id: this.teamId, ...decision.fields });
        await this.waker.sleep(decision.sleepMs);
        continue;
      }
      const recovered = tracker.success();
      if (recovered) events.emit(recovered.event, { team_id: this.teamId, ...recovered.fields });
      if (!result.ok && result.reason === "persistence_degraded") {
        events.emit("coordinator.tick_degraded", { team_id: this.teamId, error: result.error ?? null });
      }
      if (result.stop) {
        exit = "stop";
        break;
      }
      if (this.options.once) {
        exit = "once";
        break;
      }
      this.syncTranscriptWatches();
      await this.waker.sleep(intervalMs);
      // Woken early (a transcript grew while a worker streams): keep ticks at least this far apart.
      const sinceTick = performance.now() - tickStarted;
      if (sinceTick < MIN_TICK_SPACING_MS && !this.stopping) {
        await new Promise((resolve) => setTimeout(resolve, MIN_TICK_SPACING_MS - sinceTick));
      }
    }
    await this.shutdown(exit);
    return exit;
  }

  private readonly stats = { ticks: 0, tick_ms_total: 0, tick_ms_max: 0, tick_ms: [] as number[] };

  private recordTick(ms: number): void {
    if (!this.options.statsFile) return;
    const stats = this.stats;
    stats.ticks += 1;
    stats.tick_ms_total += ms;
    stats.tick_ms_max = Math.max(stats.tick_ms_max, ms);
    stats.tick_ms.push(Math.round(ms * 1000) / 1000);
    if (stats.tick_ms.length > 1000) stats.tick_ms.shift();
    const snapshot = { ...stats, tmux_processes_spawned: this.runtime.tmuxProcessesSpawned(), at: Date.now() };
    writeFileSync(this.options.statsFile, JSON.stringify(snapshot));
  }

  /** A change to a worker's transcript may be a turn ending: wake for it instead of waiting for the interval. */
  private syncTranscriptWatches(): void {
    const paths = this.runtime.store.agents
      .list(this.teamId)
      .flatMap((agent) => (agent.rollout_path ? [agent.rollout_path] : []));
    this.waker.watchOnly([wakeDir(this.runtime), ...paths], (path) =>
      path === wakeDir(this.runtime) ? "send" : "transcript",
    );
  }

  private async shutdown(exit: DaemonExit): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.waker.close();
    await this.pump.idle();
    try {
      this.runtime.store.lease.release(this.teamId, this.holderId);
    } catch {
      // The lease expires by itself.
    }
    this.runtime.events.emit("coordinator.exit", { team_id: this.teamId, pid: process.pid, reason: exit });
  }
}
