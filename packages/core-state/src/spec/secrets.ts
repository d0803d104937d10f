/**
 * Heuristic detection of credentials pasted into role docs (body or front matter). It reports which rule fired
 * and on which line, never the matched text.
 *
 * Rules:
 * - an assignment (`KEY=value`, `KEY: value`) whose key, lower-cased with non-alphanumerics removed, contains
 *   apikey|token|secret|password|passwd|credential, with a value that starts with `sk-` or is ≥ 8 token
 *   characters and not a plain lower-case (hyphenated) word — `token: refreshed` is prose, `token: a1B2c3d4` is not;
 * - `Bearer` followed by ≥ 16 token characters;
 * - any `sk-` word with ≥ 8 characters after the dash;
 * - a whitespace-free run of ≥ 32 characters from `[A-Za-z0-9+/=_-]` that looks random (`looksRandom`).
 * The last rule consciously fixes the original's false positive on long paths and identifiers: the original
 * flagged every such run, so `/usr/local/share/some/very/long/path/name` counted as a secret.
 */

export type SecretRule = "assignment" | "bearer" | "sk_key" | "random_run";

export interface SecretHit {
  rule: SecretRule;
  /** 1-based line within the scanned text. */
  line: number;
}

const SECRET_KEY_WORDS = ["apikey", "token", "secret", "password", "passwd", "credential"];
const ASSIGNMENT = /([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9+/=_.~-]+)/g;
const BEARER = /\bBearer[ \t]+[A-Za-z0-9._~+/=-]{16,}/i;
const SK_KEY = /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{8,}/;
const LONG_RUN = /[A-Za-z0-9+/=_-]{32,}/g;
const HEX_RUN = /^[0-9a-f]{32,}$/i;
const PLAIN_WORDS = /^[a-z]+(?:-[a-z]+)*$/;

export function findProbableSecret(text: string): SecretHit | undefined {
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    const rule = secretRuleOnLine(line);
    if (rule !== undefined) return { rule, line: index + 1 };
  }
  return undefined;
}

function secretRuleOnLine(line: string): SecretRule | undefined {
  for (const match of line.matchAll(ASSIGNMENT)) {
    const key = (match[1] ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");
    const value = match[2] ?? "";
    if (SECRET_KEY_WORDS.some((word) => key.includes(word)) && secretLikeValue(value)) return "assignment";
  }
  if (BEARER.test(line)) return "bearer";
  if (SK_KEY.test(line)) return "sk_key";
  for (const match of line.matchAll(LONG_RUN)) if (looksRandom(match[0])) return "random_run";
  return undefined;
}

function secretLikeValue(value: string): boolean {
  return value.startsWith("sk-") || (value.length >= 8 && !PLAIN_WORDS.test(value));
}

/**
 * Random tokens switch character class (lower / upper / digit) between neighbouring letters and digits about half
 * the time (base62 ≈ 0.62, lower-case hex ≈ 0.47); words and paths almost never, CamelCase about once per word
 * boundary (≈ 0.3). A run counts as random when it has ≥ 24 letters/digits and its switch rate is ≥ 0.45, or
 * ≥ 0.30 when it contains a digit. An unbroken hex string of ≥ 32 characters mixing digits and letters (a digest
 * or key) always counts.
 */
export function looksRandom(run: string): boolean {
  let alphanumerics = 0;
  let pairs = 0;
  let switches = 0;
  for (const segment of run.split(/[^A-Za-z0-9]+/)) {
    alphanumerics += segment.length;
    for (let index = 1; index < segment.length; index += 1) {
      pairs += 1;
      if (charClass(segment[index - 1] as string) !== charClass(segment[index] as string)) switches += 1;
    }
  }
  if (HEX_RUN.test(run) && /\d/.test(run) && /[a-f]/i.test(run)) return true;
  if (alphanumerics < 24 || pairs === 0) return false;
  const rate = switches / pairs;
  return rate >= 0.45 || (rate >= 0.3 && /\d/.test(run));
}

function charClass(char: string): number {
  if (char >= "0" && char <= "9") return 0;
  return char >= "a" && char <= "z" ? 1 : 2;
}
