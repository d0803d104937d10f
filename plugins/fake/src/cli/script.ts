/**
 * Per-test behaviour of the fake agent: a JSON file of rules. The first rule whose `match` fits an incoming
 * message decides what the agent does with it; fields a rule leaves out come from the script's `default`, then
 * from the built-in behaviour (work 300 ms; report success for a Team Agent message, just answer plain text).
 */
import { readFileSync } from "node:fs";
import { ValidationError, type ValidationProblem } from "@team-agent/core-state";
import type { ReportArguments } from "./envelope.js";
import type { IncomingMessage } from "./message.js";

/** Envelope fields a rule may set; the rest come from the default success envelope. */
export type ReportFields = Partial<ReportArguments>;

export interface ScriptAction {
  /** How long the turn stays open ("working") before the agent reports and answers. */
  work_ms?: number;
  /** The closing answer shown on screen and written as the `end_turn` record. */
  reply?: string;
  /** `true`: the default envelope; an object: fields over it; `false`/`"none"`/null: no report. */
  report?: ReportFields | boolean | "none" | null;
  /** Messages to send through the team server's `send_message` before reporting. */
  send_message?: { to: string | string[]; content: string } | { to: string | string[]; content: string }[];
  /** A question for the human through `request_human`. */
  request_human?: { question: string; task_id?: string };
  /** End the turn with an API error instead of an answer (status and message optional). */
  fail?: boolean | { status?: number; message?: string };
  /** Die mid-turn after `work_ms`, leaving the turn open: `true` (exit code 1) or an exit code. */
  exit?: boolean | number;
  /** Ask "Do you want to proceed?" before working; No or Esc interrupts the turn. */
  ask_approval?: boolean;
}

export interface RuleMatch {
  /** Substring of the message content (or of the whole text for plain input). */
  contains?: string;
  /** JavaScript regular expression tested on the whole submitted text. */
  regex?: string;
  sender?: string;
  /** Task id from the header; null matches messages without a task. */
  task?: string | null;
  rendered?: boolean;
  /** Only the n-th submitted message (1-based). */
  nth?: number;
}

export interface ScriptRule extends ScriptAction {
  match?: RuleMatch;
  /** How many times the rule may fire (default: unlimited). */
  times?: number;
}

export interface FakeScript {
  trust_prompt?: boolean;
  /** Pastes with more lines than this show as `[Pasted text #k +L lines]`. */
  paste_collapse_lines?: number;
  rules?: ScriptRule[];
  default?: ScriptAction;
}

/** What the agent will do with one message, every field decided. */
export interface ResolvedAction {
  workMs: number;
  reply: string;
  report: ReportFields | null;
  sendMessages: { to: string | string[]; content: string }[];
  requestHuman: { question: string; task_id?: string } | null;
  fail: { status: number; message: string } | null;
  exitCode: number | null;
  askApproval: boolean;
  /** Index of the rule that matched, or null for the default. */
  rule: number | null;
}

export const DEFAULT_WORK_MS = 300;

