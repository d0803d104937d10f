/**
 * Tick steps 8, 9 and 11–14 against a real SQLite store in a temp workspace. Worker panes are given as
 * PaneObservation objects and the lead's pane through the injectable capture, so no tmux server is needed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AgentHealthStatus,
  MemoryEventSink,
  type TeamRow,
  TeamRuntimeError,
  type TeamSpec,
  teamSpecSchema,
} from "@team-agent/core-state";
import { ProviderRegistry } from "@team-agent/provider-registry";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  COMPACTION_COUNTS_KEY,
  createDetectorMemory,
  DEADLOCK_ALERTS_KEY,
  DEADLOCK_PENDING_GRACE_SEC,
  type DetectorInput,
  type DetectorMemory,
  type DetectorReport,
  type ResetAttempt,
  runDetectors,
  STUCK_ALERTS_KEY,
  stuckWorkSnapshot,
} from "../../src/daemon/detector-steps.js";
import { pendingMessagesSnapshot, stuckPushText } from "../../src/daemon/detectors/index.js";
import type { PaneObservation } from "../../src/daemon/screens.js";
import { bindLeader } from "../../src/ops/leader.js";
import { sendMessage } from "../../src/ops/send.js";
import { TeamRuntime } from "../../src/runtime/runtime.js";

const TEAM = "detectors";
const LEAD = "lead";
const THREAD_A = "0195aaaa-1111-7222-8333-444455556666";
const THREAD_B = "0195bbbb-1111-7222-8333-444455556666";
const COMPACTED = "• Context compacted\n";
const READY_SCREEN = "› Ask Codex to do anything\n";

/** ISO time `seconds` from the start of the test (the store stamps rows with the real clock). */
let startMs = 0;
const at = (seconds: number) => new Date(startMs + seconds * 1000).toISOString();

function teamSpec(runtime: Partial<TeamSpec["runtime"]>): TeamSpec {
  const worker = (id: string) => ({
    id,
    role: "worker",
    provider: "codex",
    model: null,
    working_directory: ".",
    system_prompt: { inline: "Work.", file: null },
    tools: [],
    permission_mode: "restricted",
    preferred_for: [],
    avoid_for: [],
    output_contract: { format: "result_envelope_v1", required_fields: [] },
  });
  return teamSpecSchema.parse({
    version: 1,
    team: { name: TEAM, mode: "supervisor_worker", objective: "exercise the detector steps", workspace: "." },
    leader: {
      id: LEAD,
      role: "leader",
      provider: "claude_code",
      model: null,
      tools: [],
      context_policy: { keep_user_thread: true, receive_worker_outputs: "summaries", max_worker_result_tokens: 2000 },
    },
    agents: [worker("w1"), worker("w2")],
    routing: { default_assignee: "w1", rules: [] },
    communication: {
      protocol: "mcp_inbox",
      topology: "leader_centered",
      worker_to_worker: true,
      ack_timeout_sec: 60,
      result_format: "result_envelope_v1",
      message_store: { sqlite: ".team/runtime/team.db", mirror_files: ".team/messages" },
    },
    runtime: {
      backend: "tmux",
      session_name: null,
      auto_launch: true,
      require_user_approval_before_launch: false,
      max_active_agents: 4,
      startup_order: [],
      ...runtime,
    },
    context: {
      state_file: "team_state.md",
      artifact_dir: ".team/artifacts",
      log_dir: ".team/logs",
      summarization: { worker_full_logs: "retain_outside_leader_context", state_update: "after_each_result" },
    },
    tasks: [],
  });
}

interface WorkerSetup {
  health: AgentHealthStatus;
  /** Seconds relative to the test start. */
  lastOutputAt?: number;
  provider?: string;
  sessionId?: string;
  /** When the worker was (re)started, seconds relative to the test start. */
  spawnedAt?: number;
  /** The pane text this tick; no pane observation when omitted. */
  screen?: string;
}

class Fixture {
  readonly memory: DetectorMemory = createDetectorMemory();
  readonly panes = new Map<string, PaneObservation>();
  leaderScreen: string | null = "› \n";
  readonly resets: string[] = [];
  resetOutcome: ResetAttempt = { ok: true };

  private constructor(
    readonly workspace: string,
    readonly runtime: TeamRuntime,
    /** Everything the store and the steps logged. */
    readonly events: MemoryEventSink,
  ) {}

