/**
 * Leader API errors (spec 03 §1.6): spot an upstream API failure (overload, rate limit, 5xx, timeout) in the
 * leader's pane so the daemon can write `leader.api_error`. Observe only; retrying is the CLI's business.
 *
 * An error keyword alone is not enough ("503" in prose, a URL path): it must share a window with an API marker.
 * Windows span 1–3 adjacent pane lines because the CLIs wrap long errors ("claude:" / "request timed out").
 */

export type LeaderApiErrorClass = "Overloaded" | "RateLimit" | "NetworkError" | "Timeout";

export interface LeaderApiErrorScan {
  errorClass: LeaderApiErrorClass;
  /** The matching window's first 240 characters. */
  snippet: string;
  /** `<class>::<last 120 chars of the snippet>`: the same error seen again on the next tick is not news. */
  fingerprint: string;
}

export interface LeaderApiErrorDecision {
  emit: boolean;
  /** What to store as the last fingerprint (`null` after a clean scan). */
  fingerprint: string | null;
}

const SCANNED_LINES = 100;
const MAX_WINDOW_LINES = 3;
const WINDOW_CHARS = 400;
const SNIPPET_CHARS = 240;
const FINGERPRINT_TAIL_CHARS = 120;

const MARKER = String.raw`(?:API\s+Error|HTTP\s*Error|HTTPError|request\s+failed|codex|claude|Anthropic|OpenAI|TypeError)`;
const SERVER_ERROR = String.raw`\b50[0234]\b`;
const FETCH_FAILED = String.raw`fetch\s+failed`;
const TIMED_OUT = String.raw`(?:request|connection)\s+(?:timed\s+out|timeout)`;

/** `keyword` within 200 characters of a marker, on either side. */
function nearMarker(keyword: string): RegExp {
  return new RegExp(`${MARKER}.{0,200}${keyword}|${keyword}.{0,200}${MARKER}`, "i");
}

/**
 * Checked in this order; a window takes the first class that matches. Beyond the original's list, HTTP 529 after a
 * marker counts as Overloaded: that is how Claude Code reports it today ("API Error: 529 {…overloaded_error…}"),
 * which the original's 5xx set (500/502/503/504) let through unclassified.
 */
const CLASS_PATTERNS: ReadonlyArray<readonly [LeaderApiErrorClass, RegExp]> = [
  ["Overloaded", new RegExp(String.raw`API\s+Error:\s*Overloaded|${MARKER}.*\b529\b`, "i")],
  ["RateLimit", new RegExp(String.raw`${MARKER}.*\b429\b|\b429\s+Too\s+Many\s+Requests`, "i")],
  ["NetworkError", nearMarker(SERVER_ERROR)],
  ["NetworkError", nearMarker(FETCH_FAILED)],
  ["Timeout", nearMarker(TIMED_OUT)],
  ["Timeout", /\bETIMEDOUT\b/i],
];

function classify(window: string): LeaderApiErrorClass | null {
  for (const [errorClass, pattern] of CLASS_PATTERNS) if (pattern.test(window)) return errorClass;
  return null;
}

/** Code-point-safe head and tail, so a cut never splits an emoji or other astral character in two. */
function firstChars(text: string, count: number): string {
  if (text.length <= count) return text;
  return Array.from(text).slice(0, count).join("");
}

function lastChars(text: string, count: number): string {
  if (text.length <= count) return text;
  const points = Array.from(text);
  return points.length <= count ? text : points.slice(-count).join("");
}

/**
 * Scans the last 100 lines of the leader pane. Every run of 1–3 adjacent lines is one window (blank lines are left
 * out of the join), cut to its last 400 characters so a long wrapped line keeps the part nearest the error.
 * The window that starts latest wins (the freshest error); at the same start the shortest window wins.
 */
export function scanLeaderApiErrors(paneText: string): LeaderApiErrorScan | null {
  const lines = paneText
    .split(/\r?\n/)
    .slice(-SCANNED_LINES)
    .map((line) => line.trim());
  for (let start = lines.length - 1; start >= 0; start--) {
    for (let size = 1; size <= MAX_WINDOW_LINES && start + size <= lines.length; size++) {
      const joined = lines
        .slice(start, start + size)
        .filter((line) => line !== "")
        .join(" ");
      if (joined === "") continue;
      const window = lastChars(joined, WINDOW_CHARS);
      const errorClass = classify(window);
      if (errorClass === null) continue;
      const snippet = firstChars(window, SNIPPET_CHARS);
      return { errorClass, snippet, fingerprint: `${errorClass}::${lastChars(snippet, FINGERPRINT_TAIL_CHARS)}` };
    }
  }
  return null;
}

/** One event per distinct error: the same fingerprint again stays quiet, and a clean scan re-arms the detector. */
export function decideLeaderApiErrorEvent(
  scan: LeaderApiErrorScan | null,
  previousFingerprint: string | null | undefined,
): LeaderApiErrorDecision {
  if (scan === null) return { emit: false, fingerprint: null };
  return { emit: scan.fingerprint !== previousFingerprint, fingerprint: scan.fingerprint };
}
