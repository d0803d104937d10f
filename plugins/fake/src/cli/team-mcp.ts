/**
 * The team's MCP server as the fake sees it: read from `--mcp-config` (inline JSON or a file, Claude Code's
 * `{"mcpServers": {...}}` shape), started over stdio at launch like a real CLI starts its servers, and called with
 * the SDK client. The server's stderr is kept (last lines) for error notices, never printed onto the screen.
 */
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ValidationError } from "@team-agent/core-state";
import { PACKAGE_VERSION } from "../package-info.js";

export const TEAM_SERVER_NAME = "team_orchestrator";

export interface TeamServerConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface ToolOutcome {
  ok: boolean;
  /** The tool's text content (the team server answers with compact JSON). */
  text: string;
}

function invalid(message: string): ValidationError {
  return new ValidationError(message, [], {
    code: "fake_mcp_config_invalid",
    action: `Pass --mcp-config '{"mcpServers":{"${TEAM_SERVER_NAME}":{"command":…,"args":[…],"env":{…}}}}' or a path to such a file.`,
  });
}

/** `value` is inline JSON when it starts with `{`, else a file path. */
export function readMcpConfig(value: string): TeamServerConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.trimStart().startsWith("{") ? value : readFileSync(value, "utf8"));
  } catch (error) {
    throw invalid(`cannot read the MCP config: ${(error as Error).message}`);
  }
  const servers = (parsed as { mcpServers?: unknown } | null)?.mcpServers;
  const server =
    servers !== null && typeof servers === "object"
      ? (servers as Record<string, unknown>)[TEAM_SERVER_NAME]
      : undefined;
  if (server === null || typeof server !== "object")
    throw invalid(`the MCP config has no mcpServers.${TEAM_SERVER_NAME}`);
  const { command, args = [], env = {} } = server as Record<string, unknown>;
  if (typeof command !== "string" || command === "")
    throw invalid(`mcpServers.${TEAM_SERVER_NAME}.command must be a string`);
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === "string")) {
    throw invalid(`mcpServers.${TEAM_SERVER_NAME}.args must be a list of strings`);
  }
  if (env === null || typeof env !== "object" || !Object.values(env).every((v) => typeof v === "string")) {
    throw invalid(`mcpServers.${TEAM_SERVER_NAME}.env must map names to strings`);
  }
  return { command, args, env: env as Record<string, string> };
}

const STDERR_KEEP = 4_000;

export class TeamMcp {
  private client: Client | null = null;
  private transport: StdioClientTransport | null = null;
  private connecting: Promise<Client> | null = null;
  private stderrTail = "";
  private closed = false;

  constructor(
    private readonly config: TeamServerConfig,
    private readonly cwd: string,
  ) {}

  /** Starts the server once; a failed start is retried by the next call. */
  connect(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error("the MCP connection is closed"));
    this.connecting ??= this.start().catch((error: unknown) => {
      this.connecting = null;
      throw error;
    });
    return this.connecting;
  }

  private async start(): Promise<Client> {
    // The SDK adds a small safe base environment (PATH, HOME, …); the config's env says who we are.
    const transport = new StdioClientTransport({
      command: this.config.command,
      args: this.config.args,
      env: this.config.env,
      cwd: this.cwd,
      stderr: "pipe",
    });
    this.transport = transport;
    transport.stderr?.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_KEEP);
    });
    const client = new Client({ name: "team-agent-fake-agent", version: PACKAGE_VERSION });
    try {
      await client.connect(transport);
    } catch (error) {
      await transport.close().catch(() => undefined);
      throw new Error(`${TEAM_SERVER_NAME} did not start: ${(error as Error).message}${this.lastStderr()}`);
    }
    if (this.closed) {
      // Closed while starting (the agent is exiting): do not leave the server running.
      await client.close().catch(() => undefined);
      throw new Error("the MCP connection is closed");
    }
    this.client = client;
    return client;
  }

  private lastStderr(): string {
    const lines = this.stderrTail.trim().split("\n").slice(-3).join(" | ");
    return lines ? ` (server stderr: ${lines})` : "";
  }

  async call(tool: string, args: Record<string, unknown>): Promise<ToolOutcome> {
    const client = await this.connect();
    const result = await client.callTool({ name: tool, arguments: args });
    const content = Array.isArray(result.content) ? result.content : [];
    const text = content
      .map((item) => (item !== null && typeof item === "object" && "text" in item ? String(item.text) : ""))
      .join("");
    return { ok: result.isError !== true, text };
  }

  /** Last resort when the process is exiting anyway: signal the server now (synchronous, no waiting). */
  killNow(): void {
    const pid = this.transport?.pid;
    if (pid === null || pid === undefined) return;
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }

  /** Stops the server process (the SDK closes its stdin, then signals it). */
  async close(): Promise<void> {
    this.closed = true;
    // A start in progress sees `closed` and stops its own server; wait for that.
    if (this.connecting) await this.connecting.catch(() => undefined);
    const client = this.client;
    this.client = null;
    if (client) await client.close().catch(() => undefined);
    else if (this.transport) await this.transport.close().catch(() => undefined);
  }
}