  static async open(runtimeSettings: Partial<TeamSpec["runtime"]> = {}): Promise<Fixture> {
    const workspace = mkdtempSync(join(tmpdir(), "ta-detector-steps-"));
    dirs.push(workspace);
    const events = new MemoryEventSink();
    const runtime = await TeamRuntime.open({ workspace, events, registry: ProviderRegistry.fromPlugins([]) });
    runtimes.push(runtime);
    runtime.store.teams.register({
      teamId: TEAM,
      sessionName: `team-${TEAM}`,
      workspace: runtime.workspace,
      leaderId: LEAD,
      leaderProvider: "claude_code",
      spec: teamSpec(runtimeSettings),
    });
    runtime.store.teams.setAttrs(TEAM, {
      runtime: {
        tmux_socket: "ta-detector-steps-unused",
        provider_sources: {},
        mcp: { command: "true", args: [] },
        tick_interval_ms: 2000,
        idle_debounce_ms: 60_000,
        lease_ttl_ms: 15_000,
      },
    });
    return new Fixture(workspace, runtime, events);
  }

  get team(): TeamRow {
    return this.runtime.store.teams.get(TEAM) as TeamRow;
  }

  worker(agentId: string, setup: WorkerSetup): void {
    const store = this.runtime.store;
    store.agents.upsert(TEAM, agentId, {
      status: "running",
      provider: setup.provider ?? "codex",
      pane_id: `%${this.panes.size + 1}`,
      session_id: setup.sessionId ?? null,
      spawned_at: setup.spawnedAt === undefined ? null : at(setup.spawnedAt),
    });
    store.health.upsert(TEAM, agentId, {
      status: setup.health,
      lastOutputAt: setup.lastOutputAt === undefined ? null : at(setup.lastOutputAt),
    });
    if (setup.screen !== undefined) this.screen(agentId, setup.screen);
  }

  screen(agentId: string, text: string): void {
    this.panes.set(agentId, { agentId, present: true, kind: "input_ready", text });
  }

  /** A message from the lead that reached the worker. */
  delivered(to: string, content = "do the thing"): string {
    const messages = this.runtime.store.messages;
    const { message_id } = messages.create(TEAM, { sender: LEAD, recipient: to, content, requiresAck: true });
    messages.claimForDelivery(message_id);
    messages.transition(message_id, "pasted");
    messages.transition(message_id, "submitted");
    return message_id;
  }

  /** A message stored but not delivered yet. */
  queued(to: string, from = LEAD): string {
    return this.runtime.store.messages.create(TEAM, { sender: from, recipient: to, content: "over to you" }).message_id;
  }

  run(nowSeconds: number, overrides: Partial<DetectorInput> = {}): Promise<DetectorReport> {
    return runDetectors({
      runtime: this.runtime,
      team: this.team,
      registry: ProviderRegistry.fromPlugins([]),
      panes: [...this.panes.values()],
      now: at(nowSeconds),
      memory: this.memory,
      captureLeader: async () => this.leaderScreen,
      resetAgent: async (agentId) => {
        this.resets.push(agentId);
        return this.resetOutcome;
      },
      ...overrides,
    });
  }

  named(event: string): Array<Record<string, unknown>> {
    return this.events.named(event);
  }

