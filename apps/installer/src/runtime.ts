/**
 * Runtime versions under `<data>/runtime/`: each in its own folder `<cli version>-<tree hash>`, put in place by
 * copying into a staging folder and renaming it (a half-copied runtime is never visible under its final name),
 * and a `current` symlink switched atomically (a new link renamed over the old one), so a `team-agent` started
 * during an install runs either the old runtime or the new one, never a mix.
 */
import { existsSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { cliEntry } from "./shim.js";
import { type CopyStats, copyTree } from "./tree.js";

export const runtimeName = (cliVersion: string, treeHash: string): string => `${cliVersion}-${treeHash}`;

/** A runtime folder that holds the CLI's manifest and entry (a complete copy). */
export function isRuntimeComplete(runtimeDir: string): boolean {
  return (
    existsSync(join(runtimeDir, "node_modules", "@team-agent", "cli", "package.json")) &&
    existsSync(cliEntry(runtimeDir))
  );
}

/**
 * Copies `nodeModules` into `<runtimeRoot>/<name>/node_modules` through a staging folder. An incomplete folder
 * already under that name (an interrupted older installer) is replaced.
 */
export function stageRuntime(nodeModules: string, runtimeRoot: string, name: string): CopyStats {
  const final = join(runtimeRoot, name);
  const staging = join(runtimeRoot, `.staging-${name}-${process.pid}`);
  const aside = join(runtimeRoot, `.replaced-${name}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging);
    const stats = copyTree(nodeModules, join(staging, "node_modules"));
    if (existsSync(final)) renameSync(final, aside);
    renameSync(staging, final);
    rmSync(aside, { recursive: true, force: true });
    return stats;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The runtime folder name `current` points at, or null when there is no such link. */
export function readCurrent(currentLink: string): string | null {
  try {
    return readlinkSync(currentLink);
  } catch {
    return null;
  }
}

/** Points `current` at `name` (a relative link, so the data folder can move) by renaming a new link over it. */
export function switchCurrent(currentLink: string, name: string): void {
  const temporary = `${currentLink}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  symlinkSync(name, temporary);
  try {
    renameSync(temporary, currentLink);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
