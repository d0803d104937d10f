import {
  RESULT_ENVELOPE_SCHEMA_VERSION,
  type ResultEnvelopeV1,
  type ResultStatus,
  validateResultEnvelope,
} from "@team-agent/core-state";

/**
 * The arguments of an MCP `report_result` call (spec 04 §2.3): `summary`, `status`, `changes`, `tests`, `risks`,
 * `artifacts`, `next_actions`, `task_id`, `agent_id` and an optional `envelope` carrying any of them. Workers are
 * language models, so every field may have any JSON shape.
 */
export type ReportInput = Record<string, unknown>;

/** What the MCP server knows when the call names no agent or task: its env identity and the inferred task. */
export interface ReportDefaults {
  agentId: string | null;
  taskId: string | null;
}

type Change = ResultEnvelopeV1["changes"][number];
type Test = ResultEnvelopeV1["tests"][number];
type Risk = ResultEnvelopeV1["risks"][number];
type Artifact = ResultEnvelopeV1["artifacts"][number];
type NextAction = ResultEnvelopeV1["next_actions"][number];
type Fields = Record<string, unknown>;

const FALLBACK_SUMMARY = "completed";
const FALLBACK_TASK_ID = "manual";
const FALLBACK_AGENT_ID = "unknown";

// Alias lists: the first key holding usable text wins (spec 04 §2.5).
const PATH_KEYS = ["path", "file", "filepath", "filename"];
const CHANGE_DESCRIPTION_KEYS = ["description", "summary", "detail", "details", "message"];
const CHANGE_KIND_KEYS = ["kind", "type", "action"];
const TEST_COMMAND_KEYS = ["command", "cmd", "name", "test"];
const TEST_DETAIL_KEYS = ["detail", "output", "stdout", "stderr", "summary", "message"];
const RISK_DESCRIPTION_KEYS = ["description", "summary", "detail", "message"];
const RISK_SEVERITY_KEYS = ["severity", "level"];
const ARTIFACT_DESCRIPTION_KEYS = ["description", "summary", "detail"];
const NEXT_ACTION_KEYS = ["description", "summary", "action", "todo", "message"];

/** Vocabulary after `word()`: lower-cased, `-` and spaces turned into `_`. */
const REPORT_STATUS_WORDS: Readonly<Record<string, ResultStatus>> = {
  success: "success",
  ok: "success",
  done: "success",
  complete: "success",
  completed: "success",
  passed: "success",
  pass: "success",
  blocked: "blocked",
  block: "blocked",
  failed: "failed",
  fail: "failed",
  error: "failed",
  partial: "partial",
  partially_done: "partial",
};

const CHANGE_KIND_WORDS: Readonly<Record<string, Change["kind"]>> = {
  created: "created",
  create: "created",
  added: "created",
  add: "created",
  new: "created",
  modified: "modified",
  changed: "modified",
  change: "modified",
  updated: "modified",
  update: "modified",
  edited: "modified",
  edit: "modified",
  deleted: "deleted",
  removed: "deleted",
  remove: "deleted",
  delete: "deleted",
  observed: "observed",
  observe: "observed",
  inspected: "observed",
  inspect: "observed",
};

const TEST_STATUS_WORDS: Readonly<Record<string, Test["status"]>> = {
  passed: "passed",
  pass: "passed",
  ok: "passed",
  success: "passed",
  failed: "failed",
  fail: "failed",
  error: "failed",
  not_run: "not_run",
  notrun: "not_run",
  skipped: "skipped",
  skip: "skipped",
};

const SEVERITIES: Readonly<Record<string, Risk["severity"]>> = { low: "low", medium: "medium", high: "high" };

/** When a change names no kind we know, its description decides, checked in this order; otherwise `modified`. */
const KIND_FROM_DESCRIPTION: ReadonlyArray<[RegExp, Change["kind"]]> = [
  [/\b(?:created|added)\b|\bnew file\b/i, "created"],
  [/\b(?:deleted|removed)\b/i, "deleted"],
  [/\b(?:observed|inspected|verified)\b/i, "observed"],
];

/**
 * Turns lenient `report_result` arguments into a strict `result_envelope_v1` (spec 04 §2.5). It accepts any shape:
 * fields are read from the arguments first, then from `envelope`; missing ids fall back to `defaults`, then to
 * `manual` / `unknown`. List items it cannot use (a change without a path, a number where an object belongs) are
 * dropped. The result is checked with core-state's validator, whose ValidationError is the only thing it throws.
 */
export function normaliseReport(input: ReportInput, defaults: ReportDefaults): ResultEnvelopeV1 {
  const sources = reportSources(input);
  const summary = firstText(sources, "summary") ?? FALLBACK_SUMMARY;
  const { agentId, taskId } = reportedIds(input);
  const envelope = {
    schema_version: RESULT_ENVELOPE_SCHEMA_VERSION,
    task_id: taskId ?? usableId(defaults.taskId) ?? FALLBACK_TASK_ID,
    agent_id: agentId ?? usableId(defaults.agentId) ?? FALLBACK_AGENT_ID,
    status: reportStatus(firstPresent(sources, "status")),
    summary,
    changes: listOf(sources, "changes").flatMap((item) => toChange(item, summary)),
    tests: listOf(sources, "tests").flatMap(toTest),
    risks: listOf(sources, "risks").flatMap(toRisk),
    artifacts: listOf(sources, "artifacts").flatMap(toArtifact),
    next_actions: listOf(sources, "next_actions").flatMap(toNextAction),
  };
  return validateResultEnvelope(envelope);
}

