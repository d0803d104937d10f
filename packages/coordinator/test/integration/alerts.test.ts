/**
 * Silencing alerts against a real store in a temp workspace: a `stuck-cancel` suppression must be one the daemon's
 * stuck step keeps (same work snapshot) until the worker's work changes, and `acknowledge-idle` must silence the
 * all-idle reminder until a new delivery. No tmux is needed: the detector step gets its inputs directly.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isoNow, MemoryEventSink, TeamAgentError, type TeamRow } from "@team-agent/core-state";
import { armOnDelivery, evaluateTakeoverReminder, type IdleNode } from "@team-agent/idle-predicate";
import { ProviderRegistry } from "@team-agent/provider-registry";
import { afterEach, describe, expect, it } from "vitest";
import { createDetectorMemory, runDetectors, STUCK_ALERTS_KEY } from "../../src/daemon/detector-steps.js";
import { stuckPushText } from "../../src/daemon/detectors/index.js";
import {
  acknowledgeIdle,
  currentStuckSnapshot,
  IDLE_ACK_TTL_SECONDS,
  stuckCancel,
  stuckList,
} from "../../src/ops/alerts.js";
import { IDLE_MONITOR_KEY } from "../../src/ops/send.js";
import { TeamRuntime } from "../../src/runtime/runtime.js";
import { fakeTeamSpec, waitFor } from "../helpers/team-harness.js";

const dirs: string[] = [];
const runtimes: TeamRuntime[] = [];

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openTeam(): Promise<{ runtime: TeamRuntime; team: () => TeamRow; events: MemoryEventSink }> {
  const workspace = mkdtempSync(join(tmpdir(), "ta-alerts-"));
  dirs.push(workspace);
  const events = new MemoryEventSink();
  const runtime = await TeamRuntime.open({ workspace, events, registry: ProviderRegistry.fromPlugins([]) });
  runtimes.push(runtime);
  const spec = fakeTeamSpec(runtime.workspace, { name: "alerts", workers: ["w1", "w2"] });
  runtime.store.teams.register({
    teamId: "alerts",
    sessionName: "team-alerts",
    workspace: runtime.workspace,
    leaderId: "leader",
    spec,
  });
  return { runtime, team: () => runtime.store.teams.get("alerts") as TeamRow, events };
}

/** A worker with an open task and one delivered message; returns that message. */
function busyWorker(runtime: TeamRuntime, agentId: string): string {
  runtime.store.agents.upsert("alerts", agentId, { status: "running", provider: "fake", pane_id: `%${agentId}` });
  runtime.store.tasks.upsert("alerts", { id: `t-${agentId}`, title: "work", assignee: agentId, status: "in_progress" });
  return deliver(runtime, agentId);
}

/** Its last output is `at` (after its last delivery), so a tick ten minutes later finds it silent and stuck. */
function lastOutputAt(runtime: TeamRuntime, agentId: string, at: string): number {
  runtime.store.health.upsert("alerts", agentId, { status: "RUNNING", lastOutputAt: at });
  return Date.parse(at);
}

function deliver(runtime: TeamRuntime, agentId: string): string {
  const messages = runtime.store.messages;
  const { message_id } = messages.create("alerts", { sender: "leader", recipient: agentId, content: "go" });
  messages.claimForDelivery(message_id);
  messages.transition(message_id, "pasted");
  messages.transition(message_id, "submitted");
  return message_id;
}

/** Progress checks are `>=`: what follows a delivery must be stamped strictly after it. */
async function afterMessage(runtime: TeamRuntime, messageId: string): Promise<void> {
  const deliveredAt = runtime.store.messages.get(messageId)?.delivered_at ?? isoNow();
  await waitFor(() => isoNow() > deliveredAt, "the clock to pass the delivery", 2_000);
}

function leadMessages(runtime: TeamRuntime): string[] {
  return runtime.store.messages
    .inbox("alerts", "leader", 100)
    .filter((message) => message.recipient === "leader")
    .map((message) => message.content);
}

