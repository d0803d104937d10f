/**
 * The pane-screen classifier: a pure function from a `capture-pane` text to what the pane is showing.
 *
 * Precedence (first match wins), after one override: a shell prompt that can only be a shell's
 * (`user@host:dir$`, root `#`) on the last line means the CLI exited, whatever dialog it left above.
 *   blocking: trust_prompt, auth_required, compaction_warning (provider signatures), press_enter, yes_no,
 *             numbered_menu (generic), cli_exited (loose `$`/`%` rule on the last line);
 *   then pasted_unsubmitted, busy, input_ready, else unknown.
 * Stale-before-ready: when the last input-ready line comes after the last blocking marker (trust sentence,
 * press-enter hint, `1.`/`2.` choice, highlighted choice, line of a numbered or unnumbered menu), the blocking
 * screen has scrolled away and none of the blocking kinds is reported (not even the loose cli_exited rule, as in
 * the original); `staleKind` says which one was seen. A numbered choice (any number) is never an input line.
 */
import {
  type CursorMenu,
  endsWithShellPrompt,
  findCursorMenu,
  findMenuStart,
  findNumberedMenu,
  hasYesNoPrompt,
  isLooseShellPrompt,
  menuOptions,
  type NumberedMenu,
  parseChoices,
} from "./generic.js";
import { type Choice, isGlyphPrompt, PRESS_ANY_KEY_RE, PRESS_ENTER_RE, unboxed } from "./lines.js";
import { screenWindow } from "./normalise.js";
import { PLACEHOLDER_TAIL, placeholdersInTail } from "./placeholders.js";
import { type CompiledSignatures, compileSignatures, firstMatch, lastMatch } from "./signatures.js";
import { extractTrustPath } from "./trust-path.js";
import type { ClassifyOptions, ScreenClassification, ScreenKind, ScreenNotice } from "./types.js";

/** Everything derived from the window once, shared by the rules. */
interface Scan {
  window: string[];
  /** Window lines without box edges (what line-shape rules look at). */
  inners: string[];
  lower: string;
  /** Offset of each line in `lower`. */
  starts: number[];
  choices: (Choice | undefined)[];
  /** The last numbered menu (options and their descriptions; none of its lines is an input line). */
  numberedMenu: NumberedMenu | undefined;
  /** An unnumbered menu (its lines are menu entries, not input lines). */
  cursorMenu: CursorMenu | undefined;
  lastReady: number;
  readyProvider: string | undefined;
  /** Last press-enter / press-any-key line, `1.`/`2.` or highlighted choice, or line of a menu. */
  lastLineMarker: number;
}

interface Hit {
  kind: ScreenKind;
  rule: string;
  provider?: string;
  /** Line where the matched text starts (trust: where the question is). */
  line?: number;
}

function lineAt(starts: readonly number[], offset: number): number {
  let line = 0;
  for (let i = 0; i < starts.length; i++) {
    if ((starts[i] ?? 0) <= offset) line = i;
    else break;
  }
  return line;
}

function scanWindow(window: string[], gapBefore: readonly boolean[], sets: readonly CompiledSignatures[]): Scan {
  const inners = window.map(unboxed);
  const choices = parseChoices(inners);
  const numberedMenu = findNumberedMenu(inners, choices);
  const cursorMenu = findCursorMenu(inners, choices, gapBefore);
  const inMenu = (i: number) =>
    (numberedMenu !== undefined && i >= numberedMenu.start && i <= numberedMenu.end) ||
    (cursorMenu !== undefined && i >= cursorMenu.start && i <= cursorMenu.end);
  const starts: number[] = new Array(window.length);
  const lowers: string[] = new Array(window.length);
  let offset = 0;
  let lastReady = -1;
  let readyProvider: string | undefined;
  let lastLineMarker = -1;
  for (let i = 0; i < window.length; i++) {
    const line = window[i] ?? "";
    const lower = line.toLowerCase();
    lowers[i] = lower;
    starts[i] = offset;
    offset += lower.length + 1;
    const choice = choices[i];
    const menuLine = inMenu(i);
    const marker =
      menuLine ||
      choice?.number === 1 ||
      choice?.number === 2 ||
      choice?.highlighted === true ||
      PRESS_ENTER_RE.test(lower) ||
      PRESS_ANY_KEY_RE.test(lower);
    if (marker) lastLineMarker = i;
    // A numbered choice of any number (`❯ 4. No` is a highlighted entry) and a menu's lines are never input lines.
    if (choice !== undefined || menuLine) continue;
    const inner = inners[i] ?? "";
    if (isGlyphPrompt(inner)) {
      lastReady = i;
      readyProvider = undefined;
      continue;
    }
    for (const set of sets) {
      if (set.inputPrompt.some((re) => re.test(inner))) {
        lastReady = i;
        readyProvider = set.provider;
        break;
      }
    }
  }
  return {
    window,
    inners,
    lower: lowers.join("\n"),
    starts,
    choices,
    numberedMenu,
    cursorMenu,
    lastReady,
    readyProvider,
    lastLineMarker,
  };
}

