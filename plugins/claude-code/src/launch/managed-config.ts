/**
 * Compatible-API workers run with a config dir the runtime owns (`CLAUDE_CONFIG_DIR`). There the MCP server,
 * workspace trust and onboarding are written into the CLI's own files instead of passed as flags, so the worker
 * starts straight at its input prompt. Existing content (the CLI keeps its own state in `.claude.json`) is kept:
 * only the keys Team Agent needs are set.
 */
import { join } from "node:path";
import type { LaunchFile } from "@team-agent/provider-registry";
import { MCP_SERVER_NAME } from "../constants.js";
import type { ClaudeMcpServerEntry } from "./mcp.js";

export interface ManagedConfigInput {
  configDir: string;
  /** The workspace paths the CLI may see as its cwd (given and symlink-resolved); each gets a project entry. */
  workspaceKeys: readonly string[];
  server: ClaudeMcpServerEntry;
  /** Reads an existing file of the config dir; null when absent or unreadable. */
  readText: (path: string) => string | null;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An existing JSON object file, or `{}` when missing or not an object (a broken file is replaced, not merged). */
function readObject(readText: ManagedConfigInput["readText"], path: string): Json {
  const text = readText(path);
  if (text === null) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function projectEntry(existing: unknown, server: ClaudeMcpServerEntry): Json {
  const project = isObject(existing) ? existing : {};
  const servers = isObject(project.mcpServers) ? project.mcpServers : {};
  return {
    ...project,
    hasTrustDialogAccepted: true,
    hasCompletedProjectOnboarding: true,
    mcpServers: { ...servers, [MCP_SERVER_NAME]: server },
  };
}

export function claudeJsonPath(configDir: string): string {
  return join(configDir, ".claude.json");
}

export function settingsJsonPath(configDir: string): string {
  return join(configDir, "settings.json");
}

/** The two files to write before the worker starts: `.claude.json` and `settings.json`, both 0600. */
export function managedConfigFiles(input: ManagedConfigInput): LaunchFile[] {
  const claudePath = claudeJsonPath(input.configDir);
  const claude = readObject(input.readText, claudePath);
  const projects = isObject(claude.projects) ? { ...claude.projects } : {};
  for (const key of input.workspaceKeys) projects[key] = projectEntry(projects[key], input.server);
  const nextClaude = { ...claude, hasCompletedOnboarding: true, projects };

  const settingsPath = settingsJsonPath(input.configDir);
  // Only read when the worker runs with the bypass flag; the dialog it would show defaults to "No, exit".
  const nextSettings = { ...readObject(input.readText, settingsPath), skipDangerousModePermissionPrompt: true };

  return [
    { path: claudePath, content: `${JSON.stringify(nextClaude, null, 2)}\n`, mode: 0o600 },
    { path: settingsPath, content: `${JSON.stringify(nextSettings, null, 2)}\n`, mode: 0o600 },
  ];
}
