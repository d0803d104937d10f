/** Validates parsed team spec data: structure (zod) plus cross-field rules, all problems reported at once. */
import { ValidationError, type ValidationProblem } from "../errors.js";
import { genericIssueMessage, issuesToProblems } from "./issues.js";
import { type TeamSpec, teamSpecSchema } from "./schema.js";
import { semanticProblems } from "./semantic.js";

export interface ValidateTeamSpecOptions {
  /** Shown in every problem line and in the action; usually the spec's path. */
  file?: string;
  /** Base directory for relative `system_prompt.file` paths (default: the current directory). */
  specDir?: string;
  /** 1-based source line of the node at a JSON pointer (the loader supplies it). */
  lineOf?: (pointer: string) => number | undefined;
  /** Overrides the default "fix the fields in the file" action (the compiler points at the role docs). */
  action?: string;
}

export const SPEC_INVALID = "spec_invalid";

export function validateTeamSpec(data: unknown, options: ValidateTeamSpecOptions = {}): TeamSpec {
  const parsed = teamSpecSchema.safeParse(data, { error: genericIssueMessage });
  const found = [
    ...(parsed.success ? [] : issuesToProblems(parsed.error.issues)),
    ...semanticProblems(data, options.specDir),
  ];
  if (parsed.success && found.length === 0) return parsed.data;
  const problems = found.map((problem) => locate(problem, options));
  throw new ValidationError(
    ["team.spec.yaml validation failed:", ...problems.map(formatProblemLine)].join("\n"),
    problems,
    { code: SPEC_INVALID, action: options.action ?? fixAction(problems, options.file) },
  );
}

function locate(
  problem: Pick<ValidationProblem, "pointer" | "message">,
  options: ValidateTeamSpecOptions,
): ValidationProblem {
  const line = options.lineOf?.(problem.pointer);
  return {
    pointer: problem.pointer,
    message: problem.message,
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(line === undefined ? {} : { line }),
  };
}

/** `- <file>:<line> <pointer>: <message>`, leaving out what is unknown; the root pointer shows as `/`. */
export function formatProblemLine(problem: ValidationProblem): string {
  const where =
    problem.file === undefined ? "" : `${problem.file}${problem.line === undefined ? "" : `:${problem.line}`} `;
  return `- ${where}${problem.pointer === "" ? "/" : problem.pointer}: ${problem.message}`;
}

const MAX_FIELDS_IN_ACTION = 5;

function fixAction(problems: readonly ValidationProblem[], file: string | undefined): string {
  const pointers = [...new Set(problems.map((problem) => problem.pointer || "/"))];
  const shown = pointers.slice(0, MAX_FIELDS_IN_ACTION).join(", ");
  const more = pointers.length > MAX_FIELDS_IN_ACTION ? ` and ${pointers.length - MAX_FIELDS_IN_ACTION} more` : "";
  return `Fix ${shown}${more} in ${file ?? "the team spec"}, then rerun the command.`;
}
