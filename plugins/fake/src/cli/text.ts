/** Terminal text helpers: display width, wrapping, and making untrusted text safe to print. */

/** Columns one code point takes (wide East Asian and emoji: 2; combining marks and joiners: 0). */
export function charWidth(cp: number): number {
  if (
    cp === 0x200d ||
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0x200b && cp <= 0x200f)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0) ?? 0);
  return width;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu;

/** Control characters are shown (`^[`), never written raw, so pasted text cannot move the cursor or recolour. */
export function printable(text: string): string {
  return text.replace(/\t/gu, "    ").replace(CONTROL_RE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? `^${String.fromCharCode(code + 64)}` : code === 0x7f ? "^?" : "\ufffd";
  });
}

/** Breaks one line into rows of at most `width` columns, anywhere (paths, drafts). */
export function wrapChars(line: string, width: number): string[] {
  const rows: string[] = [];
  let row = "";
  let used = 0;
  for (const ch of line) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (used + w > width && row !== "") {
      rows.push(row);
      row = "";
      used = 0;
    }
    row += ch;
    used += w;
  }
  rows.push(row);
  return rows;
}

/** Breaks prose at spaces where it can, so a phrase's words stay whole; an over-long word is cut. */
export function wrapWords(line: string, width: number): string[] {
  const rows: string[] = [];
  let row = "";
  for (const word of line.split(" ")) {
    const candidate = row === "" ? word : `${row} ${word}`;
    if (textWidth(candidate) <= width) {
      row = candidate;
      continue;
    }
    if (row !== "") rows.push(row);
    const pieces = wrapChars(word, width);
    row = pieces.pop() ?? "";
    rows.push(...pieces);
  }
  rows.push(row);
  return rows;
}
