/** The package is the neutral vocabulary: no provider names and no I/O in its source. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const srcDir = fileURLToPath(new URL("../../src/", import.meta.url));
const sources = readdirSync(srcDir, { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".ts"))
  .map((name) => ({ name, text: readFileSync(join(srcDir, name), "utf8") }));

describe("source scan", () => {
  it("finds the source files", () => {
    expect(sources.map((file) => file.name)).toContain("takeover.ts");
    expect(sources.map((file) => file.name)).toContain("turn-state.ts");
  });

  it("names no provider", () => {
    const hits = sources.flatMap((file) =>
      file.text.split("\n").flatMap((text, index) => (/codex|claude/i.test(text) ? [`${file.name}:${index + 1}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it("imports nothing that does I/O: only its own modules and core-state", () => {
    const imports = sources.flatMap((file) =>
      [...file.text.matchAll(/^\s*(?:import|export)\b[^"']*?from\s+["']([^"']+)["']/gm)].map((match) => match[1]!),
    );
    expect(imports.length).toBeGreaterThan(5);
    expect(
      imports.filter((specifier) => !specifier.startsWith("./") && specifier !== "@team-agent/core-state"),
    ).toEqual([]);
  });

  it("never reads the clock: every time comes from the caller", () => {
    const clockReads = sources.filter((file) =>
      /Date\.now\(|new Date\(\)|performance\.now|process\.hrtime|isoNow\(/.test(file.text),
    );
    expect(clockReads.map((file) => file.name)).toEqual([]);
  });
});
