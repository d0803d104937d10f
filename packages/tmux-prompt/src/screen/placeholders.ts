/**
 * Paste placeholders (spec 2.6): a CLI that collapses a long paste into `[Pasted text #1 +30 lines]` or
 * `[Pasted Content 1200 chars]` shows it in its input box until the paste is submitted. Delivery uses a NEW
 * placeholder as proof the paste arrived, and its disappearance as proof the submit key worked.
 */
import { lastNonBlankLines } from "./normalise.js";
import { type CompiledSignatures, compileSignatures } from "./signatures.js";
import type { ScreenSignatures } from "./types.js";

/** How many trailing non-blank lines may hold the placeholder. */
export const PLACEHOLDER_TAIL = 12;

const GLYPH_START_RE = /^[›❯>]/u;
const PLACEHOLDER_END_RE = /(?:chars|line|lines)\]$/iu;

/**
 * Placeholders in `tail` (trimmed non-blank lines, oldest first), in screen order, repeats kept. Empty unless
 * the tail looks like an input box: the last line holds the placeholder or ends like one, or a tail line starts
 * with a cursor glyph or is a provider's input prompt.
 */
export function placeholdersInTail(tail: readonly string[], sets: readonly CompiledSignatures[]): string[] {
  if (tail.length === 0) return [];
  let any = false;
  for (const set of sets) if (set.placeholder.length > 0) any = true;
  if (!any) return [];
  const joined = tail.join(" ");
  const found: { index: number; text: string }[] = [];
  for (const set of sets) {
    for (const re of set.placeholder) {
      re.lastIndex = 0;
      for (let m = re.exec(joined); m !== null; m = re.exec(joined)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        found.push({ index: m.index, text: m[0] });
      }
      re.lastIndex = 0;
    }
  }
  if (found.length === 0 || !looksLikePrompt(tail, sets, found)) return [];
  found.sort((a, b) => a.index - b.index);
  // Two signature sets may describe the same placeholder; keep one per position.
  const out: string[] = [];
  let lastIndex = -1;
  for (const f of found) {
    if (f.index === lastIndex) continue;
    out.push(f.text);
    lastIndex = f.index;
  }
  return out;
}

function looksLikePrompt(
  tail: readonly string[],
  sets: readonly CompiledSignatures[],
  found: readonly { text: string }[],
): boolean {
  const last = tail[tail.length - 1] ?? "";
  if (PLACEHOLDER_END_RE.test(last)) return true;
  for (const f of found) if (last.includes(f.text)) return true;
  for (const line of tail) {
    if (GLYPH_START_RE.test(line)) return true;
    for (const set of sets) for (const re of set.inputPrompt) if (re.test(line)) return true;
  }
  return false;
}

/**
 * The paste placeholders shown in the last 12 non-blank lines of `capture` (spec 2.6), in screen order with
 * repeats, or an empty list when there is none or the screen does not look like an input box.
 */
export function findPastePlaceholders(
  capture: string,
  signatures: ScreenSignatures | readonly ScreenSignatures[],
): string[] {
  const tail = lastNonBlankLines(capture, PLACEHOLDER_TAIL).map((line) => line.trim());
  return placeholdersInTail(tail, compileSignatures(signatures));
}

/**
 * Placeholders in `after` that `before` did not already show (multiset difference, so a second identical
 * placeholder counts as new). A placeholder already on screen before a paste proves nothing.
 */
export function newPlaceholders(before: readonly string[], after: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const p of before) remaining.set(p, (remaining.get(p) ?? 0) + 1);
  const out: string[] = [];
  for (const p of after) {
    const n = remaining.get(p) ?? 0;
    if (n > 0) remaining.set(p, n - 1);
    else out.push(p);
  }
  return out;
}
