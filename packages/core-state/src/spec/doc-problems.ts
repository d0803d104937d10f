/** Problems found in team doc files (TEAM.md, role docs): each line is prefixed by the file it is about. */
import { ValidationError, type ValidationProblem } from "../errors.js";

export function docProblem(file: string, message: string, pointer = "", line?: number): ValidationProblem {
  return { pointer, message, file, ...(line === undefined ? {} : { line }) };
}

/** `<file>:<line>: <message>` (line left out when unknown). */
export function formatDocProblem(problem: ValidationProblem): string {
  const where =
    problem.file === undefined ? "" : `${problem.file}${problem.line === undefined ? "" : `:${problem.line}`}: `;
  return `${where}${problem.message}`;
}

/** One error for every problem in every doc, joined by newlines like the original. */
export function teamDocError(problems: readonly ValidationProblem[]): ValidationError {
  const files = [...new Set(problems.map((problem) => problem.file).filter((file) => file !== undefined))];
  return new ValidationError(problems.map(formatDocProblem).join("\n"), problems, {
    code: "team_doc_invalid",
    action: `Fix the front matter named above in ${files.join(", ") || "the team doc dir"}, then rerun the command.`,
  });
}

/** Problems carried by a ValidationError thrown while reading one doc, so they can join the others. */
export function problemsOf(error: unknown): readonly ValidationProblem[] | undefined {
  return error instanceof ValidationError ? error.problems : undefined;
}
