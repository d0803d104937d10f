/**
 * What on a pane's screen proves a paste arrived, and later that it was submitted. Pure functions over captures.
 *
 * Counts, not presence: a capture includes history, and an earlier paste or echo of the same message may already
 * be on it, so a paste is proven by the evidence INCREASING against the baseline taken just before it.
 */
import { compact, strongFragments } from "../screen/fragments.js";
import { unboxed } from "../screen/lines.js";
import { splitLines, stripAnsi } from "../screen/normalise.js";
import { findPastePlaceholders, newPlaceholders } from "../screen/placeholders.js";
import { compileSignatures } from "../screen/signatures.js";
import type { ScreenSignatures } from "../screen/types.js";
import { tokenLine } from "./render.js";

const PROMPT_GLYPH_RE = /^[›❯>](?:\s|$)/u;
/** A short message with no token and no strong line is still recognisable in the input box by its whole text. */
const WHOLE_TEXT_PROBE_MAX = 72;

export type Signatures = ScreenSignatures | readonly ScreenSignatures[];

export interface Probes {
  /** `[team-agent-token:<id>]`, compacted. */
  token?: string;
  fragments: string[];
  /** Everything that may identify the text in the input box (token, fragments, or the short text itself). */
  inputProbes: string[];
}

export interface Evidence {
  tokenCount: number;
  fragmentCount: number;
  placeholders: string[];
}

export type VisibleVerification =
  | "capture_contains_token"
  | "capture_contains_message_fragment"
  | "capture_contains_new_pasted_content_prompt";

function countOf(haystack: string, needle: string): number {
  if (needle.length === 0) return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

export function probesFor(text: string, token: string | undefined): Probes {
  const fragments = strongFragments(text);
  const tokenProbe = token ? compact(tokenLine(token)) : undefined;
  const inputProbes = [...(tokenProbe ? [tokenProbe] : []), ...fragments];
  const whole = compact(text);
  if (inputProbes.length === 0 && whole.length > 0 && Array.from(whole).length <= WHOLE_TEXT_PROBE_MAX) {
    inputProbes.push(whole);
  }
  return { ...(tokenProbe ? { token: tokenProbe } : {}), fragments, inputProbes };
}

export function readEvidence(capture: string, probes: Probes, signatures: Signatures): Evidence {
  const flat = compact(stripAnsi(capture));
  let fragmentCount = 0;
  for (const fragment of probes.fragments) fragmentCount = Math.max(fragmentCount, countOf(flat, fragment));
  return {
    tokenCount: probes.token ? countOf(flat, probes.token) : 0,
    fragmentCount,
    placeholders: findPastePlaceholders(capture, signatures),
  };
}

/** How `after` proves a paste that `before` (the baseline) did not show, or undefined. */
export function proofOfPaste(
  before: Evidence,
  after: Evidence,
): { verification: VisibleVerification; placeholder?: string } | undefined {
  if (after.tokenCount > before.tokenCount) return { verification: "capture_contains_token" };
  if (after.fragmentCount > before.fragmentCount) return { verification: "capture_contains_message_fragment" };
  const fresh = newPlaceholders(before.placeholders, after.placeholders);
  const placeholder = fresh[fresh.length - 1];
  if (placeholder !== undefined) return { verification: "capture_contains_new_pasted_content_prompt", placeholder };
  return undefined;
}

/**
 * The input box: from the bottom-most line that starts with a prompt glyph (or is a provider's input prompt) to
 * the end of the capture. Undefined when the screen shows no prompt at all.
 */
export function inputRegion(capture: string, signatures: Signatures): string | undefined {
  const lines = splitLines(capture).map((line) => stripAnsi(line));
  const prompts = compileSignatures(signatures).flatMap((set) => set.inputPrompt);
  for (let index = lines.length - 1; index >= 0; index--) {
    const inner = unboxed(lines[index] ?? "").trim();
    if (PROMPT_GLYPH_RE.test(inner) || prompts.some((re) => re.test(inner))) return lines.slice(index).join("\n");
  }
  return undefined;
}

/** Which of the probes the input box currently holds. */
export function probesInInput(capture: string, probes: Probes, signatures: Signatures): string[] | undefined {
  const region = inputRegion(capture, signatures);
  if (region === undefined) return undefined;
  const flat = compact(region);
  return probes.inputProbes.filter((probe) => flat.includes(probe));
}

/** How many times `placeholder` shows in the input box's tail. */
export function placeholderCount(capture: string, placeholder: string, signatures: Signatures): number {
  return findPastePlaceholders(capture, signatures).filter((p) => p === placeholder).length;
}
