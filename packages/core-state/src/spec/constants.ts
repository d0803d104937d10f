/** Closed value sets of the team spec (compatibility surface: keep the strings verbatim). */

export const TEAM_MODES = ["supervisor_worker", "swarm_limited"] as const;
export type TeamMode = (typeof TEAM_MODES)[number];

export const PROVIDERS = ["claude", "claude_code", "codex", "gemini_cli", "fake"] as const;
export type Provider = (typeof PROVIDERS)[number];

export const AUTH_MODES = ["subscription", "official_api", "compatible_api"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const PROTOCOLS = ["mcp_inbox", "file_bus"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const BACKENDS = ["tmux", "pty"] as const;
export type Backend = (typeof BACKENDS)[number];

export const DISPLAY_BACKENDS = [
  "none",
  "tmux_attach",
  "iterm",
  "ghostty",
  "ghostty_window",
  "ghostty_workspace",
  "adaptive",
] as const;
export type DisplayBackend = (typeof DISPLAY_BACKENDS)[number];

export const TASK_STATUSES = [
  "pending",
  "ready",
  "running",
  "blocked",
  "needs_retry",
  "done",
  "failed",
  "cancelled",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const RESULT_ENVELOPE_FORMAT = "result_envelope_v1";

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (values as readonly string[]).includes(value);
}
