/** What a running command gets: where it runs, how to reach the runtime, and where to report progress. */
import { resolve } from "node:path";
import type { TeamRuntime } from "@team-agent/coordinator";
import { resolveNodeEntry, type TeamRow } from "@team-agent/core-state";
import type { ProviderRegistry } from "@team-agent/provider-registry";

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
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

  /** The provider plugins this installation ships (its own dependencies) plus third-party ones found from cwd. */
  registry(): Promise<ProviderRegistry> {
    this.registryPromise ??= import("@team-agent/provider-registry").then(({ discoverProviders }) =>
      discoverProviders({
        runtimePackageJson: new URL("../../package.json", import.meta.url),
        searchFrom: this.io.cwd,
      }),
    );
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
