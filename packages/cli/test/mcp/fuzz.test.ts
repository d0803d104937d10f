// Property: whatever a worker sends as a tool call, the server answers it (a JSON result whose isError matches its
// `ok`), keeps serving, and a call it refuses leaves the store's row counts as they were (no partial write).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectMcp, type McpSession, type StoreTeams, storeTeams, workerEnv } from "./harness.js";

const TOOLS = [
  "assign_task",
  "send_message",
  "report_result",
  "update_state",
  "get_team_status",
  "stop_agent",
  "reset_agent",
  "add_agent",
  "fork_agent",
  "request_human",
  "stuck_list",
  "stuck_cancel",
];

// Values that mean something to the store (members of both teams, the lead, wildcards) mixed with noise.
const memberish = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom("w1", "w2", "b1", "leader", "Leader", "*", "ghost", "", "no spaces", "../x"),
  },
  fc.string({ maxLength: 12 }),
);
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("", " ", "line\nbreak"));
const scalar = fc.oneof(memberish, text, fc.boolean(), fc.integer(), fc.constant(null));
/** Mostly the right kind of value, sometimes anything (a wrong type must be refused, not crash). */
const mostly = <T>(right: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: right }, fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })));
const oneOf = (...values: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, text);
const loose = fc.dictionary(
  fc.constantFrom("id", "assignee", "title", "path", "file", "summary", "status", "agent_id"),
  scalar,
  {
    maxKeys: 4,
  },
);
const list = fc.array(fc.oneof(loose, text), { maxLength: 3 });

// Each tool's own parameters (what a worker would plausibly send), plus an occasional stranger.
const PARAMETERS: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  assign_task: {
    task: mostly(
      fc.record(
        { id: memberish, assignee: memberish, title: text, status: oneOf("pending", "done") },
        { requiredKeys: [] },
      ),
    ),
    message: mostly(text),
  },
  send_message: {
    to: mostly(fc.oneof(memberish, fc.array(memberish, { maxLength: 3 }))),
    content: mostly(text),
    sender: mostly(memberish),
    requires_ack: mostly(fc.boolean()),
    task_id: mostly(memberish),
    scope: mostly(oneOf("team", "workspace")),
  },
  report_result: {
    summary: mostly(text),
    status: mostly(oneOf("success", "ok", "blocked", "partial", "failed")),
    changes: mostly(list),
    tests: mostly(list),
    risks: mostly(list),
    task_id: mostly(memberish),
    agent_id: mostly(memberish),
    envelope: mostly(loose),
  },
  update_state: { note: mostly(text) },
  get_team_status: {},
  stop_agent: { agent_id: mostly(memberish) },
  reset_agent: { agent_id: mostly(memberish), discard_session: mostly(fc.boolean()) },
  add_agent: {
    new_agent_id: mostly(oneOf("w5", "w1", "b1")),
    role_file_path: mostly(oneOf("roles/w5.md", "roles/none.md", "../w5.md", "/etc/hostname")),
  },
  fork_agent: { source_agent_id: mostly(memberish), as_agent_id: mostly(memberish), label: mostly(text) },
  request_human: { question: mostly(text), task_id: mostly(memberish), agent_id: mostly(memberish) },
  stuck_list: {},
  stuck_cancel: { agent_id: mostly(memberish), alert_type: mostly(oneOf("stuck", "idle_fallback", "all")) },
};

/** Parameters a call carries most of the time (the declared required ones, and `to`/`content` of a message). */
const USUAL: Record<string, string[]> = {
  assign_task: ["task"],
  send_message: ["to", "content"],
  report_result: ["summary"],
  update_state: ["note"],
  stop_agent: ["agent_id"],
  reset_agent: ["agent_id", "discard_session"],
  add_agent: ["new_agent_id", "role_file_path"],
  fork_agent: ["source_agent_id", "as_agent_id"],
  request_human: ["question"],
  stuck_cancel: ["agent_id"],
};

const argumentsFor = (tool: string) =>
  fc
    .tuple(
      fc.record(PARAMETERS[tool] ?? {}, { requiredKeys: USUAL[tool] ?? [] }),
      // Now and then a parameter goes missing or a stranger comes along.
      fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, fc.constantFrom(...(USUAL[tool] ?? ["content"]))),
      fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, fc.tuple(fc.constantFrom("verbose", "team_id"), scalar)),
    )
    .map(([args, dropped, stranger]) => {
      const call: Record<string, unknown> = { ...args };
      if (dropped !== null) delete call[dropped];
      if (stranger !== null) call[stranger[0]] = stranger[1];
      return call;
    });

const call = fc
  .record({
    caller: fc.constantFrom("worker", "anonymous"),
    tool: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...TOOLS) }, fc.string({ maxLength: 12 })),
  })
  .chain(({ caller, tool }) => argumentsFor(tool).map((args) => ({ caller, tool, args })));

let teams: StoreTeams;
let sessions: Record<"worker" | "anonymous", McpSession>;

beforeAll(async () => {
  teams = await storeTeams();
  // A valid role doc: adding it gets as far as launching the worker, which fails without tmux and must roll back.
  mkdirSync(join(teams.workspace, "roles"), { recursive: true });
  writeFileSync(
    join(teams.workspace, "roles", "w5.md"),
    "---\nname: w5\nrole: tester\nprovider: fake\ntools: [fs_read, mcp_team]\n---\nYou test.\n",
  );
  const [worker, anonymous] = await Promise.all([
    connectMcp(teams.workspace, workerEnv("w1", "alpha", teams.workspace)),
    connectMcp(teams.workspace, { TEAM_AGENT_WORKSPACE: teams.workspace }),
  ]);
  sessions = { worker, anonymous };
});

afterAll(async () => {
  // A session that fails to close must not keep the workspace from being removed.
  await Promise.allSettled(Object.values(sessions ?? {}).map((session) => session.close()));
  await teams?.kill();
});

it("answers every call, and a refused call writes nothing", async () => {
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(call, async ({ caller, tool, args }) => {
      const before = teams.counts();
      const { isError, body } = await sessions[caller].call(tool, args);
      expect(typeof body["ok"]).toBe("boolean");
      expect(isError).toBe(body["ok"] === false);
      if (isError) {
        refused += 1;
        expect(typeof (body["reason"] ?? body["status"])).toBe("string");
        expect(teams.counts()).toEqual(before);
      }
    }),
    {
      numRuns: 300,
      // Calls that reach deep before they fail: launching a worker without a tmux server must undo its steps.
      examples: [
        [{ caller: "worker", tool: "add_agent", args: { new_agent_id: "w5", role_file_path: "roles/w5.md" } }],
        [{ caller: "worker", tool: "reset_agent", args: { agent_id: "w2", discard_session: true } }],
        [{ caller: "anonymous", tool: "reset_agent", args: { agent_id: "w1", discard_session: true } }],
      ],
    },
  );
  // The property must have exercised refusals, and both servers are still serving.
  expect(refused).toBeGreaterThan(20);
  for (const session of Object.values(sessions)) expect((await session.client.listTools()).tools).toHaveLength(12);
});