  /** Rows the SQLite connection has changed since it opened. */
  totalChanges(): number {
    return (this.runtime.store.context.db.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
  }

  messagesToLead(): string[] {
    return this.runtime.store.messages
      .inbox(TEAM, LEAD, 100)
      .filter((message) => message.recipient === LEAD && message.sender === "coordinator")
      .map((message) => message.content);
  }

  monitor(key: string): unknown {
    return this.runtime.store.monitor.get(TEAM, key);
  }
}

const dirs: string[] = [];
const runtimes: TeamRuntime[] = [];

beforeEach(() => {
  startMs = Date.now();
});

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NOTHING: Omit<DetectorReport, "scheduled"> = {
  stuck: [],
  deadlock_alerts: [],
  compaction: [],
  session_drift: [],
  api_errors: [],
};

describe("cheap on a quiet team", () => {
  it("two runs on an unchanged idle team write no row and log no event", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", {
      health: "IDLE",
      lastOutputAt: -3600,
      sessionId: THREAD_A,
      screen: `codex resume ${THREAD_A}\n${READY_SCREEN}`,
    });
    fx.worker("w2", { health: "IDLE", lastOutputAt: -3600, screen: `${COMPACTED}${READY_SCREEN}` });
    fx.runtime.store.tasks.upsert(TEAM, { id: "done-task", assignee: "w1", status: "done" });
    fx.delivered("w1");
    fx.runtime.store.monitor.set(TEAM, COMPACTION_COUNTS_KEY, { w2: { count: 1, last_recommend_at: null } });
    fx.runtime.store.scheduled.schedule(TEAM, {
      dueAt: at(3600),
      target: "w1",
      kind: "send",
      payload: { content: "later" },
    });
    const eventsBefore = fx.events.events.length;
    const changesBefore = fx.totalChanges();

    // The lead is not bound: the default capture reads nothing and never reaches for tmux.
    const first = await fx.run(0, { captureLeader: undefined });
    const second = await fx.run(2, { captureLeader: undefined });

    expect(first).toEqual({ scheduled: [], ...NOTHING });
    expect(second).toEqual({ scheduled: [], ...NOTHING });
    expect(fx.events.events.slice(eventsBefore)).toEqual([]);
    expect(fx.totalChanges()).toBe(changesBefore);
  });

  it("news is reported on one tick and the next ticks stay silent", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", { health: "WORKING", lastOutputAt: -400 });
    fx.runtime.store.tasks.upsert(TEAM, { id: "t1", assignee: "w1", status: "in_progress" });
    fx.worker("w2", { health: "IDLE", lastOutputAt: 0 });
    fx.queued("w2");
    fx.worker("w3", {
      health: "IDLE",
      lastOutputAt: 0,
      sessionId: THREAD_A,
      screen: `Switched to thread ${THREAD_B}\n${COMPACTED}${READY_SCREEN}`,
    });
    fx.leaderScreen = "> go\nAPI Error: 529 overloaded_error\n";

    const first = await fx.run(DEADLOCK_PENDING_GRACE_SEC + 10);
    expect(first.stuck).toEqual(["w1"]);
    expect(first.deadlock_alerts.map((alert) => alert.agent_id)).toEqual(["w2"]);
    expect(first.compaction.map((entry) => [entry.agent_id, entry.count])).toEqual([["w3", 1]]);
    expect(first.session_drift.map((entry) => entry.agent_id)).toEqual(["w3"]);
    expect(first.api_errors.map((entry) => entry.error_class)).toEqual(["Overloaded"]);
    expect(fx.messagesToLead()).toHaveLength(1);

    const eventsBefore = fx.events.events.length;
    const changesBefore = fx.totalChanges();
    const second = await fx.run(DEADLOCK_PENDING_GRACE_SEC + 12);
    const third = await fx.run(DEADLOCK_PENDING_GRACE_SEC + 14);
    expect(fx.events.events.slice(eventsBefore)).toEqual([]);
    expect(fx.totalChanges()).toBe(changesBefore);
    // Still stuck, still waiting: the report says so, the log and the lead already know.
    for (const report of [second, third]) {
      expect(report).toEqual({
        ...NOTHING,
        scheduled: [],
        stuck: ["w1"],
      });
    }
  });
});

