import {
  chmodSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InstallerError } from "../../src/envelope.js";
import { isRuntimeComplete, readCurrent, stageRuntime, switchCurrent } from "../../src/runtime.js";
import { copyTree, locateRuntimeTree, treeFingerprint } from "../../src/tree.js";
import { makeTempDir, removeDir, writeFiles } from "../helpers/files.js";

let root: string;
beforeEach(() => {
  root = makeTempDir("ta-installer-tree-");
});
afterEach(() => removeDir(root));

const manifest = (name: string, version: string) => JSON.stringify({ name, version });

/**
 * A node_modules folder like npm's: packages plain and scoped, a nested copy, a `.bin` link, a cache, a link to a
 * package outside the tree (a workspace link) which itself links back into the tree, and a dangling link.
 */
function npmTree(): string {
  writeFiles(root, {
    "proj/node_modules/a/package.json": manifest("a", "1.0.0"),
    "proj/node_modules/a/bin.js": "#!/usr/bin/env node\n",
    "proj/node_modules/@s/b/package.json": manifest("@s/b", "2.0.0"),
    "proj/node_modules/@s/b/node_modules/a/package.json": manifest("a", "0.9.0"),
    "proj/node_modules/.cache/tool/junk": "cached",
    "proj/node_modules/.package-lock.json": "{}",
    "outside/pkg/package.json": manifest("linked", "3.0.0"),
    "outside/pkg/dist/index.js": "export {};\n",
  });
  chmodSync(join(root, "proj/node_modules/a/bin.js"), 0o755);
  const nodeModules = join(root, "proj/node_modules");
  writeFiles(nodeModules, { ".bin/.keep": "" });
  symlinkSync("../a/bin.js", join(nodeModules, ".bin/a"));
  symlinkSync("../../outside/pkg", join(nodeModules, "linked"));
  writeFiles(root, { "outside/pkg/node_modules/.keep": "" });
  symlinkSync(join(nodeModules, "a"), join(root, "outside/pkg/node_modules/a"));
  symlinkSync("./nowhere", join(nodeModules, "dangling"));
  return nodeModules;
}

describe("copyTree", () => {
  it("keeps links inside the tree as links, copies what links point to outside it, and skips caches", () => {
    const source = npmTree();
    const dest = join(root, "copy");
    copyTree(source, dest);

    expect(readlinkSync(join(dest, ".bin/a"))).toBe("../a/bin.js");
    expect(realpathSync(join(dest, ".bin/a"))).toBe(join(dest, "a/bin.js"));
    expect(statSync(join(dest, "a/bin.js")).mode & 0o777).toBe(0o755);

    expect(lstatSync(join(dest, "linked")).isDirectory()).toBe(true);
    expect(readFileSync(join(dest, "linked/dist/index.js"), "utf8")).toBe("export {};\n");
    // The outside package's link back into the tree now points into the copy.
    expect(realpathSync(join(dest, "linked/node_modules/a"))).toBe(join(dest, "a"));

    expect(readlinkSync(join(dest, "dangling"))).toBe("./nowhere");
    expect(existsSync(join(dest, ".cache"))).toBe(false);
    expect(existsSync(join(dest, ".package-lock.json"))).toBe(true);
  });

  it("gives the copy the fingerprint of the source", () => {
    const source = npmTree();
    copyTree(source, join(root, "copy"));
    expect(treeFingerprint(join(root, "copy"))).toEqual(treeFingerprint(source));
  });
});

describe("treeFingerprint", () => {
  it("counts every package in every place, nested and linked ones too", () => {
    // a, @s/b, @s/b's own a, linked, and linked's link back to a.
    expect(treeFingerprint(npmTree()).packages).toBe(5);
  });

  it("changes when any package's version changes, even a nested one", () => {
    const source = npmTree();
    const first = treeFingerprint(source).hash;
    expect(first).toMatch(/^[0-9a-f]{10}$/);
    writeFileSync(join(source, "@s/b/node_modules/a/package.json"), manifest("a", "0.9.1"));
    expect(treeFingerprint(source).hash).not.toBe(first);
  });
});

describe("runtime folders", () => {
  function cliTree(): string {
    writeFiles(root, {
      "tree/node_modules/@team-agent/cli/package.json": manifest("@team-agent/cli", "0.1.0"),
      "tree/node_modules/@team-agent/cli/dist/bin.js": "",
    });
    return join(root, "tree/node_modules");
  }

  it("appear complete under their final name only, with no staging folder left behind", () => {
    const runtimeRoot = join(root, "runtime");
    writeFiles(runtimeRoot, { "0.1.0-abc/node_modules/half-copied": "" });
    expect(isRuntimeComplete(join(runtimeRoot, "0.1.0-abc"))).toBe(false);
    stageRuntime(cliTree(), runtimeRoot, "0.1.0-abc");
    expect(isRuntimeComplete(join(runtimeRoot, "0.1.0-abc"))).toBe(true);
    expect(existsSync(join(runtimeRoot, "0.1.0-abc/node_modules/half-copied"))).toBe(false);
    expect(readdirSync(runtimeRoot)).toEqual(["0.1.0-abc"]);
  });

  it("switch current by replacing the link, leaving no temporary link", () => {
    const link = join(root, "current");
    expect(readCurrent(link)).toBeNull();
    switchCurrent(link, "0.1.0-abc");
    switchCurrent(link, "0.2.0-def");
    expect(readCurrent(link)).toBe("0.2.0-def");
    expect(readdirSync(root)).toEqual(["current"]);
  });
});

describe("locateRuntimeTree", () => {
  const installerModule = (nodeModules: string) => {
    writeFiles(nodeModules, { "@team-agent/installer/dist/main.js": "" });
    return pathToFileURL(join(nodeModules, "@team-agent/installer/dist/main.js")).href;
  };

  it("finds the node_modules folder holding the CLI next to the installer", () => {
    writeFiles(root, { "npx/node_modules/@team-agent/cli/package.json": manifest("@team-agent/cli", "9.9.9") });
    const found = locateRuntimeTree(installerModule(join(root, "npx/node_modules")));
    expect(found).toEqual({ nodeModules: join(root, "npx/node_modules"), cliVersion: "9.9.9" });
  });

  it("lifts a CLI nested under the installer to the outermost node_modules", () => {
    const nested = "npx/node_modules/@team-agent/installer/node_modules/@team-agent/cli/package.json";
    writeFiles(root, { [nested]: manifest("@team-agent/cli", "1.2.3") });
    const found = locateRuntimeTree(installerModule(join(root, "npx/node_modules")));
    expect(found).toEqual({ nodeModules: join(root, "npx/node_modules"), cliVersion: "1.2.3" });
  });

  it("says how to run the installer when the CLI is not there", () => {
    const url = installerModule(join(root, "lonely/node_modules"));
    expect(() => locateRuntimeTree(url)).toThrow(InstallerError);
    expect(() => locateRuntimeTree(url)).toThrow(/@team-agent\/cli is not installed/);
  });
});
