/** What a running command gets: where it runs, how to reach the runtime, and where to report progress. */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { TeamRuntime } from "@team-agent/coordinator";
import type { TeamRow } from "@team-agent/core-state";
import { resolveNodeEntry, TeamRuntimeError } from "@team-agent/core-state/basics";
import type { ProviderRegistry } from "@team-agent/provider-registry";
import { z } from "zod";

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** `$XDG_CONFIG_HOME/team-agent/config.json`, else `~/.config/team-agent/config.json`. */
export function userConfigPath(env: NodeJS.ProcessEnv): string {
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored, like an empty one.
  const xdg = env["XDG_CONFIG_HOME"];
  const base = xdg && isAbsolute(xdg) ? xdg : join(env["HOME"] || homedir(), ".config");
  return join(base, "team-agent", "config.json");
}

// Unknown keys are kept: the installer or a newer CLI may add settings this version does not read.
const userConfigSchema = z.looseObject({
  provider_paths: z.array(z.string().refine(isAbsolute, { error: "expected an absolute path" })).default([]),
});

export type UserConfig = z.infer<typeof userConfigSchema>;

function invalidUserConfig(file: string, problem: string, cause: unknown): TeamRuntimeError {
  return new TeamRuntimeError(
    "user_config_invalid",
    `The Team Agent config ${file} ${problem}`,
    `Fix ${file} (expected {"provider_paths": ["/absolute/plugin/folder", ...]}) or remove it.`,
    { cause },
  );
}

/** The user's Team Agent config; no file means defaults, an unreadable or invalid one throws naming the file. */
export function readUserConfig(env: NodeJS.ProcessEnv): UserConfig {
  const file = userConfigPath(env);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return userConfigSchema.parse({});
    throw invalidUserConfig(file, `cannot be read: ${(error as Error).message}`, error);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalidUserConfig(file, `is not valid JSON: ${(error as Error).message}`, error);
  }
  const parsed = userConfigSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`);
    throw invalidUserConfig(file, `is not valid: ${problems.join("; ")}`, parsed.error);
  }
  return parsed.data;
}

export class CommandContext {
  readonly json: boolean;
  private runtimePromise: Promise<TeamRuntime> | null = null;
  private registryPromise: Promise<ProviderRegistry> | null = null;

  constructor(
    readonly io: CommandIO,
    readonly options: { json: boolean; workspace?: string | undefined; team?: string | undefined },
  ) {
    this.json = options.json;
  }

  /** The workspace directory: `--workspace`, else the current directory. */
  get workspace(): string {
    return this.options.workspace ? resolve(this.io.cwd, this.options.workspace) : this.io.cwd;
  }

  /** Progress for long steps, on stderr when it is a terminal (never in JSON mode's stdout). */
  progress(message: string): void {
    if (this.io.stderr.isTTY) this.io.stderr.write(`… ${message}\n`);
  }

  /**
   * The provider plugins this installation ships (its own dependencies), third-party ones found from cwd, and the
   * plugin folders listed in the user config's `provider_paths` (what `installer add-provider` writes).
   */
  registry(): Promise<ProviderRegistry> {
    this.registryPromise ??= (async () => {
      const { provider_paths } = readUserConfig(this.io.env);
      const { discoverProviders } = await import("@team-agent/provider-registry");
      return discoverProviders({
        runtimePackageJson: new URL("../../package.json", import.meta.url),
        searchFrom: this.io.cwd,
        paths: provider_paths,
      });
    })();
    return this.registryPromise;
  }

  runtime(): Promise<TeamRuntime> {
    this.runtimePromise ??= (async () => {
      const { TeamRuntime } = await import("@team-agent/coordinator");
      return TeamRuntime.open({ workspace: this.workspace, registry: await this.registry() });
    })();
    return this.runtimePromise;
  }

  /** The team `--team` names, else the workspace's active team. */
  async team(): Promise<TeamRow> {
    return (await this.runtime()).team(this.options.team ?? null);
  }

  /** How workers start this installation's MCP server: `team-agent mcp --workspace <ws>` through this same Node. */
  mcpCommand(workspace: string): { command: string; args: string[] } {
    const entry = resolveNodeEntry(import.meta.url, "../bin");
    return { command: process.execPath, args: [...entry.nodeArgs, "mcp", "--workspace", workspace] };
  }

  async close(): Promise<void> {
    if (this.runtimePromise) await (await this.runtimePromise).close();
  }
}