const ACTION_KEYS = ["work_ms", "reply", "report", "send_message", "request_human", "fail", "exit", "ask_approval"];
const RULE_KEYS = [...ACTION_KEYS, "match", "times"];
const MATCH_KEYS = ["contains", "regex", "sender", "task", "rendered", "nth"];
const SCRIPT_KEYS = ["trust_prompt", "paste_collapse_lines", "rules", "default"];

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Checks a parsed script; every problem is reported at once with its JSON pointer. */
export function validateScript(value: unknown, file = "<script>"): FakeScript {
  const problems: ValidationProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ pointer, message, file });
  const keys = (object: Record<string, unknown>, allowed: string[], at: string) => {
    for (const key of Object.keys(object)) if (!allowed.includes(key)) problem(`${at}/${key}`, "unknown field");
  };
  const count = (v: unknown, at: string) => {
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0))
      problem(at, "must be a whole number ≥ 0");
  };
  const action = (a: Record<string, unknown>, at: string) => {
    count(a["work_ms"], `${at}/work_ms`);
    if (a["reply"] !== undefined && typeof a["reply"] !== "string") problem(`${at}/reply`, "must be a string");
    const report = a["report"];
    if (
      report !== undefined &&
      report !== null &&
      typeof report !== "boolean" &&
      report !== "none" &&
      !isObject(report)
    ) {
      problem(`${at}/report`, 'must be an object of envelope fields, true, false or "none"');
    }
    const sends = a["send_message"];
    for (const [i, send] of (Array.isArray(sends) ? sends : sends === undefined ? [] : [sends]).entries()) {
      const where = Array.isArray(sends) ? `${at}/send_message/${i}` : `${at}/send_message`;
      if (
        !isObject(send) ||
        typeof send["content"] !== "string" ||
        !(typeof send["to"] === "string" || Array.isArray(send["to"]))
      ) {
        problem(where, "must be {to: string | string[], content: string}");
      }
    }
    const human = a["request_human"];
    if (human !== undefined && (!isObject(human) || typeof human["question"] !== "string")) {
      problem(`${at}/request_human`, "must be {question: string, task_id?: string}");
    }
    const fail = a["fail"];
    if (fail !== undefined && typeof fail !== "boolean" && !isObject(fail))
      problem(`${at}/fail`, "must be true or {status, message}");
    const exit = a["exit"];
    if (exit !== undefined && typeof exit !== "boolean" && !(typeof exit === "number" && Number.isInteger(exit))) {
      problem(`${at}/exit`, "must be true or an exit code");
    }
    if (a["ask_approval"] !== undefined && typeof a["ask_approval"] !== "boolean")
      problem(`${at}/ask_approval`, "must be true or false");
  };

  if (!isObject(value)) {
    problem("", "must be a JSON object");
  } else {
    keys(value, SCRIPT_KEYS, "");
    if (value["trust_prompt"] !== undefined && typeof value["trust_prompt"] !== "boolean")
      problem("/trust_prompt", "must be true or false");
    count(value["paste_collapse_lines"], "/paste_collapse_lines");
    if (value["default"] !== undefined) {
      if (!isObject(value["default"])) problem("/default", "must be an object");
      else {
        keys(value["default"], ACTION_KEYS, "/default");
        action(value["default"], "/default");
      }
    }
    const rules = value["rules"];
    if (rules !== undefined && !Array.isArray(rules)) problem("/rules", "must be a list");
    for (const [i, rule] of (Array.isArray(rules) ? rules : []).entries()) {
      const at = `/rules/${i}`;
      if (!isObject(rule)) {
        problem(at, "must be an object");
        continue;
      }
      keys(rule, RULE_KEYS, at);
      action(rule, at);
      count(rule["times"], `${at}/times`);
      const match = rule["match"];
      if (match === undefined) continue;
      if (!isObject(match)) {
        problem(`${at}/match`, "must be an object");
        continue;
      }
      keys(match, MATCH_KEYS, `${at}/match`);
      for (const key of ["contains", "sender"]) {
        if (match[key] !== undefined && typeof match[key] !== "string")
          problem(`${at}/match/${key}`, "must be a string");
      }
      if (match["task"] !== undefined && match["task"] !== null && typeof match["task"] !== "string") {
        problem(`${at}/match/task`, "must be a string or null");
      }
      if (match["rendered"] !== undefined && typeof match["rendered"] !== "boolean")
        problem(`${at}/match/rendered`, "must be true or false");
      count(match["nth"], `${at}/match/nth`);
      if (match["regex"] !== undefined) {
        try {
          new RegExp(String(match["regex"]), "u");
        } catch (error) {
          problem(`${at}/match/regex`, `not a valid regular expression: ${(error as Error).message}`);
        }
      }
    }
  }
  if (problems.length > 0) {
    const lines = problems.map((p) => `- ${p.pointer || "/"}: ${p.message}`).join("\n");
    throw new ValidationError(`fake agent script ${file} is invalid:\n${lines}`, problems, {
      code: "fake_script_invalid",
      action: "Fix the fields listed above (see plugins/fake/README.md for the script format).",
    });
  }
  return value as FakeScript;
}

