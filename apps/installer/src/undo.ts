/**
 * Undoing a manifest: newest entries first, folders last (deepest first, and only once empty). A file that changed
 * since we wrote it is left alone and reported, so uninstall never destroys someone's edits; everything else goes
 * back to how it was before install, byte for byte.
 */
import { existsSync, lstatSync, readdirSync, readlinkSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { sep } from "node:path";
import { undoConfigEntry } from "./config.js";
import { type Manifest, type ManifestEntry, sha256File } from "./manifest.js";

export type UndoResult = "removed" | "restored" | "edited" | "absent" | "kept";

export interface UndoStep {
  path: string;
  kind: ManifestEntry["kind"] | "manifest";
  result: UndoResult;
  /** Why something was kept. */
  reason?: string;
}

function isEmptyDir(path: string): boolean {
  try {
    return readdirSync(path).length === 0;
  } catch {
    return false;
  }
}

const exists = (path: string): boolean => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

function undoEntry(entry: Exclude<ManifestEntry, { kind: "dir" }>, dryRun: boolean): UndoStep {
  const step = (result: UndoResult, reason?: string): UndoStep => ({
    path: entry.path,
    kind: entry.kind,
    result,
    ...(reason ? { reason } : {}),
  });
  switch (entry.kind) {
    case "tree":
      if (!exists(entry.path)) return step("absent");
      if (!dryRun) rmSync(entry.path, { recursive: true, force: true });
      return step("removed");
    case "symlink": {
      if (!exists(entry.path)) return step("absent");
      const target = lstatSync(entry.path).isSymbolicLink() ? readlinkSync(entry.path) : null;
      if (target !== entry.target) return step("kept", "it no longer is the link install made");
      if (!dryRun) rmSync(entry.path);
      return step("removed");
    }
    case "file": {
      const hash = sha256File(entry.path);
      if (hash === null) return step("absent");
      if (hash !== entry.sha256) return step("kept", "changed since install");
      if (!dryRun) rmSync(entry.path);
      return step("removed");
    }
    case "replaced": {
      const hash = sha256File(entry.path);
      if (!existsSync(entry.backup)) return step("kept", `its earlier copy ${entry.backup} is gone`);
      if (hash !== null && hash !== entry.sha256) {
        return step("kept", `changed since install; the earlier copy stays at ${entry.backup}`);
      }
      if (!dryRun) renameSync(entry.backup, entry.path);
      return step("restored");
    }
    case "config": {
      const outcome = undoConfigEntry(entry, dryRun);
      return step(outcome === "removed" ? "removed" : outcome);
    }
  }
}

/** Undoes every entry of `manifest`, then removes the manifest file itself. */
export function undoManifest(manifest: Manifest, manifestFile: string, dryRun: boolean): UndoStep[] {
  const steps: UndoStep[] = [];
  const dirs: string[] = [];
  for (const entry of [...manifest.entries].reverse()) {
    if (entry.kind === "dir") dirs.push(entry.path);
    else steps.push(undoEntry(entry, dryRun));
  }
  if (!dryRun) rmSync(manifestFile, { force: true });
  steps.push({ path: manifestFile, kind: "manifest", result: "removed" });
  // Deepest first; a dry run cannot see a folder emptied by the steps above, so it reports what would be tried.
  dirs.sort((a, b) => b.split(sep).length - a.split(sep).length);
  for (const dir of dirs) {
    if (!exists(dir)) steps.push({ path: dir, kind: "dir", result: "absent" });
    else if (dryRun) steps.push({ path: dir, kind: "dir", result: "removed", reason: "if empty by then" });
    else if (!isEmptyDir(dir)) steps.push({ path: dir, kind: "dir", result: "kept", reason: "not empty" });
    else {
      rmdirSync(dir);
      steps.push({ path: dir, kind: "dir", result: "removed" });
    }
  }
  return steps;
}
