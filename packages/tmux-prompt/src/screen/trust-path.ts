/**
 * Reads the folder path a workspace-trust screen asks about. The path is reported as shown: it may be elided
 * (`…`/`...`), cut at the right edge, or wrapped over several lines in a narrow pane (wrapped pieces are joined
 * here). Deciding whether it names our workspace is the trust policy's job, not this module's.
 */
import { codePointLength } from "./lines.js";

// A run starting with `/` or `~/`, made of word characters and `-./~+@…` (spec 4.3). The look-behind keeps URL
// pieces (`https://host/x`) and path tails inside words from counting as paths.
const PATH_TOKEN_RE = /(?<![\p{L}\p{N}_:/.~\-+@…])~?\/[\p{L}\p{N}_\-./~+@…]*/gu;
const PATH_PIECE_RE = /^[\p{L}\p{N}_\-./~+@…]+$/u;
const LEADING_GLYPHS_RE = /^[▌▎│┃║]+/u;
const INDENT_RE = /^\s*/u;

/** How far above the trust sentence the path may be printed (a wrapped path takes several lines). */
const LOOK_ABOVE = 6;
/** A wrapped line fills the pane except for the TUI's margins; allow this many columns of margin. */
const WRAP_MARGIN = 8;

export interface TrustPath {
  path: string;
  /** The path's line reaches the pane's right edge (so the path may be cut there); only with a known width. */
  atRightEdge: boolean;
}

/** Trimmed line without leading box glyphs (how spec 4.3 measures a path line). */
export function cleanedLine(line: string): string {
  return line.trim().replace(LEADING_GLYPHS_RE, "").trim();
}

function indentOf(line: string): number {
  return INDENT_RE.exec(line)?.[0].length ?? 0;
}

/**
 * A path broken by the pane width continues on the next line when that line is one run of path characters at
 * the same indentation, no longer than the line before it, and (with a known width) the line before reaches
 * close to the right edge.
 */
function continues(prev: string, next: string | undefined, paneWidth: number | undefined): boolean {
  if (next === undefined) return false;
  const piece = next.trim();
  if (piece.length === 0 || !PATH_PIECE_RE.test(piece)) return false;
  if (indentOf(prev) !== indentOf(next)) return false;
  if (codePointLength(piece) > codePointLength(prev.trim())) return false;
  if (paneWidth !== undefined && paneWidth > 0 && codePointLength(prev) < paneWidth - WRAP_MARGIN) return false;
  return true;
}

/** Strips a trailing `/`, and a sentence's full stop (but never the dots of an ellipsis). */
function tidy(token: string): string {
  let t = token;
  if (t.endsWith(".") && !t.endsWith("..")) t = t.slice(0, -1);
  while (t.length > 1 && t.endsWith("/")) t = t.slice(0, -1);
  return t;
}

/**
 * The path nearest to the trust sentence (line `trustLine`), searched from a few lines above it down to the
 * menu (`endLine`, exclusive). Returns undefined when the screen shows no path.
 */
export function extractTrustPath(
  window: readonly string[],
  trustLine: number,
  endLine: number,
  paneWidth?: number,
): TrustPath | undefined {
  const from = Math.max(0, trustLine - LOOK_ABOVE);
  const to = Math.min(window.length, endLine > trustLine ? endLine : window.length);
  let best: { line: number; token: string; distance: number } | undefined;
  for (let i = from; i < to; i++) {
    const line = window[i] ?? "";
    if (!line.includes("/")) continue;
    PATH_TOKEN_RE.lastIndex = 0;
    for (let m = PATH_TOKEN_RE.exec(line); m !== null; m = PATH_TOKEN_RE.exec(line)) {
      if (m[0].length < 2) continue;
      const distance = Math.abs(i - trustLine);
      // Nearest wins; on a tie the line above (Codex prints the path before the question).
      if (best === undefined || distance < best.distance) best = { line: i, token: m[0], distance };
    }
  }
  PATH_TOKEN_RE.lastIndex = 0;
  if (best === undefined) return undefined;

  let path = best.token;
  let lastLine = best.line;
  const tokenEndsLine = cleanedLine(window[best.line] ?? "").endsWith(best.token);
  if (tokenEndsLine) {
    while (continues(window[lastLine] ?? "", window[lastLine + 1], paneWidth)) {
      lastLine++;
      path += (window[lastLine] ?? "").trim();
    }
  }
  const shownLine = cleanedLine(window[lastLine] ?? "");
  const atRightEdge =
    paneWidth !== undefined &&
    paneWidth > 0 &&
    lastLine === best.line &&
    tokenEndsLine &&
    codePointLength(shownLine) >= paneWidth - 1;
  return { path: tidy(path), atRightEdge };
}
