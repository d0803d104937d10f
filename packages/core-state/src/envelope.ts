import { type ErrorDetails, toErrorDetails, ValidationError } from "./errors.js";

/**
 * D7: every JSON-emitting command prints exactly one of these. Data fields sit beside the fixed keys so a reader
 * can do `jq .agents` without unwrapping.
 */
export type ResultEnvelope<Data extends object = Record<string, never>> = {
  ok: boolean;
  summary: string;
  next_actions: string[];
  error?: ErrorDetails;
} & Data;

const RESERVED_KEYS = new Set(["ok", "summary", "next_actions", "error"]);

function assertNoReservedKeys(data: object): void {
  for (const key of Object.keys(data)) {
    if (RESERVED_KEYS.has(key)) throw new TypeError(`result envelope data may not use the reserved key "${key}"`);
  }
}

export function success<Data extends object>(
  summary: string,
  data: Data = {} as Data,
  nextActions: string[] = [],
): ResultEnvelope<Data> {
  assertNoReservedKeys(data);
  return { ok: true, summary, ...data, next_actions: nextActions };
}

export function failure<Data extends object>(
  error: unknown,
  data: Data = {} as Data,
  options: { summary?: string; nextActions?: string[] } = {},
): ResultEnvelope<Data> {
  assertNoReservedKeys(data);
  const details = toErrorDetails(error);
  return {
    ok: false,
    summary: options.summary ?? details.message,
    ...data,
    next_actions: options.nextActions ?? [details.action],
    error: details,
  };
}

/** D7 exit codes: 0 success, 1 failed operation, 2 usage error. */
export function exitCodeFor(envelope: Pick<ResultEnvelope, "ok" | "error">): 0 | 1 | 2 {
  if (envelope.ok) return 0;
  return envelope.error?.code === "usage_error" ? 2 : 1;
}

export function usageError(message: string, action: string): ValidationError {
  return new ValidationError(message, [], { code: "usage_error", action });
}
