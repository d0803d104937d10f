import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addProviderPath, readUserConfig } from "../../src/config.js";
import { InstallerError } from "../../src/envelope.js";
import { Journal, type Manifest, readManifest, sha256, writeManifest } from "../../src/manifest.js";
import { undoManifest } from "../../src/undo.js";
import { makeTempDir, removeDir, snapshotTree, writeFiles } from "../helpers/files.js";

let home: string;
beforeEach(() => {
  home = makeTempDir("ta-installer-manifest-");
});
afterEach(() => removeDir(home));

const at = (path: string) => join(home, path);

function manifestWith(journal: Journal): Manifest {
  return {
    manifest_version: 1,
    installer_version: "0.1.0",
    cli_version: "0.1.0",
    node: process.execPath,
    runtime: { root: at("data/runtime"), active: "0.1.0-abc", previous: null },
    shim: at("bin/team-agent"),
    skill_dirs: [],
    providers: [],
    entries: journal.entries,
  };
}

describe("Journal.writeFile", () => {
  it("creates a missing file with its folders and records both", () => {
    const journal = new Journal();
    expect(journal.writeFile(at("a/b/file"), "one", { stamp: "S" })).toBe("created");
    expect(journal.entries).toEqual([
      { kind: "dir", path: at("a") },
      { kind: "dir", path: at("a/b") },
      { kind: "file", path: at("a/b/file"), sha256: sha256("one") },
    ]);
  });

  it("leaves identical content alone, updates its own file, and backs up someone else's", () => {
    writeFiles(home, { "theirs.txt": "theirs", "same.txt": "same" });
    const journal = new Journal();
    expect(journal.writeFile(at("same.txt"), "same", { stamp: "S" })).toBe("unchanged");
    expect(journal.writeFile(at("theirs.txt"), "ours", { stamp: "S" })).toBe("replaced");
    expect(readFileSync(at("theirs.txt.backup-S"), "utf8")).toBe("theirs");
    expect(journal.writeFile(at("theirs.txt"), "ours again", { stamp: "T" })).toBe("updated");
    expect(existsSync(at("theirs.txt.backup-T"))).toBe(false);
    expect(journal.entries).toEqual([
      { kind: "replaced", path: at("theirs.txt"), sha256: sha256("ours again"), backup: at("theirs.txt.backup-S") },
    ]);
  });

  it("records a backup the CLI made of our own earlier file as ours to remove", () => {
    const journal = new Journal();
    journal.writeFile(at("skill.md"), "v1", { stamp: "S" });
    writeFileSync(at("skill.md.backup-X"), "v1");
    journal.recordWrite(at("skill.md"), sha256("v2"), at("skill.md.backup-X"));
    expect(journal.entries).toEqual([
      { kind: "file", path: at("skill.md"), sha256: sha256("v2") },
      { kind: "file", path: at("skill.md.backup-X"), sha256: sha256("v1") },
    ]);
  });
});

