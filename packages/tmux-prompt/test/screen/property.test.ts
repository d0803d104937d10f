/**
 * Property-style checks with a seeded generator (reproducible: the seed is in the test name): arbitrary junk
 * never throws and yields a well-formed result; plain noise words are always `unknown`.
 */
import { describe, expect, it } from "vitest";
import { classifyScreen } from "../../src/screen/classify.js";
import { findPastePlaceholders } from "../../src/screen/placeholders.js";
import type { ScreenKind } from "../../src/screen/types.js";
import { allSignatures } from "../fixtures/signatures.js";

const KINDS: readonly ScreenKind[] = [
  "trust_prompt",
  "auth_required",
  "compaction_warning",
  "press_enter",
  "yes_no",
  "numbered_menu",
  "cli_exited",
  "pasted_unsubmitted",
  "busy",
  "input_ready",
  "unknown",
];

/** mulberry32: tiny deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces that poke at every rule: glyphs, numbers, key hints, prompts, placeholders, escapes, odd breaks.
const PIECES = [
  "›",
  "❯",
  ">",
  " ",
  "  ",
  "\u00a0",
  "1. ",
  "2. ",
  "3. ",
  "│",
  "╭─╮",
  "▌",
  "…",
  "...",
  "/srv/x",
  "~/y",
  "$",
  "%",
  "#",
  "root@box:/w#",
  "(y/n)",
  "(y/N)",
  "[Y/n]",
  "Press enter to continue",
  "press any key",
  "Enter to confirm",
  "Esc to cancel",
  "Trust this folder?",
  "Do you trust the contents of this directory?",
  "Quick safety check",
  "[Pasted Content 12 chars]",
  "[Pasted text #1 +3 lines]",
  "• Working (3s • esc to interrupt)",
  "✻ Baking…",
  "capability may degrade",
  "API Error",
  "⚠ 1 warning",
  "\x1b[1m",
  "\x1b[0m",
  "\x1b[38;5;6m",
  "\x1b]0;t\x07",
  "\r",
  "\n",
  "\r\n",
  "\u2028",
  "\v",
  "\f",
  "\x85",
  "\x1c",
  "修复",
  "😀",
  "\ud800",
  "TEAM_AGENT_FAKE_READY",
  "codex>",
];
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

function junk(next: () => number): string {
  const parts: string[] = [];
  const n = Math.floor(next() * 60);
  for (let i = 0; i < n; i++) {
    if (next() < 0.7) parts.push(PIECES[Math.floor(next() * PIECES.length)] ?? "");
    // Random BMP characters above the C0 controls (a lone ESC could glue onto following text into a new CSI).
    else parts.push(String.fromCharCode(0x20 + Math.floor(next() * 0x2fe0)));
  }
  return parts.join("");
}

function noise(next: () => number): string {
  const lines: string[] = [];
  const n = 1 + Math.floor(next() * 30);
  for (let i = 0; i < n; i++) {
    const words: string[] = [];
    const w = Math.floor(next() * 8);
    for (let j = 0; j < w; j++) {
      let word = "";
      const len = 1 + Math.floor(next() * 9);
      for (let k = 0; k < len; k++) word += LETTERS[Math.floor(next() * LETTERS.length)];
      words.push(word);
    }
    lines.push(" ".repeat(Math.floor(next() * 4)) + words.join(" "));
  }
  return lines.join(next() < 0.5 ? "\n" : "\r\n");
}

describe("classifyScreen on random input", () => {
  const seed = 20_251_125;

  it(`junk never throws and gives a well-formed result (seed ${seed})`, () => {
    const next = rng(seed);
    for (let i = 0; i < 3000; i++) {
      const capture = junk(next);
      const paneWidth = next() < 0.5 ? 20 + Math.floor(next() * 200) : undefined;
      const r = classifyScreen(capture, { signatures: allSignatures, paneWidth });
      expect(KINDS).toContain(r.kind);
      expect(r.window.length).toBeLessThanOrEqual(15);
      for (const line of r.window) {
        expect(line.length).toBeGreaterThan(0);
        expect(line).toBe(line.trimEnd());
        // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for leftover CSI sequences.
        expect(line).not.toMatch(/\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/);
      }
      expect(Array.isArray(r.notices)).toBe(true);
      expect(typeof r.rule).toBe("string");
      if (r.kind !== "trust_prompt") expect(r.trustPath).toBeUndefined();
      // Pure: the same input gives the same answer (no regex state leaks between calls).
      expect(classifyScreen(capture, { signatures: allSignatures, paneWidth })).toEqual(r);
      expect(Array.isArray(findPastePlaceholders(capture, allSignatures))).toBe(true);
    }
  });

  it(`plain noise words are always unknown (seed ${seed + 1})`, () => {
    const next = rng(seed + 1);
    for (let i = 0; i < 1000; i++) {
      const capture = noise(next);
      const r = classifyScreen(capture, { signatures: allSignatures });
      expect(r.kind, capture).toBe("unknown");
      expect(r.notices).toEqual([]);
    }
  });
});
