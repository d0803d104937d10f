import { randomUUID } from "node:crypto";

/** Claude Code session ids are UUIDs (`--session-id` refuses anything else); the check also keeps ids out of paths. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

export const newSessionId = (): string => randomUUID();