describe("step 9: stuck workers", () => {
  it("uses the spec's timeout, reports a silent worker with an open task once and pushes at most once per interval", async () => {
    const fx = await Fixture.open({ stuck_timeout_sec: 120, push_min_interval_sec: 60 });
    fx.worker("w1", { health: "WORKING", lastOutputAt: -150 });
    fx.worker("w2", { health: "WORKING", lastOutputAt: -100 });
    fx.runtime.store.tasks.upsert(TEAM, { id: "t1", assignee: "w1", status: "in_progress" });
    fx.runtime.store.tasks.upsert(TEAM, { id: "t2", assignee: "w2", status: "in_progress" });

    expect((await fx.run(0)).stuck).toEqual(["w1"]);
    expect(fx.named("coordinator.agent_stuck")).toMatchObject([
      { team_id: TEAM, agent_id: "w1", last_output_at: at(-150), work_reason: "active_task", silent_sec: 150 },
    ]);
    expect(fx.messagesToLead()).toEqual([stuckPushText("w1", 150)]);

    expect((await fx.run(30)).stuck).toEqual(["w1", "w2"]);
    expect(fx.messagesToLead()).toEqual([stuckPushText("w1", 150), stuckPushText("w2", 130)]);

    await fx.run(61);
    expect(fx.messagesToLead()).toEqual([stuckPushText("w1", 150), stuckPushText("w2", 130), stuckPushText("w1", 211)]);
    expect(fx.named("coordinator.agent_stuck").map((event) => event["agent_id"])).toEqual(["w1", "w2"]);
    expect(fx.monitor(STUCK_ALERTS_KEY)).toEqual({ suppressions: {}, last_push_at: { w1: at(61), w2: at(30) } });
  });

  it("counts a message on its way as work, not delivered history; a worker without work is noted once", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", { health: "RUNNING", lastOutputAt: -400 });
    fx.delivered("w1");
    fx.worker("w2", { health: "RUNNING", lastOutputAt: -400 });
    fx.queued("w2");

    const first = await fx.run(0);
    await fx.run(2);
    expect(first.stuck).toEqual(["w2"]);
    expect(fx.named("coordinator.agent_stuck")).toMatchObject([{ agent_id: "w2", work_reason: "inbound_message" }]);
    expect(fx.named("coordinator.agent_stuck_suppressed")).toMatchObject([{ agent_id: "w1", reason: "idle_no_work" }]);
    expect(fx.messagesToLead()).toEqual([stuckPushText("w2", 400)]);
  });

  it("does not call a worker stuck when it made progress after its last output", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", { health: "WORKING", lastOutputAt: -400 });
    fx.runtime.store.tasks.upsert(TEAM, { id: "t1", assignee: "w1", status: "in_progress" });
    fx.queued(LEAD, "w1");

    expect((await fx.run(0)).stuck).toEqual([]);
    expect(fx.named("coordinator.agent_stuck_suppressed")).toMatchObject([
      { agent_id: "w1", reason: "recent_progress_event" },
    ]);
    expect(fx.messagesToLead()).toEqual([]);
  });

  it("keeps a stuck-cancel suppression until the worker's work changes or it is restarted", async () => {
    const fx = await Fixture.open();
    // w1 printed after its delivery (so the delivery is no newer progress) and was suppressed after that.
    fx.worker("w1", { health: "WORKING", lastOutputAt: 20, spawnedAt: -3600 });
    fx.runtime.store.tasks.upsert(TEAM, { id: "t1", assignee: "w1", status: "in_progress" });
    const delivered = fx.delivered("w1");
    fx.worker("w2", { health: "WORKING", lastOutputAt: -400, spawnedAt: 40 });
    fx.runtime.store.tasks.upsert(TEAM, { id: "t9", assignee: "w2", status: "in_progress" });
    fx.runtime.store.monitor.set(TEAM, STUCK_ALERTS_KEY, {
      suppressions: {
        w1: { snapshot: stuckWorkSnapshot(["t1"], [delivered]), since: at(30) },
        w2: { snapshot: stuckWorkSnapshot(["t9"], []), since: at(30) },
      },
      last_push_at: {},
    });

    // w2 was restarted after its suppression: the suppression goes, and w2 is stuck again.
    expect((await fx.run(400)).stuck).toEqual(["w2"]);
    expect(fx.named("coordinator.idle_alert_suppression_cleared")).toMatchObject([
      { agent_id: "w2", alert_type: "stuck", reason: "restart_or_reset" },
    ]);
    expect(fx.named("coordinator.agent_stuck").map((event) => event["agent_id"])).toEqual(["w2"]);

    fx.runtime.store.tasks.upsert(TEAM, { id: "t2", assignee: "w1", status: "assigned" });
    expect((await fx.run(402)).stuck).toEqual(["w1", "w2"]);
    expect(fx.named("coordinator.idle_alert_suppression_cleared")).toMatchObject([
      { agent_id: "w2", reason: "restart_or_reset" },
      { agent_id: "w1", alert_type: "stuck", reason: "snapshot_changed" },
    ]);
    expect(fx.monitor(STUCK_ALERTS_KEY)).toEqual({ suppressions: {}, last_push_at: { w1: at(402), w2: at(400) } });
  });
});

