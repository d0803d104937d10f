/**
 * Turns a raw `capture-pane -p` text into "the window": the last non-blank lines, ANSI CSI sequences removed,
 * right-trimmed. Scans from the end of the capture so a long history costs only the lines it keeps.
 */

/** How many non-blank lines the classifier looks at. */
export const WINDOW_SIZE = 15;

// ESC [ parameter bytes (0x30–0x3F), intermediate bytes (0x20–0x2F), one final byte (0x40–0x7E). OSC etc. are kept.
// biome-ignore lint/suspicious/noControlCharactersInRegex: CSI sequences start with ESC.
const CSI_RE = /\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/g;

/**
 * Line breaks as Python's `str.splitlines()` knows them: LF, CR (CRLF counts once), VT, FF, FS, GS, RS, NEL,
 * LINE SEPARATOR, PARAGRAPH SEPARATOR.
 */
function isLineBreak(code: number): boolean {
  // Printable characters (the vast majority) leave through the first test.
  if (code > 0x1e) return code === 0x85 || code === 0x2028 || code === 0x2029;
  return code === 0x0a || code === 0x0d || code === 0x0b || code === 0x0c || code >= 0x1c;
}

/** Removes ANSI CSI sequences (colours, bold, cursor moves) from one line. */
export function stripAnsi(line: string): string {
  return line.includes("\x1b") ? line.replace(CSI_RE, "") : line;
}

/** Splits like Python's `splitlines()`: no trailing empty element for a final break. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (!isLineBreak(code)) continue;
    lines.push(text.slice(start, i));
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    start = i + 1;
  }
  if (start < n) lines.push(text.slice(start));
  return lines;
}

/**
 * The last `size` non-blank lines of `capture`, oldest first, each without ANSI CSI sequences and right-trimmed.
 * Walks backwards and stops as soon as enough lines are found. When `gapBefore` is given, it receives one flag
 * per returned line: whether blank lines separated it from the line before it (menus are told from prose by it).
 */
export function lastNonBlankLines(capture: string, size: number = WINDOW_SIZE, gapBefore?: boolean[]): string[] {
  const out: string[] = [];
  if (size <= 0) return out;
  if (gapBefore) gapBefore.length = 0;
  let blankBelow = false;
  let end = capture.length;
  let i = end - 1;
  while (i >= -1 && out.length < size) {
    const code = i >= 0 ? capture.charCodeAt(i) : -1;
    if (i >= 0 && !isLineBreak(code)) {
      i--;
      continue;
    }
    // A line runs from i+1 to end (exclusive).
    const line = i + 1 < end ? stripAnsi(capture.slice(i + 1, end)).trimEnd() : "";
    if (line.length > 0) {
      if (gapBefore && out.length > 0) gapBefore.push(blankBelow);
      out.push(line);
      blankBelow = false;
    } else if (out.length > 0) {
      blankBelow = true;
    }
    // CRLF is one break: step over the CR that precedes an LF.
    if (code === 0x0a && i > 0 && capture.charCodeAt(i - 1) === 0x0d) i--;
    end = i;
    i--;
  }
  out.reverse();
  if (gapBefore) {
    // Collected bottom-up as "gap above line k+1"; the oldest line's own gap is unknown (false).
    gapBefore.push(false);
    gapBefore.reverse();
  }
  return out;
}

/** The classifier's window: the last 15 non-blank lines. */
export function screenWindow(capture: string, gapBefore?: boolean[]): string[] {
  return lastNonBlankLines(capture, WINDOW_SIZE, gapBefore);
}