/**
 * The agent and task ids the call itself names (arguments, then `envelope`), or null. The MCP server needs the
 * agent before normalising: the task it infers belongs to the reporting agent, not necessarily to its env identity.
 */
export function reportedIds(input: ReportInput): { agentId: string | null; taskId: string | null } {
  const sources = reportSources(input);
  return { agentId: usableId(firstText(sources, "agent_id")), taskId: usableId(firstText(sources, "task_id")) };
}

/** The arguments, then the `envelope` object (also accepted as JSON text, as some clients stringify nested objects). */
function reportSources(input: unknown): Fields[] {
  if (!isFields(input)) return [];
  const envelope = fieldOf(input, "envelope");
  const nested = typeof envelope === "string" ? parseJson(envelope) : envelope;
  return isFields(nested) ? [input, nested] : [input];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isFields(value: unknown): value is Fields {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Own properties only: a key like `constructor` must never be read off the prototype. */
function fieldOf(fields: Fields, key: string): unknown {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}

/** Strings, finite numbers and booleans as text; blank text and everything else as null. */
function text(value: unknown): string | null {
  let rendered: string | null = null;
  if (typeof value === "string") rendered = value;
  else if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean")
    rendered = String(value);
  return rendered !== null && rendered.trim() !== "" ? rendered : null;
}

function usableId(value: string | null): string | null {
  return value === null || value.trim() === "" ? null : value.trim();
}

function firstText(sources: readonly Fields[], key: string): string | null {
  for (const source of sources) {
    const found = text(fieldOf(source, key));
    if (found !== null) return found;
  }
  return null;
}

function firstPresent(sources: readonly Fields[], key: string): unknown {
  for (const source of sources) {
    const value = fieldOf(source, key);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** The first text found under any of `keys`. */
function pick(fields: Fields, keys: readonly string[]): string | null {
  for (const key of keys) {
    const found = text(fieldOf(fields, key));
    if (found !== null) return found;
  }
  return null;
}

/** Lower-cased, trimmed, with `-` and spaces as `_`, so `Not Run`, `not-run` and `not_run` read alike. */
function word(value: unknown): string {
  return (text(value) ?? "")
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, "_");
}

function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A list field: absent or null is empty, a single value (scalar or object) becomes a one-item list. */
function listOf(sources: readonly Fields[], key: string): unknown[] {
  const value = firstPresent(sources, key);
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function reportStatus(value: unknown): ResultStatus {
  return lookup(REPORT_STATUS_WORDS, word(value)) ?? "success";
}

function toChange(item: unknown, summary: string): Change[] {
  if (!isFields(item)) return [];
  const path = pick(item, PATH_KEYS);
  if (path === null) return [];
  const description = pick(item, CHANGE_DESCRIPTION_KEYS) ?? summary;
  const named = CHANGE_KIND_KEYS.map((key) => lookup(CHANGE_KIND_WORDS, word(fieldOf(item, key)))).find(Boolean);
  return [{ path, kind: named ?? kindFromDescription(description), description }];
}

function kindFromDescription(description: string): Change["kind"] {
  return KIND_FROM_DESCRIPTION.find(([pattern]) => pattern.test(description))?.[1] ?? "modified";
}

function toTest(item: unknown): Test[] {
  if (!isFields(item)) {
    const command = text(item);
    return command === null ? [] : [{ command, status: "not_run" }];
  }
  const command = pick(item, TEST_COMMAND_KEYS);
  if (command === null) return [];
  const test: Test = { command, status: lookup(TEST_STATUS_WORDS, word(fieldOf(item, "status"))) ?? "not_run" };
  const detail = pick(item, TEST_DETAIL_KEYS);
  if (detail !== null) test.detail = detail;
  return [test];
}

function toRisk(item: unknown): Risk[] {
  if (!isFields(item)) {
    const description = text(item);
    return description === null ? [] : [{ severity: "low", description }];
  }
  const description = pick(item, RISK_DESCRIPTION_KEYS);
  if (description === null) return [];
  return [{ severity: lookup(SEVERITIES, word(pick(item, RISK_SEVERITY_KEYS))) ?? "low", description }];
}

function toArtifact(item: unknown): Artifact[] {
  const path = isFields(item) ? pick(item, PATH_KEYS) : text(item);
  if (path === null) return [];
  const description = isFields(item) ? pick(item, ARTIFACT_DESCRIPTION_KEYS) : null;
  return [{ path, description: description ?? path }];
}

function toNextAction(item: unknown): NextAction[] {
  const description = isFields(item) ? pick(item, NEXT_ACTION_KEYS) : text(item);
  return description === null ? [] : [{ description }];
}