describe("step 11: cross-worker deadlocks", () => {
  it("reports an idle worker with undelivered messages once per set of messages, never to the lead", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", { health: "IDLE", lastOutputAt: 0 });
    fx.worker("w2", { health: "WORKING", lastOutputAt: 0 });
    const first = fx.queued("w1");
    fx.queued("w2");

    expect((await fx.run(5)).deadlock_alerts).toEqual([]); // the pump may still be delivering it
    const report = await fx.run(DEADLOCK_PENDING_GRACE_SEC + 5);
    expect(report.deadlock_alerts).toEqual([
      { agent_id: "w1", alert_type: "cross_worker_deadlock", pending_messages: [first] },
    ]);
    expect((await fx.run(DEADLOCK_PENDING_GRACE_SEC + 7)).deadlock_alerts).toEqual([]);

    const second = fx.queued("w1");
    expect((await fx.run(DEADLOCK_PENDING_GRACE_SEC * 2 + 10)).deadlock_alerts).toMatchObject([
      { agent_id: "w1", pending_messages: expect.arrayContaining([first, second]) },
    ]);
    expect(fx.named("coordinator.cross_worker_deadlock")).toMatchObject([
      { team_id: TEAM, team: TEAM, agent_ids: ["w1"], alert_count: 1 },
      { team_id: TEAM, team: TEAM, agent_ids: ["w1"], alert_count: 1 },
    ]);
    expect(fx.monitor(DEADLOCK_ALERTS_KEY)).toEqual({ w1: pendingMessagesSnapshot([first, second]) });
    expect(fx.messagesToLead()).toEqual([]);
  });
});

describe("step 12: compaction", () => {
  it("logs and stores a changed count, and resets the worker at the threshold", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", { health: "IDLE", lastOutputAt: 0, screen: COMPACTED });
    fx.worker("w2", { health: "IDLE", lastOutputAt: 0, provider: "fake", screen: COMPACTED.repeat(5) });

    expect((await fx.run(0)).compaction).toEqual([{ agent_id: "w1", count: 1, reset: null, persisted: true }]);
    expect((await fx.run(2)).compaction).toEqual([]);
    expect(fx.monitor(COMPACTION_COUNTS_KEY)).toEqual({ w1: { count: 1, last_recommend_at: null } });

    fx.screen("w1", COMPACTED.repeat(3));
    const report = await fx.run(4);
    expect(report.compaction).toEqual([{ agent_id: "w1", count: 0, reset: { ok: true }, persisted: true }]);
    expect(fx.resets).toEqual(["w1"]);
    expect(fx.named("coordinator.compaction_observed").map((event) => event["compaction_count"])).toEqual([1, 3]);
    expect(fx.named("compaction_threshold_crossed.auto_reset")).toMatchObject([
      { agent_id: "w1", compaction_count: 3 },
    ]);
    expect(fx.monitor(COMPACTION_COUNTS_KEY)).toEqual({ w1: { count: 0, last_recommend_at: null } });
  });

  it("reports a failed reset and retries it once per interval", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", { health: "IDLE", lastOutputAt: 0, screen: COMPACTED.repeat(3) });
    fx.resetOutcome = { ok: false, error: "window busy" };

    await fx.run(0);
    await fx.run(60);
    expect(fx.resets).toEqual(["w1"]);
    expect(fx.named("compaction_threshold_crossed.recommend_reset")).toMatchObject([
      { agent_id: "w1", reset_error: "window busy", leader_visible_message: expect.stringContaining("reset-agent") },
    ]);
    expect(fx.monitor(COMPACTION_COUNTS_KEY)).toEqual({ w1: { count: 3, last_recommend_at: at(0) } });

    await fx.run(301, { resetAgent: undefined });
    expect(fx.named("compaction_threshold_crossed.recommend_reset")[1]).toMatchObject({
      reset_error: expect.stringContaining("no reset-agent"),
    });
    expect(fx.messagesToLead()).toEqual([]);
  });

  it("reports a failed write in the result instead of throwing, and writes the count on a later tick", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", { health: "IDLE", lastOutputAt: 0, screen: COMPACTED });
    // Another process holds the write lock; without a busy wait the store gives up after its short retries.
    const other = await TeamRuntime.open({ workspace: fx.workspace, events: new MemoryEventSink() });
    runtimes.push(other);
    fx.runtime.store.context.db.pragma("busy_timeout = 0");
    other.store.context.db.exec("BEGIN IMMEDIATE");

    const blocked = await fx.run(0);
    expect(blocked.compaction).toMatchObject([
      { agent_id: "w1", count: 1, persisted: false, error: expect.any(String) },
    ]);
    expect(fx.monitor(COMPACTION_COUNTS_KEY)).toBeUndefined();

    other.store.context.db.exec("ROLLBACK");
    expect((await fx.run(2)).compaction).toEqual([]);
    expect(fx.monitor(COMPACTION_COUNTS_KEY)).toEqual({ w1: { count: 1, last_recommend_at: null } });
    expect(fx.named("coordinator.compaction_observed")).toHaveLength(1);
  });
});

