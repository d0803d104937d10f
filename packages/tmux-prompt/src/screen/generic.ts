/**
 * Provider-independent screen rules: key prompts, y/n confirmations, numbered menus and a shell prompt left
 * behind by an exited CLI. Each works on the normalised window (see normalise.ts).
 */
import {
  type Choice,
  choiceNumberColumn,
  codePointLength,
  isContinuationLine,
  isMenuHint,
  numberedMenuShape,
  parseChoice,
  parseCursorLine,
  textAtColumn,
} from "./lines.js";

/** Case-sensitive y/n hints; `(y/N)`, `(Y/N)` and `[Y/N]` are deliberately absent (spec 2.2 #6). */
const YES_NO_TOKENS = ["(y/n)", "(Y/n)", "[y/N]", "[Y/n]", "[y/n]"] as const;

/**
 * Spec 2.2 #8: the last line ends with `$` or `%` at line start or after whitespace, `~`, `/`, `.`, `-` or a
 * word character. Lenient on purpose (a progress line such as `Downloading 50%` also matches), so it is
 * checked last.
 */
const LOOSE_SHELL_PROMPT_RE = /(?:^|[\s~/.\-\p{L}\p{N}_])[$%]$/u;

/**
 * A prompt that can only be a shell's: `user@host:path$`, `[user@host dir]#`, `bash-5.2#`, a bare `$`/`#`/`%`.
 * Root prompts end with `#`, which the loose rule does not cover.
 */
