import { resolveExistingPath } from "@team-agent/core-state";

/** Two cwd strings name the same directory (after resolving `..` and symlinks when the path exists). */
export function samePath(a: string, b: string): boolean {
  return a === b || resolveExistingPath(a) === resolveExistingPath(b);
}

/** A transcript's cwd matches the spawn cwd; a transcript that records no cwd is taken as matching. */
export function cwdMatches(recorded: string | null, spawnCwd: string): boolean {
  return recorded === null || samePath(recorded, spawnCwd);
}
