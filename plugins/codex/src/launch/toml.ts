/**
 * TOML for Codex's `-c key=value` overrides. Codex parses the value as TOML and, when that fails, silently uses
 * the raw text as a string: a badly escaped prompt would not fail loudly, it would arrive mangled. So every
 * value is encoded here, completely, and keys are restricted to bare-key segments.
 */
import { ValidationError } from "@team-agent/core-state";

const BARE_KEY_RE = /^[A-Za-z0-9_-]+$/;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

function escapeChar(ch: string): string {
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined) return short;
  const code = ch.codePointAt(0) ?? 0;
  // TOML forbids raw control characters (U+0000–U+001F, U+007F) in basic strings.
  if (code < 0x20 || code === 0x7f) return `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
  // A lone surrogate is not a Unicode scalar value, so TOML cannot carry it; U+FFFD keeps the rest intact.
  if (code >= 0xd800 && code <= 0xdfff) return "\uFFFD";
  return ch;
}

// Iterating a string walks code points, so a valid surrogate pair stays one character.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const NEEDS_ESCAPE_RE = /["\\\u0000-\u001f\u007f\ud800-\udfff]/;

/** A TOML basic string (`"…"`) holding exactly `value`. */
export function tomlString(value: string): string {
  if (!NEEDS_ESCAPE_RE.test(value)) return `"${value}"`;
  let out = '"';
  for (const ch of value) out += escapeChar(ch);
  return `${out}"`;
}

/** A TOML array of basic strings. */
export function tomlStringArray(values: readonly string[]): string {
  return `[${values.map(tomlString).join(", ")}]`;
}

/** A TOML float; Codex's timeout keys are floats, and `600` would be read as an integer. */
export function tomlFloat(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Checks one dotted-path segment of a config key; quoted keys are not used because `-c` splits on dots. */
export function assertBareKey(segment: string, what: string): string {
  if (!BARE_KEY_RE.test(segment)) {
    throw new ValidationError(
      `${what} '${segment}' cannot be a Codex config key segment (allowed: letters, digits, '_' and '-')`,
      [],
      { code: "invalid_codex_config_key", action: `Rename the ${what} to use only letters, digits, '_' and '-'.` },
    );
  }
  return segment;
}

/** `-c` and its `key=value` argument, the key checked segment by segment. */
export function configOverride(key: string, encodedValue: string): [string, string] {
  for (const segment of key.split(".")) assertBareKey(segment, "config key segment");
  return ["-c", `${key}=${encodedValue}`];
}