const STRICT_SHELL_PROMPT_RE =
  /^(?:[\p{L}\p{N}_.-]+@[\p{L}\p{N}_.-]+(?::\S*|\s+\S+)?|\[[^\]\s]+@[^\]]+\]|(?:ba|z|k|da)?sh-\p{Nd}+(?:\.\p{Nd}+)*)?\s?[$#%]$/u;

export function hasYesNoPrompt(window: readonly string[]): boolean {
  for (const line of window) {
    if (!line.includes("/")) continue;
    for (const token of YES_NO_TOKENS) if (line.includes(token)) return true;
  }
  return false;
}

export function isLooseShellPrompt(line: string): boolean {
  return LOOSE_SHELL_PROMPT_RE.test(line);
}

export function isStrictShellPrompt(line: string): boolean {
  return STRICT_SHELL_PROMPT_RE.test(line.trim());
}

/** How many rows a shell prompt may have been wrapped over (a long working directory in a narrow pane). */
const MAX_PROMPT_ROWS = 4;

/**
 * Whether the window ends with a shell prompt, also when the prompt was wrapped by the pane: the rows above
 * it are then full-width (all the same length, the pane width when known), unindented and not separated by
 * blank lines, and together they form one prompt.
 */
export function endsWithShellPrompt(
  window: readonly string[],
  gapBefore: readonly boolean[],
  paneWidth?: number,
): boolean {
  const last = window.length - 1;
  let joined = window[last] ?? "";
  if (isStrictShellPrompt(joined)) return true;
  let rowLength = -1;
  for (let k = 1; k < MAX_PROMPT_ROWS && last - k >= 0; k++) {
    if (gapBefore[last - k + 1]) return false;
    const row = window[last - k] ?? "";
    const length = codePointLength(row);
    if (row.length === 0 || row.trimStart() !== row) return false;
    if (paneWidth !== undefined && paneWidth > 0 ? length !== paneWidth : rowLength >= 0 && length !== rowLength) {
      return false;
    }
    rowLength = length;
    joined = row + joined;
    if (isStrictShellPrompt(joined)) return true;
  }
  return false;
}

/** A numbered menu's lines: its `1.` line and its last option (or that option's description), inclusive. */
export interface NumberedMenu {
  start: number;
  end: number;
}

/**
 * The last numbered menu in the window, or undefined. Spec 2.2 #7 generalised: options `1.`, `2.`, … in order,
 * where the only lines allowed between options are descriptions indented past the option's number (Claude's
 * question dialog prints one under each option; blank lines are already gone from the window). The shape rule
 * (2.5) is judged on the whole window, so numbered prose is not a menu.
 */
export function findNumberedMenu(
  inners: readonly string[],
  choices: readonly (Choice | undefined)[],
): NumberedMenu | undefined {
  let found: NumberedMenu | undefined;
  for (let i = 0; i < inners.length; i++) {
    if (choices[i]?.number !== 1) continue;
    found = optionRun(inners, choices, i) ?? found;
  }
  if (found === undefined || !numberedMenuShape(inners)) return undefined;
  return found;
}

/** The options run from the `1.` line at `start`, when it reaches at least `2.`. */
function optionRun(
  inners: readonly string[],
  choices: readonly (Choice | undefined)[],
  start: number,
): NumberedMenu | undefined {
  let next = 2;
  let column = choiceNumberColumn(inners[start] ?? "");
  let end = start;
  for (let j = start + 1; j < inners.length; j++) {
    const choice = choices[j];
    if (choice === undefined) {
      if (!isContinuationLine(inners[j] ?? "", column)) break;
    } else if (choice.number === next) {
      next++;
      column = choiceNumberColumn(inners[j] ?? "");
    } else {
      break;
    }
    end = j;
  }
  return next > 2 ? { start, end } : undefined;
}

/**
 * Index of the `1.` line of the last menu block, allowing description lines between choices (Codex prints a
 * dimmed description under each option), or -1.
 */
export function findMenuStart(choices: readonly (Choice | undefined)[]): number {
  for (let i = choices.length - 1; i >= 0; i--) {
    if (choices[i]?.number !== 1) continue;
    for (let j = i + 1; j < choices.length; j++) {
      const c = choices[j];
      if (c === undefined) continue;
      if (c.number === 2) return i;
      break;
    }
  }
  return -1;
}

/** The options of the menu starting at `start`: consecutive numbers, description lines in between skipped. */
export function menuOptions(choices: readonly (Choice | undefined)[], start: number): Choice[] {
  const out: Choice[] = [];
  if (start < 0) return out;
  let next = 1;
  for (let i = start; i < choices.length; i++) {
    const c = choices[i];
    if (c === undefined) continue;
    if (c.number !== next) break;
    out.push(c);
    next++;
  }
  return out;
}

/** Parsed choice per window line (undefined for other lines); computed once per classification. */
export function parseChoices(inners: readonly string[]): (Choice | undefined)[] {
  return inners.map((inner) => parseChoice(inner));
}

/** A menu without numbers: the highlighted entry has a cursor glyph, its siblings are aligned with its text. */
export interface CursorMenu {
  start: number;
  /** Last line of the block (inclusive). */
  end: number;
  options: Choice[];
}

/**
 * The last unnumbered menu in the window (Claude Code 2.1.332's trust dialog: `❯ No, exit` above
 * `  Yes, I trust this folder`), or undefined. A glyph line with aligned siblings is also what a multi-line
 * draft in an input box looks like, so a menu footer ("Enter to confirm · Esc to cancel") must follow the block,
 * and the entries must be on adjacent rows.
 */
export function findCursorMenu(
  inners: readonly string[],
  choices: readonly (Choice | undefined)[],
  gapBefore: readonly boolean[],
): CursorMenu | undefined {
  let hintBelow = false;
  for (let i = inners.length - 1; i >= 0; i--) {
    const line = inners[i] ?? "";
    if (choices[i] === undefined) {
      const cursor = parseCursorLine(line);
      if (cursor && hintBelow) {
        const menu = cursorMenuAround(inners, choices, gapBefore, i, cursor.column, cursor.label);
        if (menu) return menu;
      }
    }
    if (!hintBelow && isMenuHint(line)) hintBelow = true;
  }
  return undefined;
}

function cursorMenuAround(
  inners: readonly string[],
  choices: readonly (Choice | undefined)[],
  gapBefore: readonly boolean[],
  at: number,
  column: number,
  label: string,
): CursorMenu | undefined {
  const sibling = (j: number) => (choices[j] === undefined ? textAtColumn(inners[j] ?? "", column) : undefined);
  // Entries sit on adjacent rows: a blank line ends the block.
  let start = at;
  while (start > 0 && !gapBefore[start] && sibling(start - 1) !== undefined) start--;
  let end = at;
  while (
    end + 1 < inners.length &&
    !gapBefore[end + 1] &&
    sibling(end + 1) !== undefined &&
    !isMenuHint(inners[end + 1] ?? "")
  ) {
    end++;
  }
  if (start === end) return undefined;
  const options: Choice[] = [];
  for (let j = start; j <= end; j++) {
    const text = j === at ? label : (sibling(j) ?? "");
    options.push({ number: options.length + 1, label: text, highlighted: j === at });
  }
  return { start, end, options };
}
