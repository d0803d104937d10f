import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ValidationError } from "../../src/errors.js";
import { validateTeamSpec } from "../../src/spec/validate.js";
import { catchValidation, EXAMPLE_DIR, exampleText } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests put wrong-typed values anywhere in the parsed spec
type Data = Record<string, any>;

function example(): Data {
  return parse(exampleText()) as Data;
}

function problemsOf(data: unknown) {
  return catchValidation(() => validateTeamSpec(data, { specDir: EXAMPLE_DIR })).problems;
}

function messageAt(data: unknown, pointer: string): string[] {
  return problemsOf(data)
    .filter((problem) => problem.pointer === pointer)
    .map((problem) => problem.message);
}

describe("validateTeamSpec: the example", () => {
  it("validates the example spec and returns it typed", () => {
    const spec = validateTeamSpec(example(), { specDir: EXAMPLE_DIR });
    expect(spec.agents.map((agent) => agent.id)).toEqual(["implementer", "researcher", "reviewer"]);
    expect(spec.runtime.display_backend).toBe("adaptive");
  });

  it("still validates with display backend ghostty_workspace", () => {
    const data = example();
    data.runtime.display_backend = "ghostty_workspace";
    expect(validateTeamSpec(data, { specDir: EXAMPLE_DIR }).runtime.display_backend).toBe("ghostty_workspace");
  });

  it("accepts the runtime keys the coordinator reads (compaction_reset_threshold, require_leader_receiver)", () => {
    const data = example();
    data.runtime.compaction_reset_threshold = 4;
    data.runtime.require_leader_receiver = true;
    const spec = validateTeamSpec(data, { specDir: EXAMPLE_DIR });
    expect(spec.runtime.compaction_reset_threshold).toBe(4);
    expect(spec.runtime.require_leader_receiver).toBe(true);
    data.runtime.compaction_reset_threshold = "three";
    expect(messageAt(data, "/runtime/compaction_reset_threshold")).toEqual(["must be an integer"]);
  });
});

