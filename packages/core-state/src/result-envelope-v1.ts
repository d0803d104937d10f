import { z } from "zod";
import { ValidationError, type ValidationProblem } from "./errors.js";

/**
 * `result_envelope_v1`: what a worker reports when it finishes a task (spec 01 §9). Validation is strict: all ten
 * top-level keys, no others, exact item keys, string values only. The MCP layer normalises lenient worker input
 * before it reaches this check.
 */
export const RESULT_ENVELOPE_SCHEMA_VERSION = "result_envelope_v1";

export const RESULT_STATUSES = ["success", "blocked", "failed", "partial"] as const;
export const CHANGE_KINDS = ["created", "modified", "deleted", "observed"] as const;
export const TEST_STATUSES = ["passed", "failed", "not_run", "skipped"] as const;
export const RISK_SEVERITIES = ["low", "medium", "high"] as const;

const NON_EMPTY = "must be a non-empty string";
// Stricter than the original's JSON Schema: whitespace-only ids and summaries are as useless as empty ones.
const nonEmptyString = z.string().refine((value) => value.trim() !== "", { message: NON_EMPTY });

const envelopeSchema = z.strictObject({
  schema_version: z.literal(RESULT_ENVELOPE_SCHEMA_VERSION),
  task_id: nonEmptyString,
  agent_id: nonEmptyString,
  status: z.enum(RESULT_STATUSES),
  summary: nonEmptyString,
  changes: z.array(z.strictObject({ path: z.string(), kind: z.enum(CHANGE_KINDS), description: z.string() })),
  tests: z.array(z.strictObject({ command: z.string(), status: z.enum(TEST_STATUSES), detail: z.string().optional() })),
  risks: z.array(z.strictObject({ severity: z.enum(RISK_SEVERITIES), description: z.string() })),
  artifacts: z.array(z.strictObject({ path: z.string(), description: z.string() })),
  next_actions: z.array(z.strictObject({ description: z.string() })),
});

export type ResultEnvelopeV1 = z.infer<typeof envelopeSchema>;
export type ResultStatus = ResultEnvelopeV1["status"];

/** Returns `value` typed as an envelope, or throws ValidationError `result_envelope_invalid` listing every problem. */
export function validateResultEnvelope(value: unknown): ResultEnvelopeV1 {
  const parsed = envelopeSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => toProblems(issue, value));
  const lines = problems.map((problem) => `- ${problem.pointer === "" ? "/" : problem.pointer}: ${problem.message}`);
  throw new ValidationError(`result_envelope_v1 validation failed:\n${lines.join("\n")}`, problems, {
    code: "result_envelope_invalid",
    action:
      "Send a result_envelope_v1 object with exactly schema_version, task_id, agent_id, status, summary, changes, tests, risks, artifacts and next_actions, fixing the fields listed above.",
  });
}

/** Translates one zod issue into the spec's wording (zod's own messages are not a compatibility surface). */
function toProblems(issue: z.core.$ZodIssue, input: unknown): ValidationProblem[] {
  const path = issue.path as readonly PropertyKey[];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      pointer: toPointer([...path, key]),
      message: path.length === 0 && key === "schema" ? "use schema_version, not schema" : "unknown field",
    }));
  }
  return [{ pointer: toPointer(path), message: describe(issue, path, input) }];
}

function describe(issue: z.core.$ZodIssue, path: readonly PropertyKey[], input: unknown): string {
  if (isMissing(input, path)) return "missing required field";
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "array") return "must be a list";
      if (issue.expected === "object") return "must be an object";
      return `must be a ${issue.expected}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.join(", ")}`;
    default:
      // Our own refinements (non-empty strings) already carry the spec's wording.
      return issue.message;
  }
}

/** True when the last path segment names a key that the (object) parent does not have at all. */
function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let parent: unknown = input;
  for (const segment of path.slice(0, -1)) {
    if (parent === null || typeof parent !== "object") return false;
    parent = (parent as Record<PropertyKey, unknown>)[segment];
  }
  if (parent === null || typeof parent !== "object" || Array.isArray(parent)) return false;
  return !Object.hasOwn(parent, path.at(-1) as PropertyKey);
}

function toPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}