/**
 * Trust signatures: `anchor` is the last match of the first pattern (in signature order) that matches, so a
 * signature lists the question sentence before other phrases such as an option label; `end` is where the
 * latest match of any pattern ends (a stale-rule marker).
 */
function trustSignature(
  scan: Scan,
  sets: readonly CompiledSignatures[],
): { provider: string | undefined; anchor: number; end: number } | undefined {
  let found: { provider: string | undefined; anchor: number; end: number } | undefined;
  for (const set of sets) {
    for (const re of set.trust) {
      const m = lastMatch(re, scan.lower);
      if (!m) continue;
      if (found === undefined) found = { provider: set.provider, anchor: m.index, end: m.end };
      else if (m.end > found.end) found.end = m.end;
    }
  }
  return found;
}

function anySignature(
  scan: Scan,
  sets: readonly CompiledSignatures[],
  pick: (set: CompiledSignatures) => readonly RegExp[],
): { provider: string | undefined; index: number } | undefined {
  for (const set of sets) {
    for (const re of pick(set)) {
      const m = firstMatch(re, scan.lower);
      if (m) return { provider: set.provider, index: m.index };
    }
  }
  return undefined;
}

/** The first blocking screen in precedence order, and the last trust-sentence line (a stale marker too). */
function findBlocking(scan: Scan, sets: readonly CompiledSignatures[]): { hit?: Hit; trustMarker: number } {
  const trust = trustSignature(scan, sets);
  const trustMarker = trust ? lineAt(scan.starts, Math.max(trust.anchor, trust.end - 1)) : -1;
  if (trust) {
    const hit: Hit = { kind: "trust_prompt", rule: "signature_trust_prompt", line: lineAt(scan.starts, trust.anchor) };
    if (trust.provider !== undefined) hit.provider = trust.provider;
    return { hit, trustMarker };
  }
  const auth = anySignature(scan, sets, (s) => s.auth);
  if (auth) return { hit: withProvider({ kind: "auth_required", rule: "signature_auth_required" }, auth), trustMarker };
  const compaction = anySignature(scan, sets, (s) => s.compaction);
  if (compaction) {
    return {
      hit: withProvider({ kind: "compaction_warning", rule: "signature_compaction_warning" }, compaction),
      trustMarker,
    };
  }
  if (PRESS_ENTER_RE.test(scan.lower))
    return { hit: { kind: "press_enter", rule: "press_enter_to_continue" }, trustMarker };
  if (PRESS_ANY_KEY_RE.test(scan.lower)) return { hit: { kind: "press_enter", rule: "press_any_key" }, trustMarker };
  if (hasYesNoPrompt(scan.window)) return { hit: { kind: "yes_no", rule: "yes_no_hint" }, trustMarker };
  if (scan.numberedMenu) {
    return { hit: { kind: "numbered_menu", rule: "numbered_menu", line: scan.numberedMenu.start }, trustMarker };
  }
  if (scan.cursorMenu) return { hit: { kind: "numbered_menu", rule: "cursor_menu" }, trustMarker };
  return { trustMarker };
}

function withProvider(hit: Hit, match: { provider: string | undefined }): Hit {
  if (match.provider !== undefined) hit.provider = match.provider;
  return hit;
}

function collectNotices(window: readonly string[], sets: readonly CompiledSignatures[]): ScreenNotice[] {
  const notices: ScreenNotice[] = [];
  for (const set of sets) {
    for (const notice of set.notices) {
      for (const line of window) {
        if (!notice.re.test(line)) continue;
        if (!notices.some((n) => n.kind === notice.kind && n.line === line)) notices.push({ kind: notice.kind, line });
      }
    }
  }
  return notices;
}