describe("step 13: session drift", () => {
  it("marks a worker on another thread once, and sends to it are refused", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", {
      health: "IDLE",
      lastOutputAt: 0,
      sessionId: THREAD_A,
      screen: `Switched to thread ${THREAD_B}\n`,
    });
    fx.worker("w2", { health: "IDLE", lastOutputAt: 0, sessionId: THREAD_A, screen: `codex resume ${THREAD_A}\n` });
    fx.worker("w3", {
      health: "IDLE",
      lastOutputAt: 0,
      provider: "claude_code",
      sessionId: THREAD_A,
      screen: `thread ${THREAD_B}\n`,
    });

    expect((await fx.run(0)).session_drift).toEqual([
      { agent_id: "w1", stored_session_id: THREAD_A, actual_thread_id: THREAD_B },
    ]);
    expect((await fx.run(2)).session_drift).toEqual([]);
    const remediation = "team-agent reset-agent --discard-session w1";
    expect(fx.named("coordinator.session_drift_detected")).toMatchObject([
      { agent_id: "w1", stored_session_id: THREAD_A, actual_thread_id: THREAD_B, status: "session_drift", remediation },
    ]);
    expect(fx.runtime.store.agents.get(TEAM, "w1")?.attrs["session_drift"]).toEqual({
      stored_session_id: THREAD_A,
      actual_thread_id: THREAD_B,
      detected_at: at(0),
      remediation,
    });
    const refused = await sendMessage(fx.runtime, fx.team, { from: LEAD, to: "w1", content: "hello" }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(TeamRuntimeError);
    expect((refused as TeamRuntimeError).code).toBe("session_drift");
  });
});

describe("step 14: leader API errors", () => {
  it("logs each distinct error once, and again after a clean screen", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", { health: "IDLE", lastOutputAt: 0 });
    bindLeader(fx.runtime, fx.team, { paneId: "%9", server: { socketName: "ta-detector-lead" }, provider: "claude" });
    const dispatched = fx.queued("w1");
    const overloaded = "> fix the build\n⏺ Looking at the failing test first.\nAPI Error: 529 overloaded_error\n";
    const rateLimited = "> try again\n  claude: request failed\n  429 Too Many Requests\n";

    const logged: number[] = [];
    for (const screen of ["› \n", overloaded, overloaded, "› \n", rateLimited]) {
      fx.leaderScreen = screen;
      await fx.run(logged.length * 2);
      logged.push(fx.named("leader.api_error").length);
    }
    expect(logged).toEqual([0, 1, 1, 1, 2]);
    const [first, second] = fx.named("leader.api_error");
    expect(first).toMatchObject({
      team_id: TEAM,
      leader_session_uuid: fx.runtime.store.leader.get(TEAM)?.leader_session_uuid,
      error_class: "Overloaded",
      provider: "claude",
      partial_response_streamed: true,
      worker_dispatch_just_before: [dispatched],
      retry_count: 0,
      matched_pattern_snippet: "API Error: 529 overloaded_error",
    });
    expect(first?.["leader_session_uuid"]).toEqual(expect.any(String));
    expect(second).toMatchObject({ error_class: "RateLimit", partial_response_streamed: false });
  });
});

describe("step 8: scheduled messages", () => {
  it("turns a due send into one stored message", async () => {
    const fx = await Fixture.open();
    fx.worker("w1", { health: "IDLE", lastOutputAt: 0 });
    const row = fx.runtime.store.scheduled.schedule(TEAM, {
      dueAt: at(-1),
      target: "w1",
      kind: "send",
      payload: { content: "check in" },
    });

    expect((await fx.run(0)).scheduled).toEqual([row.id]);
    expect((await fx.run(2)).scheduled).toEqual([]);
    const inbox = fx.runtime.store.messages.inbox(TEAM, "w1").filter((message) => message.content === "check in");
    expect(inbox).toMatchObject([{ sender: "coordinator", recipient: "w1", status: "accepted" }]);
  });
});
