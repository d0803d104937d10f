import { describe, expect, it } from "vitest";
import { findPastePlaceholders, newPlaceholders } from "../../src/screen/placeholders.js";
import { allSignatures, claudeLike, codexLike } from "../fixtures/signatures.js";

const box = (inner: string) => `────────────\n❯ ${inner}\n────────────\n  ? for shortcuts`;

describe("findPastePlaceholders", () => {
  it("finds Codex and Claude placeholders (case and spacing flexible)", () => {
    expect(findPastePlaceholders("› [Pasted Content 2369 chars]", codexLike)).toEqual(["[Pasted Content 2369 chars]"]);
    expect(findPastePlaceholders("› [pasted content 1 char]", codexLike)).toEqual(["[pasted content 1 char]"]);
    expect(findPastePlaceholders(box("[Pasted text #1 +29 lines]"), claudeLike)).toEqual([
      "[Pasted text #1 +29 lines]",
    ]);
    expect(findPastePlaceholders(box("[ Pasted  text #3 +1 line ]"), claudeLike)).toEqual([
      "[ Pasted  text #3 +1 line ]",
    ]);
  });

  it("keeps every occurrence in screen order (two pastes of the same size are two placeholders)", () => {
    const capture = "› [Pasted Content 900 chars] and [Pasted Content 900 chars]";
    expect(findPastePlaceholders(capture, codexLike)).toEqual([
      "[Pasted Content 900 chars]",
      "[Pasted Content 900 chars]",
    ]);
  });

  it("only looks at the last 12 non-blank lines", () => {
    const old = "› [Pasted Content 10 chars]";
    const later = Array.from({ length: 12 }, (_, i) => `› line ${i}`).join("\n\n");
    expect(findPastePlaceholders(`${old}\n${later}`, codexLike)).toEqual([]);
    const eleven = Array.from({ length: 11 }, (_, i) => `› line ${i}`).join("\n");
    expect(findPastePlaceholders(`${old}\n${eleven}`, codexLike)).toEqual(["[Pasted Content 10 chars]"]);
  });

  it("needs the screen to look like an input box", () => {
    // Quoted in prose, not in a prompt: no glyph line, not on the last line.
    const prose = "The log said [Pasted Content 10 chars] earlier.\nNothing else to add here.";
    expect(findPastePlaceholders(prose, codexLike)).toEqual([]);
    // Last line ends like a placeholder → accepted even without a glyph.
    expect(findPastePlaceholders("some text\n[Pasted text #1 +4 lines]", claudeLike)).toHaveLength(1);
  });

  it("uses only the signatures it is given", () => {
    expect(findPastePlaceholders("› [Pasted Content 5 chars]", claudeLike)).toEqual([]);
    expect(findPastePlaceholders("› [Pasted Content 5 chars]", allSignatures)).toHaveLength(1);
    expect(findPastePlaceholders("› [Pasted Content 5 chars]", [])).toEqual([]);
  });
});

describe("newPlaceholders (visibility proof: a placeholder already on screen proves nothing)", () => {
  it("reports only placeholders that were not there before", () => {
    const before = findPastePlaceholders(box("[Pasted text #1 +29 lines]"), claudeLike);
    const same = findPastePlaceholders(box("[Pasted text #1 +29 lines]"), claudeLike);
    const added = findPastePlaceholders(box("[Pasted text #1 +29 lines][Pasted text #2 +29 lines]"), claudeLike);
    expect(newPlaceholders(before, same)).toEqual([]);
    expect(newPlaceholders(before, added)).toEqual(["[Pasted text #2 +29 lines]"]);
    expect(newPlaceholders([], added)).toHaveLength(2);
  });

  it("counts repeats: a second identical placeholder is new", () => {
    const p = "[Pasted Content 900 chars]";
    expect(newPlaceholders([p], [p, p])).toEqual([p]);
    expect(newPlaceholders([p, p], [p])).toEqual([]);
  });
});