/** The signature set whose busy pattern matches a window line, if any. */
function findBusy(inners: readonly string[], sets: readonly CompiledSignatures[]): CompiledSignatures | undefined {
  for (const set of sets) {
    if (set.busy.length === 0) continue;
    for (const inner of inners) if (set.busy.some((re) => re.test(inner))) return set;
  }
  return undefined;
}

function result(
  kind: ScreenKind,
  rule: string,
  window: string[],
  notices: ScreenNotice[],
  provider?: string,
): ScreenClassification {
  const out: ScreenClassification = { kind, notices, window, rule };
  if (provider !== undefined) out.provider = provider;
  return out;
}

/** Attaches the menu options (trust, auth and menu screens) and, for trust screens, the path shown. */
function decorate(out: ScreenClassification, scan: Scan, hit: Hit, paneWidth: number | undefined): void {
  let start = hit.kind === "numbered_menu" && hit.line !== undefined ? hit.line : findMenuStart(scan.choices);
  const options = menuOptions(scan.choices, start);
  if (options.length > 0) out.options = options;
  else if (scan.cursorMenu) {
    out.options = scan.cursorMenu.options;
    start = scan.cursorMenu.start;
  }
  if (hit.kind !== "trust_prompt") return;
  const trustLine = hit.line ?? 0;
  const menuEnd = start > trustLine ? start : scan.window.length;
  const found = extractTrustPath(scan.window, trustLine, menuEnd, paneWidth);
  if (found) {
    out.trustPath = found.path;
    if (found.atRightEdge) out.trustPathAtRightEdge = true;
  }
}

/**
 * Classifies a pane capture. Pass the same signature objects on every call: their compiled forms are cached.
 * `paneWidth` helps read a trust path cut or wrapped at the pane's edge.
 */
export function classifyScreen(capture: string, options: ClassifyOptions = {}): ScreenClassification {
  const sets = compileSignatures(options.signatures);
  const gapBefore: boolean[] = [];
  const window = screenWindow(capture, gapBefore);
  const notices = collectNotices(window, sets);
  if (window.length === 0) return result("unknown", "empty_screen", window, notices);

  // A CLI that exits leaves its last dialog on screen above the shell prompt: the bottom line decides.
  if (endsWithShellPrompt(window, gapBefore, options.paneWidth)) {
    return result("cli_exited", "shell_prompt_last_line", window, notices);
  }
  const last = window[window.length - 1] ?? "";

  const scan = scanWindow(window, gapBefore, sets);
  const { hit, trustMarker } = findBlocking(scan, sets);
  const lastMarker = Math.max(trustMarker, scan.lastLineMarker);
  const stale = lastMarker >= 0 && scan.lastReady > lastMarker;

  let staleKind: ScreenKind | undefined;
  if (hit && stale) {
    staleKind = hit.kind;
  } else if (hit) {
    const out = result(hit.kind, hit.rule, window, notices, hit.provider);
    decorate(out, scan, hit, options.paneWidth);
    return out;
  } else if (isLooseShellPrompt(last)) {
    return result("cli_exited", "shell_prompt_loose", window, notices);
  }

  const withStale = (out: ScreenClassification): ScreenClassification => {
    if (staleKind !== undefined) {
      out.staleKind = staleKind;
      out.rule = `${out.rule}_after_stale_${staleKind}`;
    }
    return out;
  };

  const placeholders = sets.some((s) => s.placeholder.length > 0)
    ? placeholdersInTail(
        window.slice(-PLACEHOLDER_TAIL).map((line) => line.trim()),
        sets,
      )
    : [];
  if (placeholders.length > 0) {
    const out = result("pasted_unsubmitted", "paste_placeholder", window, notices);
    out.placeholder = placeholders[placeholders.length - 1];
    return withStale(out);
  }
  const busy = findBusy(scan.inners, sets);
  if (busy) return withStale(result("busy", "signature_busy", window, notices, busy.provider));
  if (scan.lastReady >= 0) return withStale(result("input_ready", "input_prompt", window, notices, scan.readyProvider));
  return withStale(result("unknown", "no_rule_matched", window, notices));
}
