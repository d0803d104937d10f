/** Turns zod issues into validation problems with JSON pointers and the original validator's messages. */
import type { z } from "zod";
import type { ValidationProblem } from "../errors.js";
import { MISSING_FIELD, UNKNOWN_FIELD } from "./fields.js";

type PathSegment = PropertyKey;

/** RFC 6901 pointer: `~` → `~0`, `/` → `~1`; the root is the empty string. */
export function toPointer(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

const EXPECTED_WORDS: Readonly<Record<string, string>> = {
  object: "an object",
  array: "a list",
  string: "a string",
  boolean: "a boolean",
  number: "a number",
  int: "an integer",
};

/** Per-parse fallback for issues that no field builder words itself (e.g. a missing `z.unknown()` key). */
export function genericIssueMessage(issue: { code?: string; input?: unknown; expected?: unknown }): string | undefined {
  if (issue.code === "unrecognized_keys") return UNKNOWN_FIELD;
  if (issue.input === undefined) return MISSING_FIELD;
  if (issue.code === "invalid_type" && typeof issue.expected === "string") {
    return `must be ${EXPECTED_WORDS[issue.expected] ?? issue.expected}`;
  }
  return undefined;
}

/** One problem per issue, except a strict object's extra keys, which become one `unknown field` per key. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const seen = new Set<string>();
  const add = (pointer: string, message: string) => {
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ pointer, message });
  };
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) add(toPointer([...issue.path, key]), UNKNOWN_FIELD);
    } else {
      add(toPointer(issue.path), issue.message);
    }
  }
  return problems;
}
