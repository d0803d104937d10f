/**
 * Shapes of single window lines: menu choices, input prompts, key hints. Every regex is compiled once here.
 * Unicode-aware where text can be non-ASCII (JS `\w`/`\b` are ASCII-only, so letters are `\p{L}\p{N}_`).
 * Except `unboxed` itself, the functions take "inner" lines: window lines with box edges already removed
 * (the classifier computes them once per line).
 */

/** Cursor glyphs a TUI draws in front of the highlighted menu entry or the input line. */
export const CURSOR_GLYPHS = "›❯>";

// Leading box edges / gutter bars some TUIs draw; stripped before testing a line's shape.
const BOX_LEFT_RE = /^\s*[│┃▌▎║]\s?/u;
const BOX_RIGHT_CHARS = "│┃║";

/** `  ❯ 2. Label` → glyph, number, label. The label ends at two spaces (right-hand hints follow). */
const CHOICE_RE = /^\s*(?:([›❯>])\s*)?(\p{Nd}+)\.\s+(.*)$/u;
const HIGHLIGHTED_CHOICE_RE = /^\s*[›❯>]\s*\p{Nd}+\.\s+/u;
const PLAIN_CHOICE_RE = /^\s*\p{Nd}+\.\s+/u;
const PLAIN_CHOICE_PREFIX_RE = /^\p{Nd}+\.\s+/u;
const GLYPH_PROMPT_RE = /^[›❯>]\s+\S/u;
/** `  ❯ No, exit` → indentation, glyph, gap, label (an unnumbered menu entry or an input line). */
const CURSOR_LINE_RE = /^(\s*)[›❯>](\s+)(\S.*)$/u;
const INDENTED_TEXT_RE = /^(\s*)(\S.*)$/u;
const LEADING_TEXT_RE = /^(\s*)(\S)/u;
const DIGIT_RE = /\p{Nd}/u;
const TWO_SPACES_RE = /\s{2,}/u;

const WORD = "[\\p{L}\\p{N}_]";
const word = (alternatives: string) => `(?<!${WORD})(?:${alternatives})(?!${WORD})`;
/** Key hints of a menu footer, within one line: "Enter to confirm · Esc to cancel". */
const MENU_HINT_RES: readonly RegExp[] = [
  new RegExp(`${word("enter|return")}.*${word("confirm|select|continue")}`, "iu"),
  new RegExp(`${word("confirm|select|continue")}.*${word("enter|return")}`, "iu"),
  new RegExp(`${word("esc")}.*${word("cancel|back|quit")}`, "iu"),
];

export const PRESS_ENTER_RE = /press\s+(?:enter|return)\s+to\s+continue/u;
export const PRESS_ANY_KEY_RE = /press\s+any\s+key/u;

/** The line without box edges drawn around it (`│ ❯ 1. Yes │` → `❯ 1. Yes`). */
export function unboxed(line: string): string {
  const left = BOX_LEFT_RE.test(line) ? line.replace(BOX_LEFT_RE, "") : line;
  // Checked by hand: a `\s*│\s*$` regex rescans every run of spaces (quadratic on 160-column footers).
  const trimmed = left.trimEnd();
  const lastChar = trimmed[trimmed.length - 1];
  return lastChar !== undefined && BOX_RIGHT_CHARS.includes(lastChar) ? trimmed.slice(0, -1).trimEnd() : left;
}

export interface Choice {
  number: number;
  label: string;
  highlighted: boolean;
}

/** A menu choice line (`1. Yes`, `› 1. Yes`), or undefined. */
export function parseChoice(inner: string): Choice | undefined {
  const m = CHOICE_RE.exec(inner);
  if (!m) return undefined;
  return { number: Number(m[2]), label: labelOf(m[3] ?? ""), highlighted: m[1] !== undefined };
}

/** Column of a choice line's number (`  ❯ 2. Yes` → 4); only meaningful for lines `parseChoice` accepted. */
export function choiceNumberColumn(inner: string): number {
  return inner.search(DIGIT_RE);
}

/**
 * A description or wrapped label under a menu option: text indented past the option's number. A line led by
 * a cursor glyph is never one (it is an input line or another entry).
 */
export function isContinuationLine(inner: string, numberColumn: number): boolean {
  const m = LEADING_TEXT_RE.exec(inner);
  if (!m) return false;
  return (m[1] ?? "").length > numberColumn && !CURSOR_GLYPHS.includes(m[2] ?? "");
}

/**
 * Generic input-ready shape (spec 2.3): after indentation, a cursor glyph, whitespace and some text. The caller
 * excludes numbered choices (any number: `❯ 4. No` is a highlighted menu entry) and menu lines; provider
 * signatures add their own prompt shapes (an empty Claude `❯`, `codex>`).
 */
export function isGlyphPrompt(inner: string): boolean {
  return GLYPH_PROMPT_RE.test(inner.trimStart());
}

/** A line starting with a cursor glyph: the column its text starts at, and the text. */
export function parseCursorLine(inner: string): { column: number; label: string } | undefined {
  const m = CURSOR_LINE_RE.exec(inner);
  if (!m) return undefined;
  return { column: (m[1] ?? "").length + 1 + (m[2] ?? "").length, label: labelOf(m[3] ?? "") };
}

/** A plain line whose text starts exactly at `column` (a sibling entry of a cursor menu). */
export function textAtColumn(inner: string, column: number): string | undefined {
  const m = INDENTED_TEXT_RE.exec(inner);
  if (!m || (m[1] ?? "").length !== column) return undefined;
  const text = m[2] ?? "";
  if (CURSOR_GLYPHS.includes(text[0] ?? "")) return undefined;
  return labelOf(text);
}

/** Whether the line is a menu footer such as "Enter to confirm · Esc to cancel". */
export function isMenuHint(line: string): boolean {
  for (const re of MENU_HINT_RES) if (re.test(line)) return true;
  return false;
}

function labelOf(text: string): string {
  return text.trim().split(TWO_SPACES_RE)[0] ?? "";
}

/**
 * Spec 2.5: a run of numbered lines is a menu, not numbered prose, when a choice is highlighted, or the whole
 * window is a short plain list, or the window shows menu key hints.
 */
export function numberedMenuShape(inners: readonly string[]): boolean {
  let allPlain = inners.length >= 2;
  for (const inner of inners) {
    if (HIGHLIGHTED_CHOICE_RE.test(inner)) return true;
    if (allPlain) {
      if (!PLAIN_CHOICE_RE.test(inner)) allPlain = false;
      else if (codePointLength(inner.trim().replace(PLAIN_CHOICE_PREFIX_RE, "").trim()) > 32) allPlain = false;
    }
  }
  if (allPlain) return true;
  for (const inner of inners) if (isMenuHint(inner)) return true;
  return false;
}

/** Length in code points (what Python's `len` counts), not UTF-16 units. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) i++;
    n++;
  }
  return n;
}