describe("validateTeamSpec: semantic rules", () => {
  it("reports an unknown provider", () => {
    const data = example();
    data.agents[1].provider = "gpt";
    expect(messageAt(data, "/agents/1/provider")[0]).toContain("unknown provider 'gpt'");
  });

  it("reports an unknown auth_mode", () => {
    const data = example();
    data.agents[0].auth_mode = "oauth";
    expect(messageAt(data, "/agents/0/auth_mode")[0]).toContain("unknown auth_mode 'oauth'");
  });

  it("reports a routing rule that targets nobody", () => {
    const data = example();
    data.routing.rules[0].assign_to = "nobody";
    expect(messageAt(data, "/routing/rules/0/assign_to")).toEqual(["unknown agent 'nobody'"]);
  });

  it("accepts the leader as an assignee but not an unknown default assignee or task assignee", () => {
    const data = example();
    data.tasks[0].assignee = "leader";
    data.routing.default_assignee = "ghost";
    data.tasks[1].assignee = "phantom";
    const problems = problemsOf(data);
    expect(problems.map((problem) => [problem.pointer, problem.message])).toEqual([
      ["/routing/default_assignee", "unknown agent 'ghost'"],
      ["/tasks/1/assignee", "unknown agent 'phantom'"],
    ]);
  });

  it("reports a dependency cycle when the first task depends on the last", () => {
    const data = example();
    data.tasks[0].deps = ["review-export"];
    expect(messageAt(data, "/tasks/0/deps")).toEqual([
      "dependency cycle detected: research-formats -> review-export -> implement-export -> research-formats",
    ]);
  });

  it("reports unknown dependencies, duplicate agent and task ids, and rules without when or match", () => {
    const data = example();
    data.tasks[1].deps = ["research-formats", "no-such-task"];
    data.agents[2].id = "researcher";
    data.tasks[2].id = "implement-export";
    data.routing.rules[1].match = {};
    const problems = problemsOf(data).map((problem) => `${problem.pointer}: ${problem.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        "/tasks/1/deps/1: unknown dependency 'no-such-task'",
        "/agents/2/id: duplicate agent id 'researcher'",
        "/tasks/2/id: duplicate task id 'implement-export'",
        "/routing/rules/1: must include when or match",
      ]),
    );
  });

  it("reports a missing system prompt file relative to the spec dir", () => {
    const data = example();
    data.agents[2].system_prompt.file = "prompts/missing.md";
    expect(messageAt(data, "/agents/2/system_prompt/file")).toEqual(["file not found: prompts/missing.md"]);
    expect(catchValidation(() => validateTeamSpec(example(), { specDir: "/nonexistent-dir" })).problems).toHaveLength(
      1,
    );
  });

  it("reports unknown tools after alias expansion, accepting aliases", () => {
    const data = example();
    data.agents[0].tools = ["fs_*", "@builtin", "*", "shell", "teleport"];
    data.tasks[1].requires_tools = ["fs_write", "magic"];
    expect(problemsOf(data).map((problem) => `${problem.pointer}: ${problem.message}`)).toEqual([
      "/agents/0/tools/3: unknown tool 'shell'",
      "/agents/0/tools/4: unknown tool 'teleport'",
      "/tasks/1/requires_tools/1: unknown tool 'magic'",
    ]);
  });
});

describe("validateTeamSpec: structure", () => {
  it("reports missing required fields, unknown fields and bad enum values together", () => {
    const data = example();
    delete data.team.objective;
    delete data.tasks;
    data.team.colour = "blue";
    data.team.mode = "anarchy";
    data.version = 2;
    data.tasks_extra = [];
    const lines = problemsOf(data).map((problem) => `${problem.pointer}: ${problem.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        "/version: must equal 1",
        "/team/objective: missing required field",
        "/team/colour: unknown field",
        "/tasks: missing required field",
        "/tasks_extra: unknown field",
      ]),
    );
    expect(lines.find((line) => line.startsWith("/team/mode"))).toContain("invalid mode 'anarchy'");
  });

  it("never crashes on wrong types: each becomes a validation line", () => {
    const data = example();
    data.team = "just a string";
    data.agents[0] = "implementer";
    data.agents[1].tools = "fs_read";
    data.routing.rules = { id: "r" };
    data.runtime.auto_launch = "yes";
    data.runtime.max_active_agents = 1.5;
    data.tasks[0].deps = "research";
    data.tasks[1] = null;
    data.leader.context_policy = [];
    const lines = problemsOf(data).map((problem) => `${problem.pointer}: ${problem.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        "/team: must be an object",
        "/agents/0: must be an object",
        "/agents/1/tools: must be a list",
        "/routing/rules: must be a list",
        "/runtime/auto_launch: must be a boolean",
        "/runtime/max_active_agents: must be an integer",
        "/tasks/0/deps: must be a list",
        "/tasks/1: must be an object",
        "/leader/context_policy: must be an object",
      ]),
    );
  });

  it.each([[null], ["text"], [42], [[]], [[{ version: 1 }]]])("reports a non-object root %j as one line", (value) => {
    const problems = problemsOf(value);
    expect(problems).toEqual([{ pointer: "", message: "must be an object" }]);
  });

  it("requires at least one agent", () => {
    const data = example();
    data.agents = [];
    data.routing.rules = [{ id: "r", when: "task.type == 'x'", assign_to: "leader", priority: 1 }];
    data.routing.default_assignee = "leader";
    data.tasks = [];
    expect(messageAt(data, "/agents")).toEqual(["must list at least one agent"]);
  });

  it("rejects unsafe agent, task and leader ids, including path traversal", () => {
    const data = example();
    data.agents[0].id = "../../etc";
    data.tasks[0].id = "a/b";
    data.leader.id = "";
    data.agents[1].profile = "../secrets";
    const problems = problemsOf(data);
    const byPointer = Object.fromEntries(problems.map((problem) => [problem.pointer, problem.message]));
    expect(byPointer["/agents/0/id"]).toMatch(/^invalid agent id "\.\.\/\.\.\/etc"/);
    expect(byPointer["/tasks/0/id"]).toMatch(/^invalid task id "a\/b"/);
    expect(byPointer["/leader/id"]).toMatch(/^invalid leader id ""/);
    expect(byPointer["/agents/1/profile"]).toMatch(/^invalid profile id/);
  });
});

describe("validateTeamSpec: the error", () => {
  it("is one ValidationError with code spec_invalid, one line per problem, and an action naming fields and file", () => {
    const data = example();
    data.agents[0].provider = "nope";
    data.routing.default_assignee = "nobody";
    const error = catchValidation(() =>
      validateTeamSpec(data, { specDir: EXAMPLE_DIR, file: "/w/team.spec.yaml", lineOf: (pointer) => pointer.length }),
    );
    expect(error.code).toBe("spec_invalid");
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("team.spec.yaml validation failed:");
    expect(lines[1]).toMatch(/^- \/w\/team\.spec\.yaml:18 \/agents\/0\/provider: unknown provider 'nope'/);
    expect(lines[2]).toBe("- /w/team.spec.yaml:25 /routing/default_assignee: unknown agent 'nobody'");
    expect(error.problems[0]).toMatchObject({ pointer: "/agents/0/provider", file: "/w/team.spec.yaml", line: 18 });
    expect(error.action).toContain("/agents/0/provider");
    expect(error.action).toContain("/routing/default_assignee");
    expect(error.action).toContain("/w/team.spec.yaml");
  });

  it("leaves out file and line when they are unknown", () => {
    const data = example();
    data.routing.default_assignee = "nobody";
    const error = catchValidation(() => validateTeamSpec(data, { specDir: EXAMPLE_DIR }));
    expect(error.message.split("\n")[1]).toBe("- /routing/default_assignee: unknown agent 'nobody'");
    expect(error.problems[0]).toEqual({ pointer: "/routing/default_assignee", message: "unknown agent 'nobody'" });
  });
});

describe("validateTeamSpec: robustness", () => {
  /** Every path in the example (objects and lists included), as key lists. */
  function allPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (value === null || typeof value !== "object") return [prefix];
    const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
    return [prefix, ...entries.flatMap(([key, item]) => allPaths(item, [...prefix, key]))];
  }

  it("answers every wrong-typed value anywhere with a spec or a ValidationError, never a crash", () => {
    const replacements: unknown[] = [null, "x", "../../etc", 0, 1.5, -1, true, [], {}, ["x"], [1, null], { a: 1 }];
    let checked = 0;
    const base = example();
    for (const path of allPaths(base)) {
      if (path.length === 0) continue;
      for (const replacement of replacements) {
        const data = structuredClone(base);
        let parent: Data = data;
        for (const key of path.slice(0, -1)) parent = parent[key as string];
        parent[path.at(-1) as string] = replacement;
        try {
          validateTeamSpec(data, { specDir: EXAMPLE_DIR });
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).problems.length).toBeGreaterThan(0);
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
