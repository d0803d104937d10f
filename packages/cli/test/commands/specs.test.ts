// The spec and state building blocks through the real bin: init, validate, compile, validate-result, repair-state,
// allow-peer-talk. Each test works in its own temp workspace.
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { loadTeamSpec, type ResultEnvelope, RuntimeStore } from "@team-agent/core-state";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { teamAgent } from "../helpers/cli.js";

/** A printed envelope with any data fields. */
type Envelope = ResultEnvelope<Record<string, unknown>>;

let workspace: string;
beforeEach(() => {
  workspace = realpathSync(mkdtempSync(join(tmpdir(), "ta-cli-specs-")));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

const cli = (args: string[], input?: string) =>
  teamAgent(args, { cwd: workspace, ...(input === undefined ? {} : { input }) });
const teamDir = () => join(workspace, ".team", "current");

describe("init", () => {
  it("writes a starter team that validates, and refuses to overwrite it without --force", async () => {
    const first = await cli(["init", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const files = first.json<{ files: string[] }>().files;
    expect(files.map((path) => path.slice(teamDir().length + 1))).toEqual([
      "TEAM.md",
      "agents/dev.md",
      "agents/reviewer.md",
    ]);
    for (const path of files) expect(existsSync(path)).toBe(true);

    const valid = await cli(["validate", "--json"]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.json<Envelope>()).toMatchObject({ type: "team_dir", agents: ["dev", "reviewer"] });

    const edited = join(teamDir(), "agents", "dev.md");
    writeFileSync(edited, "my own words");
    const again = await cli(["init"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exist; pass --force to overwrite");
    expect(readFileSync(edited, "utf8")).toBe("my own words");

    const forced = await cli(["init", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(edited, "utf8")).toContain("name: dev");
  });
});

describe("validate and compile", () => {
  beforeEach(async () => {
    expect((await cli(["init"])).code).toBe(0);
  });

  it("lists every problem of a broken role doc, one line each", async () => {
    const dev = join(teamDir(), "agents", "dev.md");
    writeFileSync(
      dev,
      readFileSync(dev, "utf8").replace("provider: codex\n", "").replace("name: dev", "name: bad id!"),
    );
    const text = await cli(["validate", ".team/current"]);
    expect(text.code).toBe(1);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.startsWith(`- ${dev}`)).toBe(true);
    expect(text.stdout).toContain("missing front matter field provider");
    expect(text.stderr).toMatch(/^error: .*: \d+ problem\(s\)$/m);

    const json = await cli(["validate", ".team/current", "--json"]);
    const data = json.json<Envelope & { problems: { file: string; message: string }[] }>();
    expect(data.ok).toBe(false);
    expect(data.error?.code).toBe("team_doc_invalid");
    expect(data.problems.length).toBe(lines.length);
  });

  it("compiles a team folder into a spec file that loads back", async () => {
    const result = await cli(["compile", ".team/current", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const data = result.json<Envelope & { out: string; agents: string[] }>();
    expect(data.out).toBe(join(teamDir(), "team.spec.yaml"));
    expect(loadTeamSpec(data.out).agents.map((agent) => agent.id)).toEqual(["dev", "reviewer"]);

    const custom = await cli(["compile", ".team/current", "--out", "custom.yaml"]);
    expect(custom.code, custom.stderr).toBe(0);
    const spec = await cli(["validate", "custom.yaml", "--json"]);
    expect(spec.json<Envelope>()).toMatchObject({ ok: true, type: "spec", file: join(workspace, "custom.yaml") });
  });

  it("reports spec problems with their file, line and field", async () => {
    writeFileSync(join(workspace, "broken.yaml"), "version: 1\nteam: 7\n");
    const result = await cli(["validate", "broken.yaml"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`- ${join(workspace, "broken.yaml")}:2 /team: `);
  });

  it("finds the workspace from a relative --workspace", async () => {
    const result = await teamAgent(["validate", "--workspace", basename(workspace), "--json"], {
      cwd: dirname(workspace),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json<Envelope>()).toMatchObject({ dir: teamDir() });
  });

  it("says what to do when there is nothing to validate", async () => {
    rmSync(teamDir(), { recursive: true });
    const result = await cli(["validate", "--json"]);
    expect(result.code).toBe(1);
    expect(result.json<Envelope>().error?.code).toBe("nothing_to_validate");
  });
});

describe("validate-result", () => {
  const envelope = {
    schema_version: "result_envelope_v1",
    task_id: "t1",
    agent_id: "dev",
    status: "success",
    summary: "Done",
    changes: [],
    tests: [],
    risks: [],
    artifacts: [],
    next_actions: [],
  };

  it("accepts a valid envelope as an argument, a file or stdin", async () => {
    const expected = { ok: true, task_id: "t1", agent_id: "dev", status: "success" };
    const argument = await cli(["validate-result", JSON.stringify(envelope), "--json"]);
    expect(argument.code, argument.stderr).toBe(0);
    expect(argument.json<Envelope>()).toMatchObject(expected);
    writeFileSync(join(workspace, "result.json"), JSON.stringify(envelope));
    expect((await cli(["validate-result", "--file", "result.json", "--json"])).json<Envelope>()).toMatchObject(
      expected,
    );
    expect((await cli(["validate-result", "--json"], JSON.stringify(envelope))).json<Envelope>()).toMatchObject(
      expected,
    );
  });

  it("lists what is wrong with an invalid one", async () => {
    const { summary: _dropped, ...missing } = envelope;
    const result = await cli(["validate-result", JSON.stringify({ ...missing, status: "great" })]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^- \/status: /m);
    expect(result.stdout).toMatch(/^- \/summary: /m);
    const notJson = await cli(["validate-result", "{nope", "--json"]);
    expect(notJson.code).toBe(1);
    expect(notJson.json<Envelope>().error?.code).toBe("result_envelope_not_json");
    const both = await cli(["validate-result", "{}", "--file", "result.json"]);
    expect(both.code).toBe(2);
  });
});

describe("repair-state", () => {
  beforeEach(async () => {
    const store = await RuntimeStore.openWorkspace(workspace);
    try {
      store.teams.register({ teamId: "beta", sessionName: "team-beta", workspace });
      for (const agentId of ["w1", "w2"]) store.agents.upsert("beta", agentId, { status: "stopped", provider: "fake" });
      store.tasks.upsert("beta", { id: "t1", title: "First", assignee: "w1", status: "done" });
    } finally {
      store.close();
    }
  });

  const readTask = async () => {
    const store = await RuntimeStore.openWorkspace(workspace);
    try {
      return store.tasks.get("beta", "t1");
    } finally {
      store.close();
    }
  };

  it("reopens and reassigns a task, reporting before and after", async () => {
    const result = await cli(["repair-state", "--task", "t1", "--status", "pending", "--assignee", "w2", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json<Envelope>()).toMatchObject({
      task_id: "t1",
      before: { status: "done", assignee: "w1" },
      after: { status: "pending", assignee: "w2" },
    });
    expect(await readTask()).toMatchObject({ status: "pending", assignee: "w2", title: "First" });
  });

  it("refuses unknown tasks and agents, and bad input as usage errors", async () => {
    const task = await cli(["repair-state", "--task", "t9", "--status", "pending", "--json"]);
    expect(task.code).toBe(1);
    expect(task.json<Envelope>().error?.code).toBe("task_not_found");
    const agent = await cli(["repair-state", "--task", "t1", "--assignee", "ghost", "--json"]);
    expect(agent.code).toBe(1);
    expect(agent.json<Envelope>().error?.code).toBe("unknown_agent");
    for (const args of [
      ["--task", "t1", "--status", "finished"],
      ["--task", "t1"],
      ["--status", "pending"],
    ]) {
      expect((await cli(["repair-state", ...args])).code, args.join(" ")).toBe(2);
    }
    expect(await readTask()).toMatchObject({ status: "done", assignee: "w1" });
  });
});

describe("allow-peer-talk", () => {
  it("is a no-op kept for old scripts", async () => {
    const result = await cli(["allow-peer-talk", "dev", "reviewer", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json<Envelope>()).toMatchObject({
      ok: true,
      a: "dev",
      b: "reviewer",
      status: "compat_noop",
      reason: "team_scoped_peer_messages_enabled",
    });
    expect((await cli(["allow-peer-talk", "dev", "no way"])).code).toBe(2);
  });
});
