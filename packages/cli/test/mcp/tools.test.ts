// The store-only tools through the real server: messages, tasks, results, notes and questions for the human, the
// identity rules and the cross-team refusal. Each check reads the store the server wrote.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMcp, type McpSession, type StoreTeams, storeTeams, workerEnv } from "./harness.js";

let teams: StoreTeams;
let w1: McpSession;
let lead: McpSession;

beforeAll(async () => {
  teams = await storeTeams();
  [w1, lead] = await Promise.all([
    connectMcp(teams.workspace, workerEnv("w1", "alpha", teams.workspace)),
    // A server started without a worker identity (no TEAM_AGENT_ID, no owner team): the active team, sender unknown.
    connectMcp(teams.workspace, { TEAM_AGENT_WORKSPACE: teams.workspace }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([w1?.close(), lead?.close()]);
  await teams?.kill();
});

const store = () => teams.runtime.store;
/** The workspace's event log entries named `name` (the server appends to the same file). */
const events = (name: string) =>
  readFileSync(teams.runtime.layout.eventsPath, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((event) => event["event"] === name);
const message = (id: unknown) => store().messages.get(String(id));

describe("send_message", () => {
  it("stores a message to a teammate and answers at once with where to follow it", async () => {
    const { isError, body } = await w1.call("send_message", { to: "w2", content: "please review src/a.ts" });
    expect(isError).toBe(false);
    expect(body).toEqual({
      ok: true,
      status: "accepted",
      message_id: expect.any(String),
      to: "w2",
      delivery_pending: true,
      poll_via: "team-agent inbox w2",
    });
    expect(message(body["message_id"])).toMatchObject({
      team_id: "alpha",
      sender: "w1",
      recipient: "w2",
      requires_ack: true,
      status: "accepted",
      content: "please review src/a.ts",
    });
  });

  it("sends to the lead without asking for an acknowledgement, under any spelling of leader", async () => {
    for (const to of ["leader", "Leader"]) {
      const { isError, body } = await w1.call("send_message", { to, content: `status update via ${to}` });
      expect(isError).toBe(false);
      expect(body).toMatchObject({ ok: true, status: "accepted", to: "leader", submitted: false });
      expect(Object.keys(body)).not.toContain("delivered_by");
      expect(message(body["message_id"])).toMatchObject({ sender: "w1", recipient: "leader", requires_ack: false });
    }
  });

  it('reaches every other member of the team with "*", acknowledgement required', async () => {
    const { isError, body } = await w1.call("send_message", { to: "*", content: "standup in 5" });
    expect(isError).toBe(false);
    expect(body).toMatchObject({
      ok: true,
      status: "fanout_accepted",
      targets: ["w2"],
      delivered_count: 0,
      failed_count: 0,
      queued: 1,
    });
    const [delivery] = body["deliveries"] as Array<{ message_id: string }>;
    expect(message(delivery?.message_id)).toMatchObject({ recipient: "w2", requires_ack: true, sender: "w1" });
  });

  it("fans a list out once per member, and the explicit requires_ack wins", async () => {
    const { body } = await w1.call("send_message", {
      to: ["w2", "leader", "w2"],
      content: "merged",
      requires_ack: false,
      task_id: "t-merge",
    });
    expect(body).toMatchObject({ status: "fanout_accepted", targets: ["w2", "leader"] });
    for (const delivery of body["deliveries"] as Array<{ message_id: string }>) {
      expect(message(delivery.message_id)).toMatchObject({ requires_ack: false, task_id: "t-merge" });
    }
  });

  it("sends as unknown from a server without identity, never as the lead", async () => {
    const { body } = await lead.call("send_message", { to: "w1", content: "who am I" });
    expect(body).toMatchObject({ status: "accepted", poll_via: "team-agent inbox w1" });
    expect(message(body["message_id"])).toMatchObject({ team_id: "alpha", sender: "unknown" });
  });

  it("refuses a sender other than the caller", async () => {
    const before = teams.counts();
    const { isError, body } = await w1.call("send_message", { to: "w2", content: "x", sender: "w2" });
    expect(isError).toBe(true);
    expect(body).toMatchObject({ ok: false, status: "refused", reason: "identity_mismatch", agent_id: "w2" });
    expect(teams.counts()).toEqual(before);
  });

  it("refuses a member of another team, and delivers there only with scope workspace", async () => {
    const before = teams.counts();
    const refused = await w1.call("send_message", { to: "b1", content: "hello beta" });
    expect(refused.isError).toBe(true);
    expect(refused.body).toMatchObject({ ok: false, status: "refused", reason: "peer_not_in_scope", to: "b1" });
    expect(refused.body["hint"]).toContain("scope='workspace'");
    expect(refused.body["hint"]).toContain("mcp__team_orchestrator__send_message");
    // A list cannot smuggle one in either, and nothing of the list was sent.
    const mixed = await w1.call("send_message", { to: ["w2", "b1"], content: "hello all" });
    expect(mixed.body).toMatchObject({ reason: "peer_not_in_scope", to: "b1" });
    expect(teams.counts()).toEqual(before);

    const refusals = events("mcp.send_message_refused").filter((event) => event["to"] === "b1");
    expect(refusals[0]).toMatchObject({ team_id: "alpha", sender: "w1", reason: "peer_not_in_scope", scope: "team" });

    const allowed = await w1.call("send_message", { to: "b1", content: "hello beta", scope: "workspace" });
    expect(allowed.isError).toBe(false);
    expect(message(allowed.body["message_id"])).toMatchObject({ team_id: "beta", sender: "w1", recipient: "b1" });
  });

  it("names the members when the recipient exists nowhere", async () => {
    const { isError, body } = await w1.call("send_message", { to: "w9", content: "anyone?" });
    expect(isError).toBe(true);
    expect(body).toMatchObject({ reason: "invalid_tool_arguments", exc_type: "ToolArgumentError" });
    expect(body["message"]).toContain("members: leader, w1, w2");
  });
});

describe("assign_task", () => {
  it("stores the task and sends it to the assignee with its task id", async () => {
    const task = {
      id: "t1",
      title: "Fix login",
      description: "The login form loses focus.",
      assignee: "w2",
      priority: 2,
    };
    const { isError, body } = await w1.call("assign_task", { task });
    expect(isError).toBe(false);
    expect(body).toMatchObject({ ok: true, status: "accepted", task_id: "t1", to: "w2", delivery_pending: true });
    expect(store().tasks.get("alpha", "t1")).toMatchObject({
      title: "Fix login",
      assignee: "w2",
      status: "pending",
      spec: { priority: 2 },
    });
    expect(message(body["message_id"])).toMatchObject({
      task_id: "t1",
      recipient: "w2",
      content: "The login form loses focus.",
    });
  });

  it("sends the given message instead of the description, and never re-opens a finished task", async () => {
    store().tasks.upsert("alpha", { id: "t-done", title: "Old", assignee: "w2", status: "done" });
    const { body } = await w1.call("assign_task", {
      task: { id: "t-done", assignee: "w2", status: "pending" },
      message: "have another look",
    });
    expect(message(body["message_id"])).toMatchObject({ content: "have another look", task_id: "t-done" });
    expect(store().tasks.get("alpha", "t-done")?.status).toBe("done");
  });

  it("writes nothing when the assignee is outside the team or the task is invalid", async () => {
    const before = teams.counts();
    const outside = await w1.call("assign_task", { task: { id: "t2", assignee: "b1" } });
    expect(outside.body).toMatchObject({ status: "refused", reason: "peer_not_in_scope" });
    const badId = await w1.call("assign_task", { task: { id: "no spaces", assignee: "w2" } });
    expect(badId.body).toMatchObject({ reason: "invalid_tool_arguments", code: "invalid_task" });
    expect(teams.counts()).toEqual(before);
    expect(store().tasks.get("alpha", "t2")).toBeNull();
  });
});

describe("report_result", () => {
  it("normalises the report, stores it under the caller and queues the lead's notification", async () => {
    const impl = await connectMcp(teams.workspace, workerEnv("fake_impl", "alpha", teams.workspace));
    try {
      const { isError, body } = await impl.call("report_result", {
        summary: "done",
        status: "ok",
        changes: [{ file: "src/example.py", summary: "edited" }],
        tests: [{ cmd: "unit", status: "ok" }],
      });
      expect(isError).toBe(false);
      expect(Object.keys(body).sort()).toEqual(
        [
          "agent_id",
          "leader_notified",
          "notification_message_id",
          "notification_status",
          "ok",
          "result_id",
          "status",
          "task_id",
        ].sort(),
      );
      expect(body).toMatchObject({ ok: true, status: "success", agent_id: "fake_impl", task_id: "manual" });
      const stored = store().results.get(String(body["result_id"]));
      expect(stored?.envelope).toMatchObject({
        agent_id: "fake_impl",
        task_id: "manual",
        status: "success",
        changes: [{ path: "src/example.py", kind: "modified" }],
        tests: [{ command: "unit", status: "passed" }],
      });
      expect(message(body["notification_message_id"])).toMatchObject({ recipient: "leader", sender: "fake_impl" });
    } finally {
      await impl.close();
    }
  });

  it("reports against the caller's current task when it names none", async () => {
    store().tasks.upsert("alpha", { id: "t-current", title: "Current", assignee: "w1" });
    const { body } = await w1.call("report_result", { summary: "finished the current task" });
    expect(body).toMatchObject({ ok: true, agent_id: "w1", task_id: "t-current" });
  });

  it("refuses a report in another worker's name", async () => {
    const before = teams.counts();
    const { isError, body } = await w1.call("report_result", { summary: "done", agent_id: "w2" });
    expect(isError).toBe(true);
    expect(body).toMatchObject({ reason: "identity_mismatch", agent_id: "w2" });
    const nested = await w1.call("report_result", { envelope: { summary: "done", agent_id: "w2" } });
    expect(nested.body).toMatchObject({ reason: "identity_mismatch" });
    expect(teams.counts()).toEqual(before);
  });
});

describe("update_state, request_human, get_team_status, stuck tools", () => {
  it("appends notes to the team's shared state", async () => {
    const first = await w1.call("update_state", { note: "decided: keep the REST API" });
    expect(first).toEqual({ isError: false, body: { ok: true, status: "noted" } });
    await w1.call("update_state", { note: "found: flaky test in auth" });
    const notes = store().teams.get("alpha")?.attrs["notes"] as Array<{ note: string; agent_id: string }>;
    expect(notes.slice(-2).map((entry) => [entry.agent_id, entry.note])).toEqual([
      ["w1", "decided: keep the REST API"],
      ["w1", "found: flaky test in auth"],
    ]);
  });

  it("asks the human through the lead, acknowledgement required", async () => {
    const { isError, body } = await w1.call("request_human", { question: "Which database?", task_id: "t1" });
    expect(isError).toBe(false);
    expect(body).toEqual({ ok: true, status: "needs_human", message_id: expect.any(String) });
    const asked = message(body["message_id"]);
    expect(asked).toMatchObject({ recipient: "leader", sender: "w1", requires_ack: true, task_id: "t1" });
    expect(asked?.content).toContain("Which database?");
  });

  it("shows the team compactly without pane ids or message bodies", async () => {
    const { isError, body } = await w1.call("get_team_status");
    expect(isError).toBe(false);
    expect(body).toMatchObject({
      ok: true,
      team: "alpha",
      tmux_session_present: false,
      agents: { w1: { provider: "fake" }, w2: { provider: "fake" } },
    });
    expect(body["tasks"]).toEqual(expect.arrayContaining([expect.objectContaining({ id: "t1", assignee: "w2" })]));
    expect(JSON.stringify(body)).not.toMatch(/pane_id|please review/);
  });

  it("silences a worker's stuck alert and lists it, in the caller's name", async () => {
    const cancelled = await w1.call("stuck_cancel", { agent_id: "w2" });
    expect(cancelled.isError).toBe(false);
    expect(cancelled.body).toMatchObject({ ok: true, agent_id: "w2", alert_types: ["stuck"] });
    const listed = await w1.call("stuck_list");
    expect(listed.body).toMatchObject({
      ok: true,
      suppressed_idle_alerts: { w2: { stuck: { suppressed_by: "w1" } } },
    });
  });

  it("refuses lifecycle and alert calls aimed at another team's worker before touching anything", async () => {
    const before = teams.counts();
    for (const [tool, args] of [
      ["stop_agent", { agent_id: "b1" }],
      ["reset_agent", { agent_id: "b1", discard_session: true }],
      ["fork_agent", { source_agent_id: "b1", as_agent_id: "b2" }],
      ["stuck_cancel", { agent_id: "b1" }],
    ] as const) {
      const { isError, body } = await w1.call(tool, args);
      expect(isError, tool).toBe(true);
      expect(body, tool).toMatchObject({ status: "refused", reason: "peer_not_in_scope", agent_id: "b1" });
    }
    expect(teams.counts()).toEqual(before);
    expect(store().agents.get("beta", "b1")?.status).toBe("running");
  });
});
