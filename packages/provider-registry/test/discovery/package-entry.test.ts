import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { processConditions, resolvePackageEntry } from "../../src/package-entry.js";
import { tempDir } from "../helpers/plugin-packages.js";

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = tempDir("ta-entry-"));
  for (const file of ["dist/index.js", "src/index.ts", "lib/main.js", "index.js", "cjs/index.cjs"]) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), "");
  }
});

afterEach(() => cleanup());

const file = (relative: string) => path.join(dir, relative);

describe("resolvePackageEntry", () => {
  it.each([
    ["a string", "./dist/index.js", "dist/index.js"],
    ["a subpath map", { ".": "./dist/index.js", "./package.json": "./package.json" }, "dist/index.js"],
    [
      "a conditions object (types is skipped)",
      { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "dist/index.js",
    ],
    [
      "nested conditions under a subpath",
      { ".": { require: "./cjs/index.cjs", import: { node: "./dist/index.js" }, default: "./lib/main.js" } },
      "dist/index.js",
    ],
    ["an array of fallbacks", [{ worker: "./nope.js" }, "./dist/index.js"], "dist/index.js"],
  ])("follows exports given as %s", (_, exportsField, expected) => {
    expect(resolvePackageEntry(dir, { exports: exportsField })).toMatchObject({ ok: true, file: file(expected) });
  });

  it("honours key order and the active conditions", () => {
    const exportsField = { ".": { source: "./src/index.ts", default: "./dist/index.js" } };
    expect(resolvePackageEntry(dir, { exports: exportsField })).toMatchObject({ file: file("dist/index.js") });
    expect(resolvePackageEntry(dir, { exports: exportsField }, ["source", "import", "default"])).toMatchObject({
      file: file("src/index.ts"),
    });
  });

  it("falls back to main (with or without extension), then index.js", () => {
    expect(resolvePackageEntry(dir, { main: "lib/main.js" })).toMatchObject({
      file: file("lib/main.js"),
      via: "main lib/main.js",
    });
    expect(resolvePackageEntry(dir, { main: "./lib/main" })).toMatchObject({ file: file("lib/main.js") });
    expect(resolvePackageEntry(dir, {})).toMatchObject({ file: file("index.js"), via: "index.js" });
  });

  it.each([
    [
      { exports: { "./sub": "./dist/index.js" } },
      'package.json "exports" has no "." entry for the conditions node, import, default',
    ],
    [
      { exports: { ".": { require: "./cjs/index.cjs" } } },
      'package.json "exports" has no "." entry for the conditions node, import, default',
    ],
    [{ exports: "dist/index.js" }, 'package.json "exports" target "dist/index.js" must start with "./"'],
    [{ exports: "./../outside.js" }, 'package.json "exports" target "./../outside.js" leaves the package folder'],
    [
      { exports: "./dist/missing.js" },
      'the "exports" entry ./dist/missing.js (conditions node, import, default) does not exist; is the package built?',
    ],
    [{ main: "lib/missing.js" }, 'the "main" entry lib/missing.js does not exist; is the package built?'],
  ])("explains an unusable entry: %j", (packageJson, reason) => {
    expect(resolvePackageEntry(dir, packageJson)).toEqual({ ok: false, reason });
  });
});

describe("processConditions", () => {
  it("reads --conditions and -C in all spellings, from argv and NODE_OPTIONS", () => {
    expect(
      processConditions(["--conditions=source", "-C", "development", "--inspect"], "--conditions dev2 -C=dev3"),
    ).toEqual(["source", "development", "dev2", "dev3"]);
    expect(processConditions([], "")).toEqual([]);
  });
});
