/**
 * Error mapping for `tools/call` (spec 04 §2.6). A tool never answers with a JSON-RPC error: every failure is a tool
 * result with `isError: true` whose JSON says which of three buckets it falls in, so a worker can tell "I called it
 * wrong" (fix the arguments and retry) from "the runtime failed" (report it). Our error classes are sorted into the
 * buckets explicitly: argument-shaped failures are ours (`ToolArgumentError`), core-state's `ValidationError` family
 * (bad ids, invalid tasks or role files), and runtime errors whose code names something the caller got wrong.
 */
import { TeamAgentError, ValidationError } from "@team-agent/core-state/basics";
import type { z } from "zod";

export type ToolFailureReason = "unknown_tool" | "invalid_tool_arguments" | "internal_runtime_error";

export interface ToolFailure {
  ok: false;
  reason: ToolFailureReason;
  error_code: ToolFailureReason;
  exc_type: string;
  message: string;
  error: string;
  /** The runtime's own error code when it had one (e.g. `fork_unsupported`). */
  code?: string;
  /** What to do about it. */
  suggestion?: string;
}

/** A call whose arguments cannot work, found by the server itself before anything was written. */
export class ToolArgumentError extends Error {
  constructor(
    message: string,
    readonly suggestion?: string,
  ) {
    super(message);
    this.name = "ToolArgumentError";
  }
}

/**
 * Runtime error codes that mean the arguments named something that does not exist or may not be used that way; the
 * caller can fix them. Every other runtime error is the runtime's problem.
 */
const ARGUMENT_ERROR_CODES: ReadonlySet<string> = new Set([
  "unknown_agent",
  "unknown_recipient",
  "agent_exists",
  "leader_not_a_worker",
  "role_file_missing",
  "role_file_name_mismatch",
  "task_not_found",
]);

const MESSAGE_LIMIT = 200;

/** One line, trimmed, at most 200 characters; the fallback (the error type) when nothing is left. */
export function flattenMessage(text: string, fallback: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return fallback;
  return flat.length > MESSAGE_LIMIT ? `${flat.slice(0, MESSAGE_LIMIT - 1)}…` : flat;
}

export function toolFailure(
  reason: ToolFailureReason,
  excType: string,
  text: string,
  extra: { code?: string | undefined; suggestion?: string | undefined } = {},
): ToolFailure {
  const message = flattenMessage(text, excType);
  return {
    ok: false,
    reason,
    error_code: reason,
    exc_type: excType,
    message,
    error: message,
    ...(extra.code !== undefined ? { code: extra.code } : {}),
    ...(extra.suggestion !== undefined ? { suggestion: extra.suggestion } : {}),
  };
}

export function unknownToolFailure(name: string, known: readonly string[]): ToolFailure {
  return toolFailure("unknown_tool", "UnknownTool", `unknown tool '${name}'`, {
    suggestion: `Call one of: ${known.join(", ")}.`,
  });
}

const quoted = (path: readonly PropertyKey[]): string => `'${path.map(String).join(".")}'`;

/** Zod's issues as a sentence that names each parameter: missing, unexpected, or wrongly shaped. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const where = issue.path.length > 0 ? ` in ${quoted(issue.path)}` : "";
      return issue.keys.map((key) => `unexpected parameter '${key}'${where}`).join("; ");
    }
    if (issue.path.length === 0) return issue.message;
    if (issue.code === "invalid_type" && issue.input === undefined)
      return `missing required parameter ${quoted(issue.path)}`;
    return `parameter ${quoted(issue.path)}: ${issue.message}`;
  });
  return parts.join("; ");
}

export function invalidArgumentsFailure(tool: string, issues: readonly z.core.$ZodIssue[]): ToolFailure {
  return toolFailure("invalid_tool_arguments", "InvalidArguments", describeIssues(issues), {
    suggestion: `Call ${tool} again with the parameters its input schema declares.`,
  });
}

/** Anything a tool threw, sorted into its bucket. */
export function thrownFailure(error: unknown): ToolFailure {
  if (error instanceof ToolArgumentError) {
    return toolFailure("invalid_tool_arguments", error.name, error.message, { suggestion: error.suggestion });
  }
  if (error instanceof TeamAgentError) {
    const argumentShaped = error instanceof ValidationError || ARGUMENT_ERROR_CODES.has(error.code);
    return toolFailure(
      argumentShaped ? "invalid_tool_arguments" : "internal_runtime_error",
      error.name,
      error.message,
      {
        code: error.code,
        suggestion: error.action,
      },
    );
  }
  if (error instanceof Error) return toolFailure("internal_runtime_error", error.name, error.message);
  return toolFailure("internal_runtime_error", "Error", String(error));
}
