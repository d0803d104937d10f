// Observation: the pure renderers on fixtures, then `status` (all views), `approvals`, `peek` and `sessions` through
// the real bin against a running fake team, and `watch` following a store-only workspace's event log.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLog, type ResultEnvelope, RuntimeStore, workspaceLayout } from "@team-agent/core-state";
import { classifyScreen } from "@team-agent/tmux-prompt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamHarness, type TeamHarness, waitFor } from "../../../coordinator/test/helpers/team-harness.js";
import { EventLogFollower } from "../../src/render/event-follower.js";
import { renderWatchEvent } from "../../src/render/events.js";
import { approvalFrom, selectScreenLines } from "../../src/render/screen-text.js";
import { type AgentView, bucketOf, type StatusView, summarise, summaryLines } from "../../src/render/status.js";
import { BIN, teamAgent } from "../helpers/cli.js";

/** A printed envelope with any data fields. */
type Envelope = ResultEnvelope<Record<string, unknown>>;

/** A long-running command (`status --watch`, `watch`) with its output readable while it runs. */
interface LiveRun {
  child: ChildProcess;
  stdout(): string;
  waitForStdout(predicate: (stdout: string) => boolean, label: string): Promise<string>;
  interrupt(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startLive(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): LiveRun {
  const child = spawn(process.execPath, [...BIN.nodeArgs, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    child,
    stdout: () => stdout,
    waitForStdout: (predicate, label) => waitFor(() => predicate(stdout) && stdout, label, 30_000),
    async interrupt() {
      child.kill("SIGINT");
      const code = await Promise.race([
        exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no exit after SIGINT: ${stderr}`)), 15_000),
        ),
      ]);
      return { code, stdout, stderr };
    },
  };
}

function agent(overrides: Partial<AgentView> & Pick<AgentView, "agent_id">): AgentView {
  return {
    provider: "fake",
    role: null,
    status: "running",
    screen: "input_ready",
    turn: "unknown",
    queued: 0,
    session_id: null,
    interacted: false,
    last_result: null,
    ...overrides,
  };
}

function view(agents: AgentView[], overrides: Partial<StatusView> = {}): StatusView {
  return {
    team_id: "alpha",
    session_name: "team-alpha",
    team_status: "alive",
    tmux_session_present: true,
    coordinator: { status: "running", pid: 42 },
    leader: { pane_id: "%7", attached: true },
    agents,
    messages: { accepted: 3, submitted: 5 },
    queued_messages: [],
    results: { total: 0, uncollected: 0, collected: 0, invalid: 0 },
    latest_results: [],
    tasks: [],
    ...overrides,
  };
}

describe("status summary (pure)", () => {
  const mixed = [
    agent({ agent_id: "a-running" }),
    agent({ agent_id: "a-busy", status: "busy", turn: "working", screen: "busy", interacted: true }),
    agent({ agent_id: "a-idle", turn: "idle", interacted: true }),
    agent({ agent_id: "a-stopped", status: "stopped", screen: "missing" }),
    agent({ agent_id: "a-failed", status: "failed", turn: "abnormal" }),
    agent({ agent_id: "a-missing", status: "missing", screen: "missing", turn: "idle" }),
    agent({ agent_id: "a-menu", screen: "numbered_menu", turn: "working" }),
    agent({ agent_id: "a-human", turn: "blocked_on_human" }),
  ];

  it("puts each agent in one bucket, a blocking screen before an open turn", () => {
    expect(mixed.map(bucketOf)).toEqual([
      "running",
      "busy",
      "idle",
      "stopped",
      "failed",
      "unknown",
      "unknown",
      "unknown",
    ]);
  });

  it("renders exactly five lines, the summary cut at 80 characters on one line", () => {
    const summary = `${"word ".repeat(15)}\nsecond line ${"x".repeat(40)}`;
    const createdAt = new Date(Date.parse("2026-05-27T10:00:00.000Z")).toISOString();
    const lines = summaryLines(
      summarise(
        view(mixed, {
          latest_results: [
            {
              result_id: "res_1",
              agent_id: "a-idle",
              task_id: "t1",
              status: "success",
              summary,
              collection: "collected",
              created_at: createdAt,
            },
          ],
        }),
      ),
      Date.parse("2026-05-27T10:02:30.000Z"),
    );
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe("coordinator: running pid=42 tmux=up");
    expect(lines[1]).toBe("lead: %7 attached");
    expect(lines[2]).toBe("agents: 8 — running=1 busy=1 idle=1 stopped=1 failed=1 unknown=3 (2 interacted, 6 never)");
    expect(lines[3]).toBe("queued: 3 mailbox message(s) awaiting delivery");
    const shown = /^latest result: a-idle -> (.*) @ 2m ago$/.exec(lines[4] ?? "")?.[1] ?? "";
    expect(Array.from(shown)).toHaveLength(80);
    expect(shown.endsWith("…")).toBe(true);
    expect(shown).not.toContain("\n");
  });

  it("leaves out the contact note until someone was messaged, and says when there is no result", () => {
    const lines = summaryLines(
      summarise(view([agent({ agent_id: "w1" })], { coordinator: { status: "missing", pid: null } })),
    );
    expect(lines[0]).toBe("coordinator: missing tmux=up");
    expect(lines[2]).toBe("agents: 1 — running=1 busy=0 idle=0 stopped=0 failed=0 unknown=0");
    expect(lines[4]).toBe("latest result: none");
  });
});

describe("screen helpers (pure)", () => {
  const lines = Array.from(
    { length: 20 },
    (_, index) => `line ${index + 1}${[3, 5, 15].includes(index + 1) ? " ERROR" : ""}`,
  );

  it("picks head and tail", () => {
    expect(selectScreenLines(lines, { kind: "head", count: 2 }).blocks).toEqual([
      { start_line: 1, lines: ["line 1", "line 2"] },
    ]);
    expect(selectScreenLines(lines, { kind: "tail", count: 2 }).blocks).toEqual([
      { start_line: 19, lines: ["line 19", "line 20"] },
    ]);
  });

  it("searches case-insensitively and merges overlapping context", () => {
    const found = selectScreenLines(lines, { kind: "search", text: "error", context: 1 });
    expect(found.matches).toBe(3);
    expect(found.truncated).toBe(false);
    expect(found.blocks.map((block) => [block.start_line, block.lines.length])).toEqual([
      [2, 5],
      [14, 3],
    ]);
  });

  it("keeps at most five blocks and says it cut", () => {
    const many = Array.from({ length: 40 }, (_, index) => (index % 5 === 0 ? "hit" : "miss"));
    const found = selectScreenLines(many, { kind: "search", text: "HIT", context: 0 });
    expect(found.blocks).toHaveLength(5);
    expect(found.matches).toBe(8);
    expect(found.truncated).toBe(true);
  });

  it("turns a menu into a structured approval and ignores a ready prompt", () => {
    const menu = [
      'Allow the team_orchestrator MCP server to run tool "report_result"?',
      "",
      "❯ 1. Yes",
      "  2. No, and tell me what to do differently",
      "",
    ].join("\n");
    const screen = classifyScreen(menu);
    expect(screen.kind).toBe("numbered_menu");
    expect(approvalFrom("w1", screen)).toEqual({
      agent_id: "w1",
      state: "waiting_approval",
      kind: "numbered_menu",
      rule: screen.rule,
      options: [
        { number: 1, label: "Yes", highlighted: true },
        { number: 2, label: "No, and tell me what to do differently", highlighted: false },
      ],
      answer_keys: ["1", "2"],
      subject: { tool: "report_result" },
    });
    expect(approvalFrom("w1", { ...screen, kind: "input_ready" })).toBeNull();
  });
});

describe("event log helpers (pure)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ta-cli-follow-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("returns complete lines only, and notices a rotation once", () => {
    const path = join(dir, "events.jsonl");
    writeFileSync(path, '{"ts":"t","event":"a.one"}\n{"ts":"t","eve');
    const follower = new EventLogFollower(path);
    expect(follower.poll()).toEqual({ rotated: false, records: [{ ts: "t", event: "a.one" }] });
    appendFileSync(path, 'nt":"a.two"}\n');
    expect(follower.poll().records).toEqual([{ ts: "t", event: "a.two" }]);
    renameSync(path, `${path}.1`);
    expect(follower.poll()).toEqual({ rotated: true, records: [] });
    writeFileSync(path, '{"ts":"t","event":"b.one"}\n');
    expect(follower.poll()).toEqual({ rotated: false, records: [{ ts: "t", event: "b.one" }] });
    expect(follower.poll()).toEqual({ rotated: false, records: [] });
  });

  it("renders watched events only, naming the recipient from the store", () => {
    const lookup = (id: string) => (id === "msg_1" ? "w3" : null);
    expect(renderWatchEvent({ ts: "t", event: "send.failed", message_id: "msg_1", reason: "pane_gone" }, lookup)).toBe(
      "send.failed: w3 reason=pane_gone",
    );
    expect(renderWatchEvent({ ts: "t", event: "send.accepted", message_id: "msg_1" }, lookup)).toBeNull();
    expect(
      renderWatchEvent(
        {
          ts: "t",
          event: "leader.api_error",
          error_class: "overloaded",
          provider: "fake",
          matched_pattern_snippet: "API\nError",
        },
        lookup,
      ),
    ).toBe("leader.api_error: overloaded provider=fake snippet=API Error");
  });
});

describe("against a running team", () => {
  let harness: TeamHarness;
  const savedScript = process.env["TEAM_AGENT_FAKE_SCRIPT"];
  const cli = (args: string[], env?: NodeJS.ProcessEnv) =>
    teamAgent(args, { cwd: harness.workspace, ...(env ? { env } : {}) });

  beforeAll(async () => {
    harness = await createTeamHarness();
    // The workers inherit the team tmux server's environment: a message saying "ask first" makes one ask approval.
    const script = join(harness.workspace, "fake-script.json");
    writeFileSync(
      script,
      JSON.stringify({ rules: [{ match: { contains: "ask first" }, ask_approval: true, report: false }] }),
    );
    process.env["TEAM_AGENT_FAKE_SCRIPT"] = script;
    try {
      await harness.startTeam({ workers: 2, daemon: true });
    } finally {
      if (savedScript === undefined) delete process.env["TEAM_AGENT_FAKE_SCRIPT"];
      else process.env["TEAM_AGENT_FAKE_SCRIPT"] = savedScript;
    }
  }, 120_000);
  afterAll(async () => harness?.kill());

  it("shows the team as JSON, compact", async () => {
    const result = await cli(["status", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const data = result.json<Envelope & StatusView>();
    expect(data).toMatchObject({
      ok: true,
      team_id: "alpha",
      tmux_session_present: true,
      coordinator: { status: "running" },
    });
    expect(data.agents.map((each) => [each.agent_id, each.status, each.screen])).toEqual([
      ["w1", "running", "input_ready"],
      ["w2", "running", "input_ready"],
    ]);
    expect(data.agents[0]).not.toHaveProperty("rollout_path");
  });

  it("adds every stored fact with --detail", async () => {
    const result = await cli(["status", "--detail", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const agents = result.json<{ agents: Record<string, unknown>[] }>().agents;
    expect(agents[0]).toMatchObject({ agent_id: "w1", first_send_at: "never", pane_present: true });
    expect(agents[0]).toHaveProperty("rollout_path");
    expect(agents[0]).toHaveProperty("attrs");
  });

  it("shows the team to people as a header and an aligned table", async () => {
    const result = await cli(["status"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^team alpha \(session team-alpha\): up · coordinator running \(pid \d+\) · lead not attached$/,
    );
    const header = lines.find((line) => line.startsWith("AGENT"));
    expect(header).toMatch(/^AGENT\s+STATUS\s+SCREEN\s+TURN\s+QUEUE\s+SESSION\s+LAST RESULT$/);
    const rows = lines.filter((line) => /^w\d\s/.test(line));
    expect(rows).toHaveLength(2);
    // Aligned: the STATUS column starts at the same place in every row.
    const statusColumn = (header as string).indexOf("STATUS");
    for (const row of rows) expect(row.slice(statusColumn).startsWith("running")).toBe(true);
  });

  it("describes one agent, and refuses an unknown one", async () => {
    const one = await cli(["status", "w1"]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^agent w1 \(team alpha\)$/m);
    expect(one.stdout).toMatch(/^ {2}provider\s+fake$/m);
    const unknown = await cli(["status", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: unknown agent id: nope");
  });

  it("summarises in five lines", async () => {
    const result = await cli(["status", "--summary"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^agents: 2 — running=\d busy=\d idle=\d stopped=0 failed=0 unknown=0$/);
  });

  it("redraws the dashboard until the frame limit, a snapshot per change when piped", async () => {
    const result = await cli(["status", "--watch"], { TEAM_AGENT_WATCH_ITERATIONS: "2" });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain("\u001b[2J");
    const frames = result.stdout.split("\n").filter((line) => line.startsWith("team alpha"));
    expect(frames.length).toBeGreaterThanOrEqual(1);
    expect(frames.length).toBeLessThanOrEqual(2);
    expect(result.stdout).toMatch(/^AGENT\s+STATUS\s+SCREEN\s+TURN\s+QUEUE\s+LAST RESULT$/m);
    expect(result.stdout.trimEnd().endsWith("status --watch stopped")).toBe(true);
  });

  it("stops the dashboard on Ctrl-C with exit 0", async () => {
    const live = startLive(["status", "--watch"], harness.workspace);
    await live.waitForStdout((out) => out.includes("AGENT"), "the first dashboard frame");
    const ended = await live.interrupt();
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout).toContain("status --watch stopped");
  });

  it("redraws in place on a terminal, with a clock, until Ctrl-C", async () => {
    // A window of the team's own tmux server is a real terminal for the dashboard.
    const opened = await harness.tmux.newWindow({
      session: harness.team().session_name,
      name: "dashboard",
      command: [process.execPath, ...BIN.nodeArgs, "status", "--watch"],
      cwd: harness.workspace,
    });
    expect(opened.ok, opened.error ?? "").toBe(true);
    const pane = opened.paneId as string;
    const clockOf = (text: string) => /^team alpha .* · (\S+(?: [AP]M)?)$/m.exec(text)?.[1];
    const first = await waitFor(async () => clockOf((await harness.tmux.capturePane(pane)).text), "the first frame");
    const later = await waitFor(async () => {
      const text = (await harness.tmux.capturePane(pane)).text;
      const clock = clockOf(text);
      return clock !== undefined && clock !== first && text;
    }, "a later frame");
    // Each frame replaced the last one instead of scrolling under it.
    expect(later.split("\n").filter((line) => line.startsWith("team alpha"))).toHaveLength(1);
    expect(later).toMatch(/^AGENT\s+STATUS/m);
    await harness.tmux.sendKeys(pane, ["C-c"]);
    await waitFor(async () => !(await harness.tmux.paneExists(pane)), "the dashboard to exit on Ctrl-C");
  });

  it("lists the workers' sessions", async () => {
    const result = await cli(["sessions", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const agents = result.json<{ agents: Record<string, unknown>[] }>().agents;
    expect(agents.map((each) => [each["agent_id"], each["provider"]])).toEqual([
      ["w1", "fake"],
      ["w2", "fake"],
    ]);
    for (const each of agents)
      expect(Object.keys(each)).toEqual(expect.arrayContaining(["session_id", "rollout_path", "captured_via"]));
    const text = await cli(["sessions"]);
    expect(text.stdout).toMatch(/^AGENT\s+PROVIDER\s+STATUS\s+SESSION/);
  });

  it("lists a worker waiting on a menu as a structured approval, without its screen text", async () => {
    const none = await cli(["approvals", "--json"]);
    expect(none.json<Envelope>()).toMatchObject({ ok: true, waiting: false, waiting_count: 0, approvals: [] });

    const sent = await cli(["send", "w2", "--json", "please ask first"]);
    expect(sent.code, sent.stderr).toBe(0);
    const signatures = harness.registry.get("fake").screen.signatures;
    await waitFor(async () => {
      const screen = await harness.tmux.capturePane(harness.agent("w2").pane_id as string);
      return screen.ok && classifyScreen(screen.text, { signatures }).kind === "numbered_menu";
    }, "w2's approval menu");

    const result = await cli(["approvals", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const data = result.json<
      Envelope & { approvals: { agent_id: string; kind: string; options: { label: string }[] }[] }
    >();
    expect(data.waiting_count).toBe(1);
    expect(data.approvals[0]).toMatchObject({ agent_id: "w2", kind: "numbered_menu", answer_keys: ["1", "2"] });
    expect(data.approvals[0]?.options.map((option) => option.label)).toEqual([
      "Yes",
      "No, and tell the fake agent what to do differently (esc)",
    ]);
    expect(JSON.stringify(data)).not.toContain("Do you want to proceed");
    expect(data.next_actions[0]).toContain(`tmux -L ${harness.socketName} attach -t team-alpha`);

    const text = await cli(["approvals", "w2"]);
    expect(text.stdout).toContain("w2 waits for a numbered menu");
    expect(text.stdout).toContain("choices: 1. Yes (selected) · 2. No");
    const other = await cli(["approvals", "w1", "--json"]);
    expect(other.json<Envelope>().waiting_count).toBe(0);
    const ghost = await cli(["approvals", "ghost"]);
    expect(ghost.code).toBe(1);

    const summary = await cli(["status", "--summary"]);
    expect(summary.stdout.split("\n")[2]).toMatch(/unknown=1 \(1 interacted, 1 never\)$/);
  });

  it("shows raw screen text only with the user's authorisation", async () => {
    for (const agentId of ["w2", "ghost"]) {
      const refused = await cli(["peek", agentId, "--tail", "5"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("needs the user's explicit authorisation");
      expect(refused.stderr).toMatch(/^action: /m);
    }
    const search = await cli(["peek", "w2", "--allow-raw-screen", "--search", "PROCEED", "--json"]);
    expect(search.code, search.stderr).toBe(0);
    const found = search.json<Envelope & { matches: number; blocks: { lines: string[] }[] }>();
    expect(found.matches).toBeGreaterThanOrEqual(1);
    expect(found.blocks.flatMap((block) => block.lines).some((line) => line.includes("Do you want to proceed?"))).toBe(
      true,
    );
    const head = await cli(["peek", "w2", "--allow-raw-screen", "--head", "3"]);
    expect(head.code, head.stderr).toBe(0);
    expect(head.stdout.trimEnd().split("\n").length).toBeLessThanOrEqual(3);
    expect(head.stdout).toContain("Fake agent");
  });

  it("refuses peek without exactly one mode in range", async () => {
    for (const args of [["--head", "3", "--tail", "3"], ["--head", "81"], [], ["--tail", "2", "--context", "1"]]) {
      const result = await cli(["peek", "w1", "--allow-raw-screen", ...args]);
      expect(result.code, args.join(" ")).toBe(2);
    }
  });
});

describe("watch", () => {
  let workspace: string;
  let store: RuntimeStore;
  let events: EventLog;
  let eventsPath: string;
  const envelope = (agentId: string, summary: string) => ({
    schema_version: "result_envelope_v1",
    task_id: "t1",
    agent_id: agentId,
    status: "success",
    summary,
    changes: [],
    tests: [],
    risks: [],
    artifacts: [],
    next_actions: [],
  });

  beforeAll(async () => {
    workspace = realpathSync(mkdtempSync(join(tmpdir(), "ta-cli-watch-")));
    store = await RuntimeStore.openWorkspace(workspace);
    for (const teamId of ["beta", "gamma"]) {
      store.teams.register({ teamId, sessionName: `team-${teamId}`, workspace });
      store.agents.upsert(teamId, "w1", { status: "stopped", provider: "fake" });
    }
    eventsPath = workspaceLayout(workspace).eventsPath;
    events = new EventLog(eventsPath);
  });
  afterAll(() => {
    store.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  it("follows the five classes for one team, reports each result once, marks a rotation, and stops on Ctrl-C", async () => {
    const failedMessage = store.messages.create("beta", { sender: "leader", recipient: "w1", content: "x" });
    events.emit("send.failed", {
      team_id: "beta",
      message_id: failedMessage.message_id,
      target: "%9",
      reason: "pane_gone",
    });
    writeFileSync(
      `${eventsPath}.1`,
      `${JSON.stringify({ ts: "t", event: "send.failed", team_id: "beta", reason: "archived" })}\n`,
    );

    const live = startLive(["watch", "--team", "beta"], workspace, { TEAM_AGENT_WATCH_ITERATIONS: "600" });
    await live.waitForStdout((out) => out.includes("send.failed: w1 reason=pane_gone"), "the event already in the log");

    events.emit("coordinator.boot", { team_id: "beta" });
    events.emit("leader.api_error", {
      team_id: "beta",
      error_class: "overloaded",
      provider: "fake",
      matched_pattern_snippet: "529",
    });
    events.emit("leader_receiver.submitted", { team_id: "gamma", message_id: "msg_other" });
    events.emit("send.failed", { reason: "no_team" });
    const result = store.results.add("beta", envelope("w1", "All green"));
    store.results.add("gamma", envelope("w1", "Other team"));
    await live.waitForStdout((out) => out.includes("result_received") && out.includes("leader.api_error"), "new lines");

    renameSync(eventsPath, `${eventsPath}.1`);
    events.emit("leader_receiver.delivery_failed", {
      team_id: "beta",
      message_id: result.message_id ?? "msg_x",
      reason: "leader_not_attached",
    });
    await live.waitForStdout((out) => out.includes("leader_receiver.delivery_failed"), "the event after rotation");

    const ended = await live.interrupt();
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stderr).toContain("[watch] following");
    const lines = ended.stdout.trimEnd().split("\n");
    expect(lines.slice(0, -1)).toEqual([
      "send.failed: w1 reason=pane_gone",
      "leader.api_error: overloaded provider=fake snippet=529",
      "result_received: w1 -> All green",
      "[watch] log rotated; reading the new events.jsonl from its start",
      "leader_receiver.delivery_failed: msg_x reason=leader_not_attached",
    ]);
    expect(lines.at(-1)).toBe("watch stopped");
  });

  it("shows every team without --team, and has no JSON mode", async () => {
    const all = await teamAgent(["watch"], { cwd: workspace, env: { TEAM_AGENT_WATCH_ITERATIONS: "1" } });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain("result_received: w1 -> Other team");
    expect(all.stdout).toContain("result_received: w1 -> All green");
    const json = await teamAgent(["watch", "--json"], { cwd: workspace });
    expect(json.code).toBe(2);
    expect(json.json<Envelope>().error?.message).toContain("no --json");
  });
});