export function loadScript(path: string | null): FakeScript {
  if (path === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ValidationError(`cannot read fake agent script ${path}: ${(error as Error).message}`, [], {
      code: "fake_script_unreadable",
      action: "Point TEAM_AGENT_FAKE_SCRIPT or --script at a readable JSON file.",
    });
  }
  return validateScript(parsed, path);
}

function matches(match: RuleMatch | undefined, message: IncomingMessage, n: number): boolean {
  if (!match) return true;
  if (match.contains !== undefined && !message.content.includes(match.contains)) return false;
  if (match.regex !== undefined && !new RegExp(match.regex, "u").test(message.text)) return false;
  if (match.sender !== undefined && message.sender !== match.sender) return false;
  if (match.task !== undefined && message.task !== match.task) return false;
  if (match.rendered !== undefined && message.rendered !== match.rendered) return false;
  if (match.nth !== undefined && match.nth !== n) return false;
  return true;
}

/** `{{agent}}`, `{{task}}`, `{{token}}`, `{{sender}}`, `{{n}}` in strings (deeply), unknown names left as they are. */
export function fillTemplate<T>(value: T, vars: Readonly<Record<string, string>>): T {
  if (typeof value === "string") {
    return value.replace(/\{\{(\w+)\}\}/g, (all, name: string) => vars[name] ?? all) as T;
  }
  if (Array.isArray(value)) return value.map((item) => fillTemplate(item, vars)) as T;
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplate(v, vars)])) as T;
  }
  return value;
}

/** Chooses and completes the action for the `n`-th message (1-based); remembers how often each rule fired. */
export class ScriptRunner {
  private readonly fired = new Map<number, number>();

  constructor(readonly script: FakeScript) {}

  resolve(message: IncomingMessage, n: number, vars: Readonly<Record<string, string>>): ResolvedAction {
    const rules = this.script.rules ?? [];
    let chosen: ScriptRule | undefined;
    let index: number | null = null;
    for (const [i, rule] of rules.entries()) {
      const used = this.fired.get(i) ?? 0;
      if (rule.times !== undefined && used >= rule.times) continue;
      if (!matches(rule.match, message, n)) continue;
      chosen = rule;
      index = i;
      this.fired.set(i, used + 1);
      break;
    }
    const pick = <K extends keyof ScriptAction>(key: K): ScriptAction[K] | undefined =>
      chosen?.[key] !== undefined ? chosen[key] : this.script.default?.[key];

    const report = pick("report");
    const reportFields: ReportFields | null =
      report === undefined ? (message.rendered ? {} : null) : report === true ? {} : isObject(report) ? report : null;
    const fail = pick("fail");
    const exit = pick("exit");
    const sends = pick("send_message");
    const defaultReply = message.rendered
      ? reportFields
        ? "Done: handled message {{token}} and reported the result."
        : "Done: handled message {{token}}."
      : "Noted. (fake agent)";
    return fillTemplate(
      {
        workMs: pick("work_ms") ?? DEFAULT_WORK_MS,
        reply: pick("reply") ?? defaultReply,
        report: reportFields,
        sendMessages: sends === undefined ? [] : Array.isArray(sends) ? sends : [sends],
        requestHuman: pick("request_human") ?? null,
        fail:
          fail === undefined || fail === false
            ? null
            : { status: 500, message: "Internal server error (fake)", ...(fail === true ? {} : fail) },
        exitCode: exit === undefined || exit === false ? null : exit === true ? 1 : exit,
        askApproval: pick("ask_approval") ?? false,
        rule: index,
      },
      vars,
    );
  }
}
