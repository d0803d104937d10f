import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "@team-agent/core-state";
import { renderMessage } from "@team-agent/tmux-prompt";
import { describe, expect, it } from "vitest";
import { parseIncoming } from "../../src/cli/message.js";
import { fillTemplate, loadScript, ScriptRunner, validateScript } from "../../src/cli/script.js";
import { tempDir } from "../helpers/env.js";

const rendered = (task?: string, content = "do it") =>
  parseIncoming(renderMessage({ message_id: "msg_0123456789ab", sender: "leader", task_id: task ?? null, content }));
const vars = { agent: "dev", task: "t1", token: "msg_0123456789ab", sender: "leader", n: "1" };

describe("script validation", () => {
  it("accepts the documented shape", () => {
    const script = {
      trust_prompt: true,
      paste_collapse_lines: 3,
      default: { work_ms: 10 },
      rules: [
        { match: { task: "t1", rendered: true, nth: 1 }, report: { status: "partial" }, times: 1 },
        {
          match: { regex: "^plain", contains: "x", sender: "leader" },
          send_message: [{ to: "leader", content: "hi" }],
        },
        {
          match: { task: null },
          fail: { status: 529 },
          exit: 3,
          ask_approval: false,
          request_human: { question: "?" },
        },
      ],
    };
    expect(validateScript(script)).toBe(script);
  });

  it("lists every problem with its pointer", () => {
    let caught: unknown;
    try {
      validateScript({
        rules: [{ work_ms: -1, match: { regex: "(", nth: "2" }, extra: 1 }],
        default: { report: 5 },
        typo: true,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.code).toBe("fake_script_invalid");
    expect(error.problems.map((p) => p.pointer).sort()).toEqual([
      "/default/report",
      "/rules/0/extra",
      "/rules/0/match/nth",
      "/rules/0/match/regex",
      "/rules/0/work_ms",
      "/typo",
    ]);
  });

  it("the README's example script validates", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const example = /```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    expect(validateScript(JSON.parse(example!)).rules).toHaveLength(5);
  });

  it("loads from a file; an unreadable file is a coded error", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "s.json"), '{"default":{"work_ms":5}}');
    expect(loadScript(join(dir, "s.json"))).toEqual({ default: { work_ms: 5 } });
    expect(loadScript(null)).toEqual({});
    expect(() => loadScript(join(dir, "missing.json"))).toThrow(
      expect.objectContaining({ code: "fake_script_unreadable" }),
    );
  });
});

describe("ScriptRunner", () => {
  it("built-in default: a rendered message works 300 ms and reports; plain text only gets an answer", () => {
    const runner = new ScriptRunner({});
    expect(runner.resolve(rendered("t1"), 1, vars)).toMatchObject({
      workMs: 300,
      report: {},
      fail: null,
      exitCode: null,
      askApproval: false,
      rule: null,
    });
    expect(runner.resolve(parseIncoming("hello"), 2, vars)).toMatchObject({
      report: null,
      reply: "Noted. (fake agent)",
    });
  });

  it("the first matching rule wins, `times` limits it, and unset fields fall back to the script default", () => {
    const runner = new ScriptRunner({
      default: { work_ms: 50, reply: "default reply" },
      rules: [
        { match: { task: "t1" }, times: 1, report: { status: "blocked", summary: "blocked on {{task}} by {{agent}}" } },
        { match: { task: "t1" }, report: "none" },
        { match: { nth: 4 }, exit: true },
      ],
    });
    const first = runner.resolve(rendered("t1"), 1, vars);
    expect(first).toMatchObject({
      rule: 0,
      workMs: 50,
      reply: "default reply",
      report: { status: "blocked", summary: "blocked on t1 by dev" },
    });
    expect(runner.resolve(rendered("t1"), 2, vars)).toMatchObject({ rule: 1, report: null });
    expect(runner.resolve(rendered("t2"), 3, vars)).toMatchObject({ rule: null, report: {} });
    expect(runner.resolve(rendered("t2"), 4, vars)).toMatchObject({ rule: 2, exitCode: 1 });
  });

  it("matches on content, regex, sender and a null task", () => {
    const runner = new ScriptRunner({
      rules: [
        { match: { contains: "deploy" }, reply: "a" },
        { match: { regex: "^Team Agent message from w2" }, reply: "b" },
        { match: { task: null, sender: "leader" }, reply: "c" },
      ],
    });
    expect(runner.resolve(rendered("t1", "please deploy"), 1, vars).reply).toBe("a");
    const fromPeer = parseIncoming(
      renderMessage({ message_id: "msg_bbbbbbbbbbbb", sender: "w2", task_id: "t9", content: "x" }),
    );
    expect(runner.resolve(fromPeer, 2, vars).reply).toBe("b");
    expect(runner.resolve(rendered(undefined), 3, vars).reply).toBe("c");
    expect(runner.resolve(rendered("t5"), 4, vars).rule).toBeNull();
  });

  it("fail fills in a status and message; send_message becomes a list", () => {
    const runner = new ScriptRunner({
      rules: [{ fail: true, send_message: { to: "leader", content: "from {{agent}}" } }],
    });
    expect(runner.resolve(rendered("t1"), 1, vars)).toMatchObject({
      fail: { status: 500, message: "Internal server error (fake)" },
      sendMessages: [{ to: "leader", content: "from dev" }],
    });
  });

  it("templates fill strings deeply and leave unknown names alone", () => {
    expect(fillTemplate({ a: ["{{token}} {{nope}}"], b: 3 }, vars)).toEqual({ a: ["msg_0123456789ab {{nope}}"], b: 3 });
  });
});
