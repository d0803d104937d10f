/**
 * Shapes of Codex transcript records. A rollout line is `{timestamp, type, payload}` (`session_meta`,
 * `turn_context`, `response_item`, `event_msg`, `compacted`, …); the app-server protocol (what a client of
 * `codex app-server` logs) is JSON-RPC: `{jsonrpc:"2.0", method, params}`. These helpers read fields without
 * trusting them: every accessor returns null for a missing or mistyped field.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** The payload of an `event_msg` rollout record, or null. */
export function eventPayload(record: Json): Json | null {
  return record.type === "event_msg" && isObject(record.payload) ? record.payload : null;
}

/** An app-server JSON-RPC message's method and params, or null. */
export function rpc(record: Json): { method: string; params: Json } | null {
  const method = str(record.method);
  if (method === null) return null;
  return { method, params: isObject(record.params) ? record.params : {} };
}

/**
 * The session meta of a rollout's first record: `{type:"session_meta", payload}` (current) or
 * `{session_meta: {payload}}` / `{session_meta: {...}}` (older releases).
 */
export function sessionMeta(record: Json): Json | null {
  if (record.type === "session_meta" && isObject(record.payload)) return record.payload;
  const nested = record.session_meta;
  if (!isObject(nested)) return null;
  return isObject(nested.payload) ? nested.payload : nested;
}

/** A turn error as both transcript forms carry it: `{message, codex_error_info}` / `{message, codexErrorInfo}`. */
export interface TurnError {
  message: string;
  /** The error category in snake_case (`internal_server_error`, `response_too_many_failed_attempts`, `other`). */
  category: string;
  httpStatus: number | null;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Reads an error object. The category is a string (`"other"`, `"rateLimitExceeded"`) or a one-key object
 * carrying details (`{"response_too_many_failed_attempts": {"http_status_code": 429}}`).
 */
export function turnError(value: unknown): TurnError | null {
  if (!isObject(value)) return null;
  const message = typeof value.message === "string" ? value.message : "";
  const info = value.codex_error_info ?? value.codexErrorInfo;
  let category = "unknown";
  let httpStatus: number | null = null;
  if (typeof info === "string" && info !== "") category = snake(info);
  else if (isObject(info)) {
    const [key] = Object.keys(info);
    if (key !== undefined) {
      category = snake(key);
      const detail = info[key];
      if (isObject(detail)) {
        const code = detail.http_status_code ?? detail.httpStatusCode;
        if (typeof code === "number") httpStatus = code;
      }
    }
  }
  if (message === "" && category === "unknown") return null;
  return { message, category, httpStatus };
}

const RATE_LIMIT_CATEGORIES = new Set([
  "rate_limit_exceeded",
  "usage_limit_exceeded",
  "usage_limit_reached",
  "quota_exceeded",
  "session_budget_exceeded",
]);

/** Whether an error is about limits (429s, quotas), not a broken request or server. */
export function isRateLimit(error: TurnError): boolean {
  return (
    RATE_LIMIT_CATEGORIES.has(error.category) ||
    error.httpStatus === 429 ||
    /\b429\b|rate.?limit|too many requests/i.test(error.message)
  );
}

/** The signature of an error fact or fault: the error's category, so equal causes dedupe. */
export function errorSignature(error: TurnError): string {
  return isRateLimit(error) ? "rate_limited" : "api_error";
}
