// `send`, `inbox`, `collect` and `settle` through the real bin, against a running fake team (private tmux server,
// daemon on) started in this process, and against a store-only workspace where timing must be exact.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MessageRow, type ResultEnvelope, RuntimeStore } from "@team-agent/core-state";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportResult } from "../../../coordinator/src/ops/results.js";
import { createTeamHarness, type TeamHarness, waitFor } from "../../../coordinator/test/helpers/team-harness.js";
import { teamAgent } from "../helpers/cli.js";

/** A printed envelope with any data fields. */
type Envelope = ResultEnvelope<Record<string, unknown>>;

interface SentData extends Envelope {
  message_id: string;
  to: string;
  status: string;
  submitted: boolean;
  delivered_by: string;
  task_id: string | null;
  watch?: { status: string; watcher_id: string; task_id: string | null; agent_id: string };
}

describe("against a running team", () => {
  let harness: TeamHarness;
  const cli = (args: string[]) => teamAgent(args, { cwd: harness.workspace });
  const teamId = () => harness.team().team_id;
  // Messages the lead sent (workers' result notifications to the lead keep arriving meanwhile).
  const sentByLead = () =>
    harness.runtime.store.messages.inbox(teamId(), "leader", 10_000).filter((message) => message.sender === "leader")
      .length;

  beforeAll(async () => {
    harness = await createTeamHarness();
    await harness.startTeam({ workers: 2, daemon: true });
  }, 120_000);
  afterAll(async () => harness?.kill());

  it("joins the message words, stores the message and waits until it is submitted", async () => {
    const result = await cli(["send", "w1", "please", "run", "the", "tests", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const sent = result.json<SentData>();
    expect(sent).toMatchObject({ ok: true, to: "w1", status: "submitted", submitted: true, delivered_by: "daemon" });
    const stored = harness.runtime.store.messages.get(sent.message_id) as MessageRow;
    expect(stored.content).toBe("please run the tests");
    expect(stored.sender).toBe("leader");
  });

  it("says in one line what happened, for people", async () => {
    const result = await cli(["send", "w2", "hello", "there"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^sent msg_[0-9a-f]+ to w2: submitted$/);
  });

  it("fans out with --to", async () => {
    const result = await cli(["send", "--to", "w1,w2", "--json", "status", "check"]);
    expect(result.code, result.stderr).toBe(0);
    const data = result.json<Envelope & { messages: SentData[] }>();
    expect(data.messages.map((message) => [message.to, message.status])).toEqual([
      ["w1", "submitted"],
      ["w2", "submitted"],
    ]);
  });

  it("routes --task to the task's assignee", async () => {
    harness.runtime.store.tasks.upsert(teamId(), { id: "t-route", title: "Routing", assignee: "w2" });
    const result = await cli(["send", "--task", "t-route", "--json", "Start the routing task"]);
    expect(result.code, result.stderr).toBe(0);
    const sent = result.json<SentData>();
    expect(sent).toMatchObject({ to: "w2", task_id: "t-route", status: "submitted" });
    expect(harness.runtime.store.messages.get(sent.message_id)?.task_id).toBe("t-route");
  });

  it("returns at once with --no-wait, leaving delivery to the coordinator", async () => {
    const result = await cli(["send", "w1", "--no-wait", "--json", "whenever you can"]);
    expect(result.code, result.stderr).toBe(0);
    const sent = result.json<SentData>();
    expect(sent).toMatchObject({ status: "accepted", submitted: false, delivered_by: "pending" });
    await waitFor(
      () => harness.runtime.store.messages.get(sent.message_id)?.status !== "accepted",
      "the daemon to deliver the --no-wait message",
    );
  });

  it("registers a result watcher with --watch-result and records the task as the recipient's", async () => {
    const result = await cli(["send", "--task", "t-watch", "w1", "--watch-result", "--json", "do", "t-watch"]);
    expect(result.code, result.stderr).toBe(0);
    const sent = result.json<SentData>();
    expect(sent.watch).toMatchObject({ status: "registered", task_id: "t-watch", agent_id: "w1" });
    const watcher = harness.runtime.store.watchers.get(sent.watch?.watcher_id as string);
    expect(watcher).toMatchObject({ task_id: "t-watch", agent_id: "w1", message_id: sent.message_id });
    expect(harness.runtime.store.tasks.get(teamId(), "t-watch")?.assignee).toBe("w1");
  });

  it("refuses --watch-result for several recipients before storing anything", async () => {
    const before = sentByLead();
    const result = await cli(["send", "--to", "w1,w2", "--watch-result", "--json", "hi"]);
    expect(result.code).toBe(1);
    expect(result.json<Envelope>().error?.code).toBe("watch_result_not_supported_for_fanout");
    expect(sentByLead()).toBe(before);
  });

  it("refuses an unknown recipient with the coordinator's code, also inside a fan-out", async () => {
    const before = sentByLead();
    const single = await cli(["send", "nobody", "--json", "hi"]);
    expect(single.code).toBe(1);
    expect(single.json<Envelope>().error).toMatchObject({ code: "unknown_recipient" });
    expect(single.json<Envelope>().error?.message).toContain("w1");
    const fanOut = await cli(["send", "--to", "w1,nobody", "hi"]);
    expect(fanOut.code).toBe(1);
    expect(fanOut.stderr).toContain("error: Team alpha has no member nobody");
    expect(sentByLead()).toBe(before);
  });

  it("needs --confirm-human for a task marked human_confirmation", async () => {
    harness.runtime.store.tasks.upsert(teamId(), { id: "t-human", assignee: "w2", human_confirmation: true });
    const refused = await cli(["send", "--task", "t-human", "--json", "ship it"]);
    expect(refused.code).toBe(1);
    expect(refused.json<Envelope>().error?.code).toBe("human_confirmation_required");
    const confirmed = await cli(["send", "--task", "t-human", "--confirm-human", "--json", "ship it"]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.json<SentData>().to).toBe("w2");
  });

  it("rejects a bad --timeout as a usage error", async () => {
    const result = await cli(["send", "w1", "--timeout", "soon", "hi"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--timeout must be a number of seconds");
  });

  it("lists one agent's messages, oldest first, in the documented line shape", async () => {
    const json = await cli(["inbox", "w1", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const data = json.json<Envelope & { agent_id: string; messages: MessageRow[] }>();
    expect(data.messages.length).toBeGreaterThan(0);
    for (const message of data.messages) expect([message.sender, message.recipient]).toContain("w1");
    const times = data.messages.map((message) => message.created_at);
    expect([...times].sort()).toEqual(times);
    const text = await cli(["inbox", "w1"]);
    expect(text.stdout).toMatch(/^\S+Z leader -> w1 \w+: please run the tests$/m);
    expect(text.stdout).toMatch(/^final results are not in inbox; use team-agent collect/m);
    const limited = await cli(["inbox", "w1", "--limit", "1", "--json"]);
    expect(limited.json<{ messages: MessageRow[] }>().messages).toEqual([data.messages.at(-1)]);
  });

  it("collects reported results and settles with the five-line summary", async () => {
    const team = harness.team();
    const reported = reportResult(
      harness.runtime,
      team,
      { summary: "Routing done; tests pass", status: "success", task_id: "t-route" },
      { agentId: "w2" },
    );
    const collected = await cli(["collect", "--json"]);
    expect(collected.code, collected.stderr).toBe(0);
    const view = collected.json<Envelope & { results: { result_id: string; collection: string }[] }>();
    expect(view.results.find((result) => result.result_id === reported.result_id)?.collection).toBe("collected");
    expect(harness.runtime.store.tasks.get(team.team_id, "t-route")).toMatchObject({
      status: "done",
      accepted_result_id: reported.result_id,
    });

    const settled = await cli(["settle"]);
    expect(settled.code, settled.stderr).toBe(0);
    const lines = settled.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^collected \d+ new result\(s\); \d+ result\(s\) in total$/);
    expect(lines.some((line) => line.includes("w2 t-route success: Routing done; tests pass"))).toBe(true);
    const summary = lines.slice(-5);
    expect(summary[0]).toMatch(/^coordinator: running pid=\d+ tmux=up$/);
    expect(summary[1]).toBe("lead: - not attached");
    expect(summary[2]).toMatch(
      /^agents: 2 — running=\d busy=\d idle=\d stopped=0 failed=0 unknown=\d \(2 interacted, 0 never\)$/,
    );
    expect(summary[3]).toMatch(/^queued: \d+ mailbox message\(s\) awaiting delivery$/);
    expect(summary[4]).toMatch(/^latest result: w\d -> .+ @ \d+[smhd] ago$/);
  });
});

describe("against a store-only team (no panes)", () => {
  let workspace: string;
  let created: MessageRow[];
  const cli = (args: string[]) => teamAgent(args, { cwd: workspace });

  beforeAll(async () => {
    workspace = realpathSync(mkdtempSync(join(tmpdir(), "ta-cli-inbox-")));
    const store = await RuntimeStore.openWorkspace(workspace);
    try {
      store.teams.register({ teamId: "beta", sessionName: "team-beta", workspace });
      store.agents.upsert("beta", "w1", { status: "stopped", provider: "fake" });
      store.agents.upsert("beta", "w2", { status: "paused", provider: "fake" });
      created = [];
      for (const word of ["first", "second", "third"]) {
        // Each message gets its own millisecond, so the three times are strictly ordered.
        const previous = created.at(-1)?.created_at;
        if (previous) await waitFor(() => new Date().toISOString() > previous, "the clock to move on");
        created.push(store.messages.create("beta", { sender: "leader", recipient: "w1", content: word }));
      }
    } finally {
      store.close();
    }
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  const since = async (time: string) => {
    const result = await cli(["inbox", "w1", "--since", time, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    return result.json<{ messages: MessageRow[]; since: string }>();
  };

  it("keeps messages created at or after the time", async () => {
    const [, middle, late] = created as [MessageRow, MessageRow, MessageRow];
    expect((await since(middle.created_at)).messages.map((message) => message.content)).toEqual(["second", "third"]);
    expect((await since(late.created_at)).messages.map((message) => message.content)).toEqual(["third"]);
    expect((await since("2999-01-01T00:00:00Z")).messages).toEqual([]);
  });

  it("reads a time without a zone as UTC", async () => {
    const middle = (created[1] as MessageRow).created_at;
    const naive = await since(middle.replace(/Z$/, ""));
    expect(naive.since).toBe(middle);
    expect(naive.messages).toHaveLength(2);
  });

  it("says so when nothing is that recent, and refuses a time it cannot read", async () => {
    const none = await cli(["inbox", "w1", "--since", "2999-01-01"]);
    expect(none.stdout).toContain("w1: no messages since 2999-01-01T00:00:00.000Z");
    const bad = await cli(["inbox", "w1", "--since", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since must be an ISO-8601 time");
  });

  it("does not wait for a worker that is not running: the message is queued for it", async () => {
    const result = await cli(["send", "w2", "--json", "for", "later"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json<SentData>()).toMatchObject({
      status: "accepted",
      submitted: false,
      queued_because: "w2 is paused",
    });
    const text = await cli(["send", "w2", "again"]);
    expect(text.stdout).toMatch(
      /^sent msg_\w+ to w2: accepted \(queued: w2 is paused; it gets the message when it runs again\)$/m,
    );
  });

  it("refuses an agent the team does not have", async () => {
    const result = await cli(["inbox", "ghost", "--json"]);
    expect(result.code).toBe(1);
    expect(result.json<Envelope>().error).toMatchObject({ code: "unknown_agent", message: "unknown agent id: ghost" });
  });
});
