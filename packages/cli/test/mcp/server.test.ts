// The protocol surface of `team-agent mcp`: initialize, the advertised tool list, the error mapping of tools/call,
// and a stdout that carries nothing but protocol.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, teamAgent } from "../helpers/cli.js";
import { connectMcp, type McpSession, type StoreTeams, storeTeams, workerEnv } from "./harness.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

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

let teams: StoreTeams;
let worker: McpSession;

beforeAll(async () => {
  teams = await storeTeams();
  worker = await connectMcp(teams.workspace, workerEnv("w1", "alpha", teams.workspace));
});

afterAll(async () => {
  await Promise.allSettled([worker?.close()]);
  await teams?.kill();
});

describe("initialize and tools/list", () => {
  it("introduces itself as team_orchestrator with the package version and offers tools", () => {
    expect(worker.client.getServerVersion()).toEqual({ name: "team_orchestrator", version: VERSION });
    expect(worker.client.getServerCapabilities()?.tools).toBeDefined();
  });

  it("lists exactly the 12 contract tools with their declared parameters", async () => {
    const { tools } = await worker.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([...TOOLS].sort());
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool.inputSchema]));
    const declared = (name: string) => Object.keys(byName[name]?.properties ?? {}).sort();
    const required = (name: string) => [...(byName[name]?.required ?? [])].sort();

    expect(declared("send_message")).toEqual(["content", "to"]);
    expect(required("send_message")).toEqual(["content", "to"]);
    expect(declared("assign_task")).toEqual(["message", "task"]);
    expect(required("assign_task")).toEqual(["task"]);
    expect(declared("report_result")).toEqual(
      ["artifacts", "changes", "next_actions", "risks", "status", "summary", "tests"].sort(),
    );
    expect(required("report_result")).toEqual(["summary"]);
    expect(byName["report_result"]?.properties?.["status"]).toMatchObject({
      enum: ["success", "blocked", "failed", "partial"],
    });
    expect(required("reset_agent")).toEqual(["agent_id", "discard_session"]);
    expect(byName["reset_agent"]?.properties?.["discard_session"]).toMatchObject({ type: "boolean" });
    expect(required("add_agent")).toEqual(["new_agent_id", "role_file_path"]);
    expect(declared("fork_agent")).toEqual(["as_agent_id", "label", "source_agent_id"]);
    expect(required("fork_agent")).toEqual(["as_agent_id", "source_agent_id"]);
    expect(required("request_human")).toEqual(["question"]);
    expect(byName["stuck_cancel"]?.properties?.["alert_type"]).toMatchObject({
      enum: ["stuck", "idle_fallback", "all"],
    });
    for (const name of ["get_team_status", "stuck_list"]) expect(declared(name)).toEqual([]);
    // Accepted-but-undeclared parameters are never advertised (spec 04 §7.8).
    expect(JSON.stringify(byName)).not.toMatch(/"(sender|requires_ack|scope|envelope)"/);
  });
});

describe("tools/call failures are isError results with a reason", () => {
  it("answers an unknown tool with unknown_tool, naming the tools in the caller's spelling", async () => {
    const { isError, body } = await worker.call("launch_rockets", {});
    expect(isError).toBe(true);
    expect(body).toMatchObject({
      ok: false,
      reason: "unknown_tool",
      error_code: "unknown_tool",
      exc_type: "UnknownTool",
      message: "unknown tool 'launch_rockets'",
      error: "unknown tool 'launch_rockets'",
    });
    // w1 runs on the fake provider, which shows Claude Code's spelling.
    expect(body["suggestion"]).toContain("mcp__team_orchestrator__send_message");
  });

  it("names a missing parameter", async () => {
    const { isError, body } = await worker.call("send_message", { to: "w2" });
    expect(isError).toBe(true);
    expect(body).toMatchObject({ ok: false, reason: "invalid_tool_arguments", error_code: "invalid_tool_arguments" });
    expect(body["message"]).toBe("missing required parameter 'content'");
    expect(body["error"]).toBe(body["message"]);
  });

  it("names a missing nested field and an unexpected parameter", async () => {
    const empty = await worker.call("assign_task", {});
    expect(empty.body).toMatchObject({
      reason: "invalid_tool_arguments",
      message: "missing required parameter 'task'",
    });
    const noId = await worker.call("assign_task", { task: { assignee: "w2" } });
    expect(noId.body["message"]).toBe("missing required parameter 'task.id'");
    const extra = await worker.call("get_team_status", { verbose: true });
    expect(extra.body).toMatchObject({ reason: "invalid_tool_arguments", message: "unexpected parameter 'verbose'" });
  });

  it("maps an id that breaks the id rule to invalid_tool_arguments, not a runtime error", async () => {
    const { isError, body } = await worker.call("send_message", { to: "../../etc", content: "hi" });
    expect(isError).toBe(true);
    expect(body).toMatchObject({ reason: "invalid_tool_arguments", exc_type: "ValidationError", code: "invalid_id" });
  });

  it("reports a runtime failure as internal_runtime_error", async () => {
    const ghost = await connectMcp(teams.workspace, workerEnv("g1", "ghost", teams.workspace));
    try {
      const { isError, body } = await ghost.call("get_team_status");
      expect(isError).toBe(true);
      expect(body).toMatchObject({ ok: false, reason: "internal_runtime_error", code: "team_not_found" });
      expect(String(body["message"]).length).toBeLessThanOrEqual(200);
      expect(String(body["message"])).not.toContain("\n");
    } finally {
      await ghost.close();
    }
  });
});

describe("process behaviour", () => {
  it("writes only JSON-RPC lines on stdout and exits 0 when stdin closes", async () => {
    const child = spawn(process.execPath, [...BIN.nodeArgs, "mcp", "--workspace", teams.workspace], {
      env: { ...process.env, ...workerEnv("w1", "alpha", teams.workspace) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const requests = [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_team_status", arguments: {} } },
      { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "update_state", arguments: { note: "raw" } } },
    ];
    child.stdin.write(`${requests.map((request) => JSON.stringify(request)).join("\n")}\n`);
    // Closing stdin right away: the server still answers the calls it has read, then ends.
    child.stdin.end();
    expect(await exited).toBe(0);
    const lines = stdout.split("\n").filter((line) => line !== "");
    const messages = lines.map((line) => JSON.parse(line) as { jsonrpc: string; id: number; result?: unknown });
    expect(messages.every((message) => message.jsonrpc === "2.0")).toBe(true);
    expect(messages.map((message) => message.id).sort()).toEqual([1, 2, 3]);
    expect(messages.find((message) => message.id === 1)?.result).toMatchObject({
      protocolVersion: "2025-06-18",
      serverInfo: { name: "team_orchestrator" },
    });
  });

  it("serves the same tools through the team_orchestrator bin", async () => {
    const direct = await connectMcp(teams.workspace, workerEnv("w2", "alpha", teams.workspace), "team_orchestrator");
    try {
      expect(direct.client.getServerVersion()?.name).toBe("team_orchestrator");
      expect((await direct.client.listTools()).tools).toHaveLength(12);
      const { isError, body } = await direct.call("send_message", { to: "leader", content: "via the bin" });
      expect(isError).toBe(false);
      expect(teams.runtime.store.messages.get(String(body["message_id"]))).toMatchObject({ sender: "w2" });
    } finally {
      await direct.close();
    }
  });

  it("refuses a workspace that does not exist with a usage error on stderr and nothing on stdout", async () => {
    const run = await teamAgent(["mcp", "--workspace", `${teams.workspace}/missing`]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("is not a directory");
  });
});
