/**
 * Proof that a pasted message is on screen (spec 3.3): the delivery token, or a "strong" fragment of the
 * message. Comparisons ignore all whitespace, because the pane re-wraps long lines and indents them.
 */
import { stripAnsi } from "./normalise.js";

const TOKEN_MARKER_RE = /\[team-agent-token:[^\]]*\]/gu;
const WHITESPACE_RE = /\s+/gu;
const GENERIC_PREFIXES = [
  "Team Agent message from",
  "Team Agent peer message from",
  "Team Agent stored this result",
  "Team Agent has collected this result",
  "No manual polling",
].map((p) => p.replace(/\s+/g, ""));
const PUNCTUATION_ONLY_RE = /^[-:：>›❯]+$/u;
const ID_RE = /(?:msg|res)_[0-9a-f]{8,}/iu;
const CJK_RE = /[\u4e00-\u9fff]/gu;
const PROBE = 36;
const WHOLE_LINE_MAX = 72;

/** The text without any whitespace (how captures and probes are compared: the pane re-wraps and indents). */
export function compact(text: string): string {
  return text.replace(WHITESPACE_RE, "");
}

function isStrong(line: string, length: number): boolean {
  if (ID_RE.test(line)) return true;
  if (length >= 6 && (line.match(CJK_RE)?.length ?? 0) >= 4) return true;
  return length >= 18;
}

/**
 * The probes that prove `expectedText` is visible: each strong line (ids, ≥ 4 CJK ideographs, or ≥ 18
 * characters once whitespace is removed), whole when ≤ 72 characters, else three 36-character probes (head,
 * middle, tail). The header and the fixed Team Agent sentences never count: an old message's header on screen
 * must not prove a new paste.
 */
export function strongFragments(expectedText: string): string[] {
  const lines = expectedText.replace(TOKEN_MARKER_RE, "").split(/\r\n|\n|\r/u);
  if (lines[0]?.startsWith("Team Agent message from ")) lines.shift();
  const out = new Set<string>();
  for (const raw of lines) {
    const line = compact(raw);
    if (line.length === 0) continue;
    if (PUNCTUATION_ONLY_RE.test(line)) continue;
    if (GENERIC_PREFIXES.some((p) => line.startsWith(p))) continue;
    const chars = Array.from(line); // code points, as Python counts them
    if (!isStrong(line, chars.length)) continue;
    if (chars.length <= WHOLE_LINE_MAX) {
      out.add(line);
      continue;
    }
    const mid = Math.floor((chars.length - PROBE) / 2);
    out.add(chars.slice(0, PROBE).join(""));
    out.add(chars.slice(mid, mid + PROBE).join(""));
    out.add(chars.slice(chars.length - PROBE).join(""));
  }
  return [...out];
}

/** Whether any probe (from `strongFragments`) occurs in the capture once whitespace and ANSI codes are removed. */
export function captureContainsFragment(capture: string, fragments: readonly string[]): boolean {
  if (fragments.length === 0) return false;
  const flat = compact(stripAnsi(capture));
  return fragments.some((f) => f.length > 0 && flat.includes(f));
}

/**
 * Whether the delivery token (bare id or `[team-agent-token:<id>]`) is on screen. A token broken by the
 * pane's line wrap still counts (whitespace is ignored on the second look).
 */
export function containsToken(capture: string, token: string): boolean {
  const t = token.trim();
  if (t.length === 0) return false;
  const text = stripAnsi(capture);
  if (text.includes(t)) return true;
  return compact(text).includes(compact(t));
}
