/**
 * Where Claude Code keeps a cwd's transcripts: `<projects root>/<encoded cwd>/<session id>.jsonl`.
 *
 * 2.1.332 (read from the shipped binary, confirmed by recordings) replaces every UTF-16 code unit outside
 * `[a-zA-Z0-9]` with `-` — so `.` and `_` become `-` and a non-BMP character becomes `--` — and cuts a name longer
 * than 200 characters to 200 plus `-<base-36 of |Java-style string hash of the cwd|>`. Earlier releases (and the
 * original team-agent) used other forms; they are searched too, current form first.
 */
import { homedir } from "node:os";
import { join } from "node:path";

const MAX_DIR_NAME = 200;

/** `String.hashCode` over UTF-16 code units, as a signed 32-bit integer (what the CLI uses for long names). */
export function cliStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** The directory name Claude Code 2.1.332 uses for `cwd`. */
export function currentProjectDirName(cwd: string): string {
  const name = cwd.replace(/[^a-zA-Z0-9]/g, "-");
  if (name.length <= MAX_DIR_NAME) return name;
  return `${name.slice(0, MAX_DIR_NAME)}-${Math.abs(cliStringHash(cwd)).toString(36)}`;
}

/**
 * Every directory name a Claude Code release may have used for `cwd`, most likely first, without duplicates:
 * the current form; the same per code point (one `-` for a non-BMP character); the original team-agent's "current"
 * form that keeps `.`; and its legacy form that keeps `.` and `_`.
 */
export function projectDirNames(cwd: string): string[] {
  const names = [
    currentProjectDirName(cwd),
    cwd.replace(/[^a-zA-Z0-9]/gu, "-"),
    cwd.replace(/[^A-Za-z0-9.-]/gu, "-"),
    cwd.replace(/[^A-Za-z0-9._-]/gu, "-"),
  ];
  return [...new Set(names)];
}

export function projectDirs(projectsRoot: string, cwd: string): string[] {
  return projectDirNames(cwd).map((name) => join(projectsRoot, name));
}

/**
 * The projects root for a worker: `roots.claude_projects_root`, else `<roots.claude_config_dir>/projects`, else the
 * CLI's default `~/.claude/projects`.
 */
export function projectsRootFrom(roots: Readonly<Record<string, string>>, home: string = homedir()): string {
  const explicit = roots.claude_projects_root;
  if (explicit) return explicit;
  const configDir = roots.claude_config_dir;
  return configDir ? join(configDir, "projects") : join(home, ".claude", "projects");
}

/** The projects root under a config dir (what `CLAUDE_CONFIG_DIR` points at). */
export function projectsRootForConfigDir(configDir: string): string {
  return join(configDir, "projects");
}
