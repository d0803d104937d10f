// Lists the monorepo's workspace packages (dir, manifest) from the root package.json's `workspaces` globs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

export function listWorkspaces() {
  const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
  const found = [];
  for (const pattern of root.workspaces) {
    const parent = join(repoRoot, pattern.replace(/\/\*$/, ""));
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const manifestPath = join(parent, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      found.push({ dir: join(parent, entry.name), manifest: JSON.parse(readFileSync(manifestPath, "utf8")) });
    }
  }
  return found.sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}
