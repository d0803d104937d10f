/**
 * Canonical tool permissions → the Claude Code built-in tools to deny. A worker without a permission must not see
 * the tools that grant it; everything not listed here (network, git_diff, the MCP tools) Claude Code cannot take
 * away by tool name, so the role prompt has to carry those limits.
 */
import type { CanonicalTool } from "@team-agent/provider-registry";

const TOOLS_BY_PERMISSION: ReadonlyArray<readonly [CanonicalTool, readonly string[]]> = [
  ["execute_bash", ["Bash"]],
  ["fs_read", ["Read"]],
  // 2.1.332 has no MultiEdit any more and warns on screen about a deny rule that "matches no tool".
  ["fs_write", ["Edit", "Write", "NotebookEdit"]],
  ["fs_list", ["Glob", "Grep"]],
];

/** The built-in tools to pass to `--disallowedTools`, in a stable order; empty when every permission is granted. */
export function disallowedTools(granted: readonly CanonicalTool[]): string[] {
  const have = new Set(granted);
  const denied: string[] = [];
  for (const [permission, tools] of TOOLS_BY_PERMISSION) {
    if (!have.has(permission)) denied.push(...tools);
  }
  return denied;
}
