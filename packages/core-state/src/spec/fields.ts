/**
 * Zod field builders whose issues already carry the original validator's messages (`must be a string`,
 * `missing required field`, `unknown provider 'x'`, ...), so every schema built from them reports the same words.
 */
import { z } from "zod";
import { invalidIdMessage, isSafeId } from "../ids.js";

export const MISSING_FIELD = "missing required field";
export const UNKNOWN_FIELD = "unknown field";

type RawIssue = { code?: string; input?: unknown };

/**
 * Error map for one field: a missing key (input `undefined` — YAML and JSON cannot produce that value) reads
 * `missing required field`, a strict object's extra keys read `unknown field`, anything else reads `message`.
 */
export function fieldError(message: string | ((input: unknown) => string)) {
  return (issue: RawIssue): string => {
    if (issue.code === "unrecognized_keys") return UNKNOWN_FIELD;
    if (issue.input === undefined) return MISSING_FIELD;
    return typeof message === "string" ? message : message(issue.input);
  };
}

export function quoted(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}

export const str = () => z.string({ error: fieldError("must be a string") });
export const nonEmptyStr = () => str().min(1, { error: "must not be empty" });
export const nullableStr = () => z.string({ error: fieldError("must be a string or null") }).nullable();
export const bool = () => z.boolean({ error: fieldError("must be a boolean") });

export const int = (minimum?: number) => {
  const base = z.number({ error: fieldError("must be an integer") }).int({ error: "must be an integer" });
  return minimum === undefined ? base : base.min(minimum, { error: `must be >= ${minimum}` });
};

/** Seconds-like settings: YAML 1.2 gives us floats, so fractions are allowed. */
export const positiveNumber = () =>
  z.number({ error: fieldError("must be a number") }).positive({ error: "must be greater than 0" });
export const nonNegativeNumber = () =>
  z.number({ error: fieldError("must be a number") }).nonnegative({ error: "must be >= 0" });

export const list = <T extends z.ZodType>(element: T) => z.array(element, { error: fieldError("must be a list") });

export const strictObj = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject(shape, { error: fieldError("must be an object") });

/** A free-form map (routing `match`, `provider_models`): any keys, but it must be a map. */
export const anyMap = () => z.record(z.string(), z.unknown(), { error: fieldError("must be an object") });

/** Present but not checked (the original only requires the key). */
export const anyValue = () => z.unknown();

/** `<described> (expected one of: a, b)`: the wording of every closed-set field, in schemas and role docs alike. */
export function notOneOfMessage(values: readonly string[], described: string): string {
  return `${described} (expected one of: ${values.join(", ")})`;
}

/** Enum whose message names the field and the allowed values, e.g. `invalid mode 'x' (expected one of: a, b)`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, describe: (input: unknown) => string) {
  return z.enum(values, { error: fieldError((input) => notOneOfMessage(values, describe(input))) });
}

export function equals<const T extends string | number>(value: T) {
  return z.literal(value, { error: fieldError(`must equal ${value}`) });
}

export type SafeIdKind = "agent" | "task" | "leader" | "profile";

/** D8: ids that end up in paths, tmux targets or SQL must be safe ids. */
export const safeId = (kind: SafeIdKind) =>
  str().refine(isSafeId, { error: (issue) => invalidIdMessage(kind, issue.input) });
