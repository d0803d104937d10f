/**
 * Every time the monitor stores is a wall-clock ISO string (D1): the coordinator, the CLI and the MCP servers
 * all read and write the same monitor state, and a monotonic reading from one process means nothing to another.
 */
import { normalizeIso, ValidationError } from "@team-agent/core-state";

/** Canonical form of a caller-supplied time; a bad one is a programming error, so it throws. */
export function requireIso(value: unknown, field: string): string {
  try {
    if (typeof value !== "string") throw new RangeError("not a string");
    return normalizeIso(value);
  } catch (cause) {
    throw new ValidationError(
      `${field} must be an ISO-8601 timestamp with a time zone, got ${JSON.stringify(value)}`,
      [{ pointer: `/${field}`, message: "expected an ISO-8601 timestamp with a time zone" }],
      {
        code: "invalid_timestamp",
        action: `Pass ${field} as an ISO-8601 UTC string such as 2026-05-01T10:00:00.000Z.`,
        cause,
      },
    );
  }
}

/** Canonical form of a stored time, or null when it is missing or unusable (e.g. a monotonic float). */
export function storedIso(value: unknown): string | null {
  if (typeof value !== "string") return null;
  try {
    return normalizeIso(value);
  } catch {
    return null;
  }
}

export function isoMillis(iso: string): number {
  return Date.parse(iso);
}
