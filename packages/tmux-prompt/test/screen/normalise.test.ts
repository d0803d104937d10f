import { describe, expect, it } from "vitest";
import { lastNonBlankLines, screenWindow, splitLines, stripAnsi, WINDOW_SIZE } from "../../src/screen/normalise.js";

describe("splitLines", () => {
  it("breaks on CRLF once, on lone CR and LF, and on the other Python line breaks", () => {
    const text = "a\r\nb\rc\nd\ve\ff\x1cg\x1dh\x1ei\x85j\u2028k\u2029l";
    expect(splitLines(text)).toEqual(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]);
  });

  it("gives no trailing empty line for a final break but keeps inner empty lines", () => {
    expect(splitLines("a\n\nb\n")).toEqual(["a", "", "b"]);
    expect(splitLines("")).toEqual([]);
  });
});

describe("stripAnsi", () => {
  it("removes CSI sequences (colours, bold, private modes) and keeps other escapes", () => {
    expect(stripAnsi("\x1b[1mbold\x1b[0m \x1b[38;5;6mcyan\x1b[39m\x1b[?25l")).toBe("bold cyan");
    const osc = "\x1b]0;title\x07text";
    expect(stripAnsi(osc)).toBe(osc);
  });
});

describe("screenWindow", () => {
  it("keeps the last 15 non-blank lines, right-trimmed, without ANSI codes", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `\x1b[2mline ${i}\x1b[0m   `);
    const capture = lines.join("\n\n") + "\n".repeat(12);
    const window = screenWindow(capture);
    expect(window).toHaveLength(WINDOW_SIZE);
    expect(window[0]).toBe("line 15");
    expect(window.at(-1)).toBe("line 29");
  });

  it("treats every line-break flavour alike (CRLF, CR, U+2028) and drops blank lines", () => {
    expect(screenWindow("one\r\n\r\ntwo\r  \rthree\u2028\u2028four\r\n")).toEqual(["one", "two", "three", "four"]);
  });

  it("drops lines that only hold spaces, NBSP or escape codes", () => {
    expect(screenWindow("a\n \u00a0 \n\x1b[0m\nb")).toEqual(["a", "b"]);
  });

  it("keeps leading indentation (menus and prompts are judged on it)", () => {
    expect(lastNonBlankLines("  › 1. Yes\n    2. No  ", 5)).toEqual(["  › 1. Yes", "    2. No"]);
  });

  it("returns an empty window for an empty or blank capture", () => {
    expect(screenWindow("")).toEqual([]);
    expect(screenWindow("\n\n \n")).toEqual([]);
  });
});
