import { randomBytes } from "node:crypto";
import { ValidationError } from "./errors.js";

/** D8: team, agent and task ids must match this before they touch a path, a tmux target or SQL. */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export type IdKind = "team" | "agent" | "task" | "profile" | "plan" | "leader";

export function isSafeId(value: unknown): value is string {
  return typeof value === "string" && SAFE_ID_PATTERN.test(value);
}

/** The one wording of the safe-id rule, shared by `assertSafeId` and the spec and role-doc validators. */
export function invalidIdMessage(kind: IdKind, value: unknown): string {
  return `invalid ${kind} id ${shownValue(value)}: use 1-64 characters from A-Z a-z 0-9 _ -, starting with a letter or digit`;
}

function shownValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // bigint, cycles
  }
}

/** Throws a ValidationError naming the kind and the rule when `value` is not a safe id. */
export function assertSafeId(kind: IdKind, value: unknown, pointer = ""): string {
  if (isSafeId(value)) return value;
  const message = invalidIdMessage(kind, value);
  throw new ValidationError(message, [{ pointer, message }], {
    code: "invalid_id",
    action: `Choose a ${kind} id like "${kind === "team" ? "alpha" : "dev-1"}" and retry.`,
  });
}

function hex12(): string {
  return randomBytes(6).toString("hex");
}

export const newMessageId = (): string => `msg_${hex12()}`;
export const newResultId = (): string => `res_${hex12()}`;
export const newWatcherId = (): string => `watch_${hex12()}`;

/**
 * Folder-safe form of a free team name (original rule): characters outside `[A-Za-z0-9_.-]` become `_`,
 * outer `._-` are stripped, and an empty result becomes `team`.
 */
export function sanitizeTeamFolderName(name: string): string {
  const replaced = name.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^[._-]+|[._-]+$/g, "");
  return replaced === "" ? "team" : replaced;
}