describe("undoManifest", () => {
  /** What a user's HOME might hold before install: their own files next to the ones we touch. */
  function userHome(): void {
    writeFiles(home, {
      ".bashrc": "export EDITOR=vi\n",
      "bin/team-agent": "#!/bin/sh\necho an older team-agent\n",
      ".config/team-agent/config.json": '{ "provider_paths": ["/opt/mine"], "theme": "dark" }',
      ".claude/settings.json": "{}",
    });
  }

  /** Install-like writes of every kind the manifest knows. */
  function installInto(journal: Journal): void {
    journal.ensureDir(at("data/runtime"));
    writeFiles(home, { "data/runtime/0.1.0-abc/node_modules/x/index.js": "x" });
    journal.recordTree(at("data/runtime/0.1.0-abc"));
    symlinkSync("0.1.0-abc", at("data/runtime/current"));
    journal.recordSymlink(at("data/runtime/current"), "0.1.0-abc");
    journal.writeFile(at("bin/team-agent"), "#!/bin/sh\nexec node new\n", { mode: 0o755, stamp: "S" });
    journal.writeFile(at(".claude/skills/team-agent/SKILL.md"), "skill", { stamp: "S" });
    journal.ensureTree(at("data/providers"));
    writeFiles(home, { "data/providers/node_modules/p/package.json": "{}" });
    addProviderPath(at(".config/team-agent/config.json"), at("data/providers/node_modules/p"), journal, "S");
  }

  it("puts HOME back byte for byte, including the files install replaced", () => {
    userHome();
    const before = snapshotTree(home);
    const journal = new Journal();
    installInto(journal);
    writeManifest(at("data/install-manifest.json"), manifestWith(journal));
    expect(readUserConfig(at(".config/team-agent/config.json"))?.provider_paths).toEqual([
      "/opt/mine",
      at("data/providers/node_modules/p"),
    ]);

    const dryRun = snapshotTree(home);
    const planned = undoManifest(manifestWith(journal), at("data/install-manifest.json"), true);
    expect(snapshotTree(home)).toEqual(dryRun);
    expect(planned.filter((step) => step.result === "kept")).toEqual([]);

    const steps = undoManifest(manifestWith(journal), at("data/install-manifest.json"), false);
    expect(snapshotTree(home)).toEqual(before);
    expect(steps.find((step) => step.path === at("bin/team-agent"))?.result).toBe("restored");
    expect(steps.find((step) => step.path === at(".config/team-agent/config.json"))?.result).toBe("restored");
  });

  it("keeps what changed since install, and the folders holding it", () => {
    const journal = new Journal();
    installInto(journal);
    writeFileSync(at(".claude/skills/team-agent/SKILL.md"), "edited by the user");
    writeFiles(home, { "data/runtime/notes.txt": "mine" });
    const steps = undoManifest(manifestWith(journal), at("data/install-manifest.json"), false);
    expect(steps.find((step) => step.path === at(".claude/skills/team-agent/SKILL.md"))).toMatchObject({
      result: "kept",
      reason: "changed since install",
    });
    expect(steps.find((step) => step.path === at("data/runtime"))).toMatchObject({
      result: "kept",
      reason: "not empty",
    });
    expect(readFileSync(at(".claude/skills/team-agent/SKILL.md"), "utf8")).toBe("edited by the user");
    expect(existsSync(at("data/runtime/0.1.0-abc"))).toBe(false);
    expect(existsSync(at("data/runtime/current"))).toBe(false);
  });

  it("takes only its own provider paths out of a config the user edited since", () => {
    writeFiles(home, { "config.json": '{"theme":"dark"}' });
    const journal = new Journal();
    addProviderPath(at("config.json"), "/ours", journal, "S");
    const edited = { theme: "light", provider_paths: ["/ours", "/theirs"] };
    writeFileSync(at("config.json"), JSON.stringify(edited));
    const steps = undoManifest(manifestWith(journal), at("install-manifest.json"), false);
    expect(steps[0]).toMatchObject({ path: at("config.json"), result: "edited" });
    expect(readUserConfig(at("config.json"))).toEqual({ theme: "light", provider_paths: ["/theirs"] });
    expect(existsSync(at("config.json.backup-S"))).toBe(false);
  });

  it("removes a config file it created once nothing else is in it", () => {
    const journal = new Journal();
    addProviderPath(at("cfg/config.json"), "/ours", journal, "S");
    expect(addProviderPath(at("cfg/config.json"), "/ours", journal, "S")).toBe(false);
    undoManifest(manifestWith(journal), at("install-manifest.json"), false);
    expect(existsSync(at("cfg"))).toBe(false);
  });
});

describe("readManifest", () => {
  it("returns null when there is none and explains a broken one", () => {
    expect(readManifest(at("none.json"))).toBeNull();
    writeFiles(home, { "bad.json": '{"manifest_version": 1}', "text.json": "not json" });
    for (const file of ["bad.json", "text.json"]) {
      const error = (() => {
        try {
          readManifest(at(file));
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(InstallerError);
      expect((error as InstallerError).code).toBe("manifest_invalid");
      expect((error as InstallerError).message).toContain(at(file));
    }
  });

  it("reads back what writeManifest wrote", () => {
    const journal = new Journal();
    journal.writeFile(at("f"), "x", { stamp: "S" });
    writeManifest(at("m.json"), manifestWith(journal));
    expect(readManifest(at("m.json"))).toEqual(manifestWith(journal));
  });
});
