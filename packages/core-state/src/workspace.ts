import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { assertSafeId } from "./ids.js";

/** D8: `.team/` and everything below it that we create is private to the user. */
export const PRIVATE_DIR_MODE = 0o700;
/** D8: secret-bearing files. */
export const SECRET_FILE_MODE = 0o600;

/** Every path the runtime persists under a workspace (the directory that owns `.team/`). */
export interface WorkspaceLayout {
  readonly root: string;
  readonly teamRoot: string;
  readonly runtimeDir: string;
  readonly logsDir: string;
  readonly artifactsDir: string;
  readonly dynamicRoleDir: string;
  readonly mcpConfigDir: string;
  readonly providerEnvDir: string;
  /** D1: the single source of truth for mutable runtime state. */
  readonly dbPath: string;
  /** D2: the structured event log. */
  readonly eventsPath: string;
  /** Team doc dir (`TEAM.md` + `agents/`) of a named team, or of the default team when no id is given. */
  teamDocDir(teamId?: string): string;
  agentScrollbackPath(agentId: string): string;
  agentMcpConfigPath(agentId: string): string;
}

/** Builds the layout for a workspace root without touching the disk. */
export function workspaceLayout(root: string): WorkspaceLayout {
  const absoluteRoot = resolveExistingPath(root);
  const teamRoot = join(absoluteRoot, ".team");
  const runtimeDir = join(teamRoot, "runtime");
  const logsDir = join(teamRoot, "logs");
  return {
    root: absoluteRoot,
    teamRoot,
    runtimeDir,
    logsDir,
    artifactsDir: join(teamRoot, "artifacts"),
    dynamicRoleDir: join(teamRoot, "dynamic-role-files"),
    mcpConfigDir: join(runtimeDir, "mcp"),
    providerEnvDir: join(runtimeDir, "provider-env"),
    dbPath: join(runtimeDir, "team.db"),
    eventsPath: join(logsDir, "events.jsonl"),
    teamDocDir: (teamId) => join(teamRoot, teamId === undefined ? "current" : assertSafeId("team", teamId)),
    agentScrollbackPath: (agentId) => join(logsDir, `${assertSafeId("agent", agentId)}.scrollback`),
    agentMcpConfigPath: (agentId) => join(runtimeDir, "mcp", `${assertSafeId("agent", agentId)}.json`),
  };
}

/** Creates `.team/{runtime,logs,artifacts}` with mode 0700 (tightening existing ones) and returns the layout. */
export function ensureWorkspace(root: string): WorkspaceLayout {
  const layout = workspaceLayout(root);
  for (const dir of [layout.teamRoot, layout.runtimeDir, layout.logsDir, layout.artifactsDir]) {
    ensurePrivateDir(dir);
  }
  return layout;
}

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((statSync(dir).mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Writes a whole file through a unique temp sibling, fsync and rename, so readers see the old or the new
 * content, never half of it.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o644): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const fd = openSync(temp, "wx", mode);
    try {
      writeSync(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, mode);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** D8: secret-bearing files are 0600 from the first byte. */
export function writeSecretFile(path: string, content: string): void {
  writeFileAtomic(path, content, SECRET_FILE_MODE);
}

/**
 * Absolute path with symlinks resolved for the longest existing prefix (temp and home dirs are often symlinks,
 * and ids derived from paths must not change with them).
 */
export function resolveExistingPath(path: string): string {
  const absolute = resolve(path);
  const missing: string[] = [];
  let current = absolute;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) return absolute;
    missing.unshift(basename(current));
    current = parent;
  }
  const real = realpathSync(current);
  return missing.length === 0 ? real : join(real, ...missing);
}

/** The workspace of a team doc dir: the grandparent when the dir sits directly under `.team/`, else the parent. */
export function workspaceOfTeamDocDir(teamDocDir: string): string {
  const absolute = resolveExistingPath(teamDocDir);
  const parent = dirname(absolute);
  return basename(parent) === ".team" ? dirname(parent) : parent;
}

/** The nearest ancestor of `start` (itself included) that owns a `.team/` directory, or undefined. */
export function findWorkspaceRoot(start: string): string | undefined {
  let current = resolveExistingPath(start);
  for (;;) {
    if (existsSync(join(current, ".team")) && !current.split(sep).includes(".team")) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
