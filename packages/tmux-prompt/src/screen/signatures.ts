/**
 * Prepares provider signature sets for repeated use. The classifier runs on every coordinator tick, so each
 * set is compiled once (cached per object): regexes get the flags the matcher needs, stateful `g`/`y` flags
 * from callers are removed so `test()` never depends on a previous call.
 */
import type { ClassifyOptions, ScreenSignatures } from "./types.js";

export interface CompiledNotice {
  kind: string;
  re: RegExp;
}

export interface CompiledSignatures {
  provider: string | undefined;
  /** Matched against the lower-cased window joined with `\n`; global copies so every match can be walked. */
  trust: readonly RegExp[];
  auth: readonly RegExp[];
  compaction: readonly RegExp[];
  /** Line patterns (tested on each window line without box edges). */
  busy: readonly RegExp[];
  inputPrompt: readonly RegExp[];
  notices: readonly CompiledNotice[];
  /** Global copies, matched against the last 12 trimmed lines joined by spaces. */
  placeholder: readonly RegExp[];
}

const EMPTY: readonly CompiledSignatures[] = [];
const compiledSets = new WeakMap<ScreenSignatures, CompiledSignatures>();
// Keyed by the caller's object: one signature set, or an array of them.
const compiledLists = new WeakMap<object, readonly CompiledSignatures[]>();

function withFlags(re: RegExp, global: boolean, ignoreCase = false): RegExp {
  let flags = re.flags.replace(/[gy]/g, "");
  if (global) flags += "g";
  if (ignoreCase && !flags.includes("i")) flags += "i";
  return flags === re.flags ? re : new RegExp(re.source, flags);
}

function compileOne(sig: ScreenSignatures): CompiledSignatures {
  let compiled = compiledSets.get(sig);
  if (compiled) return compiled;
  const many = (list: readonly RegExp[] | undefined, global: boolean, ignoreCase = false) =>
    (list ?? []).map((re) => withFlags(re, global, ignoreCase));
  // Screen-wide signatures are matched against the lower-cased window; `i` keeps a capitalised pattern working.
  compiled = {
    provider: sig.provider,
    trust: many(sig.trustPrompt, true, true),
    auth: many(sig.authRequired, true, true),
    compaction: many(sig.compactionWarning, true, true),
    busy: many(sig.busy, false),
    inputPrompt: many(sig.inputPrompt, false),
    notices: (sig.notices ?? []).map((n) => ({ kind: n.kind, re: withFlags(n.pattern, false) })),
    placeholder: many(sig.pastePlaceholder, true),
  };
  compiledSets.set(sig, compiled);
  return compiled;
}

/**
 * The signature sets of `options`, compiled. Cached per object, so pass the same (unchanging) objects on every
 * tick; a changed object must be a new object.
 */
export function compileSignatures(signatures: ClassifyOptions["signatures"]): readonly CompiledSignatures[] {
  if (signatures === undefined) return EMPTY;
  let compiled = compiledLists.get(signatures);
  if (!compiled) {
    compiled = Array.isArray(signatures)
      ? (signatures as readonly ScreenSignatures[]).map(compileOne)
      : [compileOne(signatures as ScreenSignatures)];
    compiledLists.set(signatures, compiled);
  }
  return compiled;
}

/** First match of a global regex in `text` (index and end), or undefined; resets `lastIndex`. */
export function firstMatch(re: RegExp, text: string): { index: number; end: number } | undefined {
  re.lastIndex = 0;
  const m = re.exec(text);
  re.lastIndex = 0;
  return m ? { index: m.index, end: m.index + m[0].length } : undefined;
}

/** Last match of a global regex in `text`, or undefined. Empty matches advance so the walk always ends. */
export function lastMatch(re: RegExp, text: string): { index: number; end: number } | undefined {
  let found: { index: number; end: number } | undefined;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    found = { index: m.index, end: m.index + m[0].length };
    if (m[0].length === 0) re.lastIndex++;
  }
  re.lastIndex = 0;
  return found;
}
