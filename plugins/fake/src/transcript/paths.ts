/**
 * Where the fake agent keeps its transcripts, laid out like Claude Code's projects directory:
 * `<projects root>/<encoded cwd>/<session id>.jsonl`. The CLI writes there and the plugin's capture reads there,
 * through these functions only.
 */
import { join } from "node:path";
import { resolveExistingPath } from "@team-agent/core-state";

/** `/tmp/my ws_1` → `-tmp-my-ws-1`: every code point outside `[A-Za-z0-9.-]` becomes one `-`. */
export function encodeProjectDir(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9.-]/gu, "-");
}

/**
 * Default projects root when none is configured: inside the workspace's private runtime dir, so a fake team never
 * writes into a real CLI's home.
 */
export function defaultProjectsRoot(workspace: string): string {
  return join(resolveExistingPath(workspace), ".team", "runtime", "fake-agent", "projects");
}

export function projectDir(projectsRoot: string, workspace: string): string {
  return join(projectsRoot, encodeProjectDir(resolveExistingPath(workspace)));
}

export function transcriptPath(projectsRoot: string, workspace: string, sessionId: string): string {
  return join(projectDir(projectsRoot, workspace), `${sessionId}.jsonl`);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Session ids become file names: only UUIDs are accepted. */
export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && UUID_RE.test(value);
}
