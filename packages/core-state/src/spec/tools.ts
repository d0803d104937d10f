/** Canonical tool names, their aliases and the per-role defaults (spec 01 §7). */
import { isOneOf } from "./constants.js";

export const CANONICAL_TOOLS = [
  "fs_read",
  "fs_write",
  "fs_list",
  "execute_bash",
  "git_diff",
  "network",
  "mcp_team",
  "provider_builtin",
] as const;
export type CanonicalTool = (typeof CANONICAL_TOOLS)[number];

const TOOL_ALIASES: Readonly<Record<string, readonly CanonicalTool[]>> = {
  "fs_*": ["fs_read", "fs_write", "fs_list"],
  "@builtin": ["provider_builtin"],
  "@team-orchestrator": ["mcp_team"],
  "@cao-mcp-server": ["mcp_team"],
  "*": CANONICAL_TOOLS,
};

const DEVELOPER_TOOLS: readonly CanonicalTool[] = [
  "fs_read",
  "fs_write",
  "fs_list",
  "execute_bash",
  "git_diff",
  "mcp_team",
  "provider_builtin",
];
const SUPERVISOR_TOOLS: readonly CanonicalTool[] = ["fs_read", "fs_list", "mcp_team", "provider_builtin"];
const RESEARCHER_TOOLS: readonly CanonicalTool[] = ["fs_read", "fs_list", "network", "mcp_team", "provider_builtin"];
const REVIEWER_TOOLS: readonly CanonicalTool[] = ["fs_read", "fs_list", "git_diff", "mcp_team", "provider_builtin"];

const ROLE_DEFAULT_TOOLS: Readonly<Record<string, readonly CanonicalTool[]>> = {
  leader: SUPERVISOR_TOOLS,
  supervisor: SUPERVISOR_TOOLS,
  implementation_engineer: DEVELOPER_TOOLS,
  developer: DEVELOPER_TOOLS,
  researcher: RESEARCHER_TOOLS,
  reviewer: REVIEWER_TOOLS,
  code_reviewer: REVIEWER_TOOLS,
};

export function isCanonicalTool(name: unknown): name is CanonicalTool {
  return isOneOf(CANONICAL_TOOLS, name);
}

/** True for a canonical name or an alias that expands to canonical names. */
export function isKnownToolName(name: unknown): name is string {
  return isCanonicalTool(name) || (typeof name === "string" && Object.hasOwn(TOOL_ALIASES, name));
}

export interface ToolExpansion {
  /** Canonical tools, sorted and de-duplicated. */
  tools: CanonicalTool[];
  /** Names that are neither canonical nor an alias, in input order, de-duplicated. */
  unknown: string[];
}

export function expandTools(names: readonly string[]): ToolExpansion {
  const tools = new Set<CanonicalTool>();
  const unknown: string[] = [];
  for (const name of names) {
    if (isCanonicalTool(name)) tools.add(name);
    else if (Object.hasOwn(TOOL_ALIASES, name)) for (const tool of TOOL_ALIASES[name] ?? []) tools.add(tool);
    else if (!unknown.includes(name)) unknown.push(name);
  }
  return { tools: [...tools].sort(), unknown };
}

/** `Implementation Engineer`, `implementation-engineer` and `implementation_engineer` name the same role. */
export function normalizeRoleName(role: string): string {
  return role
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Default tools of a role (sorted); an unknown role gets the developer set. */
export function roleDefaultTools(role: string): CanonicalTool[] {
  return [...(ROLE_DEFAULT_TOOLS[normalizeRoleName(role)] ?? DEVELOPER_TOOLS)].sort();
}

/** Tools an agent actually gets: empty or absent `tools` means the role defaults, not "no tools". */
export function effectiveTools(tools: readonly string[] | undefined, role: string): CanonicalTool[] {
  if (tools === undefined || tools.length === 0) return roleDefaultTools(role);
  return expandTools(tools).tools;
}
