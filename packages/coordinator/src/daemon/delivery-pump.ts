/**
 * The daemon's deliverer. Woken by senders (and each tick), it reclaims messages whose deliverer died, then drains
 * the accepted messages: one chain per recipient, in order within a recipient, recipients in parallel. Only this
 * pump pastes while the daemon runs, so two messages never interleave in one input box.
 */
import type { TeamRow } from "@team-agent/core-state";
import { deliverStored, recoverAbandonedVisible, type StoredDelivery } from "../ops/send.js";
import { isAbandonedClaim } from "../runtime/process-identity.js";
import type { TeamRuntime } from "../runtime/runtime.js";

export class DeliveryPump {
  private readonly active = new Map<string, Promise<void>>();
  private passRunning: Promise<void> | null = null;
  private again = false;
  readonly delivered: string[] = [];

  constructor(
    private readonly runtime: TeamRuntime,
    private readonly teamId: string,
  ) {}

  /** Starts a pass now, or right after the running one. */
  kick(): void {
    if (this.passRunning !== null) {
      this.again = true;
      return;
    }
    this.passRunning = this.pass()
      .catch((error: unknown) => {
        this.runtime.events.emit("coordinator.delivery_pass_failed", {
          team_id: this.teamId,
          error: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => {
        this.passRunning = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no pass and no recipient chain is running. */
  async idle(): Promise<void> {
    while (this.passRunning !== null || this.active.size > 0) {
      await Promise.all([this.passRunning, ...this.active.values()]);
    }
  }

  /** Ids delivered since the last call (the tick reports them). */
  takeDelivered(): string[] {
    return this.delivered.splice(0);
  }

  private team(): TeamRow | null {
    return this.runtime.store.teams.get(this.teamId);
  }

  private async pass(): Promise<void> {
    const { messages } = this.runtime.store;
    const reclaimed = messages.reclaimAbandoned(this.teamId, (reason) => isAbandonedClaim(reason));
    if (reclaimed.length > 0) {
      this.runtime.events.emit("send.reclaimed_abandoned", { team_id: this.teamId, message_ids: reclaimed });
    }
    const team = this.team();
    for (const { message, claimReason } of messages.listInFlight(this.teamId)) {
      if (team !== null && message.status === "visible" && isAbandonedClaim(claimReason)) {
        await recoverAbandonedVisible(this.runtime, team, message);
      }
    }
    const byRecipient = new Map<string, string[]>();
    for (const message of messages.listPending(this.teamId, 1_000)) {
      const queue = byRecipient.get(message.recipient) ?? [];
      queue.push(message.message_id);
      byRecipient.set(message.recipient, queue);
    }
    for (const [recipient, ids] of byRecipient) {
      if (this.active.has(recipient)) continue; // its chain kicks a new pass when it ends
      const chain = this.drain(ids).then((drained) => {
        this.active.delete(recipient);
        // Messages that arrived while this chain ran are picked up now; a queued recipient waits for the next kick.
        if (drained) this.kick();
      });
      this.active.set(recipient, chain);
    }
  }

  /** Delivers `ids` in order; false when it stopped early (recipient not taking messages, team gone, error). */
  private async drain(ids: readonly string[]): Promise<boolean> {
    for (const id of ids) {
      const team = this.team();
      if (team === null) return false;
      let outcome: StoredDelivery;
      try {
        outcome = await deliverStored(this.runtime, team, id);
      } catch (error) {
        this.runtime.events.emit("send.deliver_error", {
          team_id: this.teamId,
          message_id: id,
          error: error instanceof Error ? error.message : String(error),
        });
        return false;
      }
      if (
        outcome.ok &&
        (outcome.outcome === "submitted" || outcome.outcome === "recovered" || outcome.outcome === "leader")
      ) {
        this.delivered.push(id);
      }
      // A recipient that cannot take messages now keeps the rest of its queue in order for later.
      if (outcome.outcome === "queued") return false;
    }
    return ids.length > 0;
  }
}
