/** Temp folders and file-tree snapshots for the installer tests. */
import { createHash } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

/** A fresh folder under the system temp dir (real path, so comparisons with resolved paths hold). */
export function makeTempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes files (relative path → content) under `root`, creating folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/**
 * Every entry under `root` (relative path → `dir mode`, `file mode size sha256` or `link target`), so two
 * snapshots are equal exactly when the trees are byte for byte the same.
 */
export function snapshotTree(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const key = relative(root, path);
      const info = lstatSync(path);
      const mode = (info.mode & 0o777).toString(8);
      if (info.isSymbolicLink()) entries[key] = `link ${readlinkSync(path)}`;
      else if (info.isDirectory()) {
        entries[key] = `dir ${mode}`;
        visit(path);
      } else {
        const hash = createHash("sha256").update(readFileSync(path)).digest("hex");
        entries[key] = `file ${mode} ${info.size} ${hash}`;
      }
    }
  };
  visit(root);
  return entries;
}