describe("stuck-cancel", () => {
  it("stores a suppression the daemon's stuck step keeps until the worker gets new work", async () => {
    const { runtime, team, events } = await openTeam();
    busyWorker(runtime, "w1");
    await afterMessage(runtime, busyWorker(runtime, "w2"));
    const now = isoNow();
    const silentSince = lastOutputAt(runtime, "w1", now);
    lastOutputAt(runtime, "w2", now);

    const cancelled = stuckCancel(runtime, team(), "w1", "stuck", "leader");
    expect(cancelled).toMatchObject({ ok: true, agent_id: "w1", alert_types: ["stuck"] });
    expect(cancelled.suppressed.stuck).toMatchObject({ alert_type: "stuck", suppressed_by: "leader" });

    const memory = createDetectorMemory();
    const tick = (afterSilenceMs: number) =>
      runDetectors({
        runtime,
        team: team(),
        registry: ProviderRegistry.fromPlugins([]),
        panes: [],
        now: new Date(silentSince + afterSilenceMs).toISOString(),
        memory,
        captureLeader: async () => null,
      });
    // Both are equally silent with open work; the suppressed one is passed over, and its suppression survives.
    expect((await tick(600_000)).stuck).toEqual(["w2"]);
    expect(leadMessages(runtime)).toEqual([stuckPushText("w2", 600)]);
    expect(events.named("coordinator.idle_alert_suppression_cleared")).toEqual([]);
    expect(Object.keys(stuckList(runtime, team()).suppressed_idle_alerts)).toEqual(["w1"]);

    // New work lifts the suppression; once w1 falls silent again the lead hears about it.
    const newWork = deliver(runtime, "w1");
    await tick(720_000);
    expect(events.named("coordinator.idle_alert_suppression_cleared")).toEqual([
      expect.objectContaining({ agent_id: "w1", reason: "snapshot_changed" }),
    ]);
    await afterMessage(runtime, newWork);
    const silentAgain = lastOutputAt(runtime, "w1", isoNow());
    expect((await tick(silentAgain - silentSince + 600_000)).stuck).toContain("w1");
    expect(leadMessages(runtime)).toContain(stuckPushText("w1", 600));
    expect(stuckList(runtime, team()).suppressed_idle_alerts).toEqual({});
  });

  it("takes the snapshot over the open tasks and delivered messages only", async () => {
    const { runtime, team } = await openTeam();
    const before = currentStuckSnapshot(runtime, team(), "w1");
    runtime.store.messages.create("alerts", { sender: "leader", recipient: "w1", content: "queued, not delivered" });
    runtime.store.tasks.upsert("alerts", { id: "done-task", assignee: "w1", status: "done" });
    expect(currentStuckSnapshot(runtime, team(), "w1")).toBe(before);
    const delivered = deliver(runtime, "w1");
    runtime.store.tasks.upsert("alerts", { id: "open-task", assignee: "w1", status: "assigned" });
    expect(JSON.parse(currentStuckSnapshot(runtime, team(), "w1"))).toEqual({
      tasks: ["open-task"],
      delivered: [delivered],
    });
  });

  it("'all' silences both alert types; the idle one is team-wide", async () => {
    const { runtime, team } = await openTeam();
    const result = stuckCancel(runtime, team(), "w2", "all", "w1");
    expect(result.alert_types).toEqual(["stuck", "idle_fallback"]);
    expect(result.suppressed.idle_fallback).toMatchObject({ scope: "team", suppressed_by: "w1" });
    const listed = stuckList(runtime, team()).suppressed_idle_alerts;
    expect(Object.keys(listed).sort()).toEqual(["w1", "w2"]);
    expect(listed["w2"]?.stuck).toBeDefined();
    expect(listed["w1"]?.stuck).toBeUndefined();
    expect(listed["w1"]?.idle_fallback).toMatchObject({ alert_type: "idle_fallback", manual_acknowledge: true });
  });

  it("refuses the lead, unknown workers and unknown alert types, and writes nothing", async () => {
    const { runtime, team } = await openTeam();
    const codeOf = (call: () => unknown): string => {
      try {
        call();
        return "no error";
      } catch (error) {
        return error instanceof TeamAgentError ? error.code : String(error);
      }
    };
    expect(codeOf(() => stuckCancel(runtime, team(), "nobody", "stuck", "leader"))).toBe("unknown_agent");
    expect(codeOf(() => stuckCancel(runtime, team(), "leader", "stuck", "leader"))).toBe("leader_not_a_worker");
    expect(codeOf(() => stuckCancel(runtime, team(), "w1", "loud" as "stuck", "leader"))).toBe("usage_error");
    expect(runtime.store.monitor.getAll("alerts")).toEqual({});
  });

  it("replaces an unreadable stored value instead of failing on it", async () => {
    const { runtime, team } = await openTeam();
    runtime.store.monitor.set("alerts", STUCK_ALERTS_KEY, "garbage");
    expect(stuckList(runtime, team()).suppressed_idle_alerts).toEqual({});
    stuckCancel(runtime, team(), "w1", "stuck", "leader");
    expect(Object.keys(stuckList(runtime, team()).suppressed_idle_alerts)).toEqual(["w1"]);
  });
});

describe("acknowledge-idle", () => {
  const idleNodes: IdleNode[] = [
    { node_id: "w1", role: "worker", state: "idle" },
    { node_id: "w2", role: "worker", state: "idle" },
  ];

  /** Two ticks of the take-over predicate two minutes apart, over the stored monitor state. */
  function remindAfterTwoMinutes(runtime: TeamRuntime): string {
    const start = Date.now();
    let monitor = runtime.store.monitor.get("alerts", IDLE_MONITOR_KEY);
    let reason = "";
    for (const offset of [0, 120_000]) {
      const decision = evaluateTakeoverReminder(idleNodes, {
        monitorState: monitor,
        now: new Date(start + offset).toISOString(),
        debounceSeconds: 60,
      });
      monitor = decision.monitor_state;
      reason = decision.reason;
    }
    return reason;
  }

  function armByDelivery(runtime: TeamRuntime): void {
    runtime.store.monitor.update("alerts", IDLE_MONITOR_KEY, (current) =>
      armOnDelivery(current, { node_id: "w1", message_id: "msg_000000000001", now: isoNow() }),
    );
  }

  it("silences the all-idle reminder until the next delivery re-arms it", async () => {
    const { runtime, team, events } = await openTeam();
    armByDelivery(runtime);
    expect(remindAfterTwoMinutes(runtime)).toBe("all_idle_debounce_elapsed");

    const ack = acknowledgeIdle(runtime, team(), "leader");
    expect(ack).toMatchObject({
      ok: true,
      agent_id: null,
      ttl_seconds: IDLE_ACK_TTL_SECONDS,
      acknowledged_by: "leader",
    });
    expect(Date.parse(ack.expires_at) - Date.parse(ack.acknowledged_at)).toBe(IDLE_ACK_TTL_SECONDS * 1000);
    expect(remindAfterTwoMinutes(runtime)).toBe("acknowledged");
    expect(stuckList(runtime, team()).idle_acknowledged).toMatchObject({ expires_at: ack.expires_at });
    expect(events.named("coordinator.idle_acknowledged")).toHaveLength(1);

    armByDelivery(runtime);
    expect(stuckList(runtime, team())).toMatchObject({ idle_acknowledged: null, suppressed_idle_alerts: {} });
    expect(remindAfterTwoMinutes(runtime)).toBe("all_idle_debounce_elapsed");
  });
});
