/**
 * The `team_orchestrator` MCP server (spec 04 §2): one process per worker, over stdio, on the workspace's store.
 *
 * The SDK's McpServer registers the tools and answers `initialize` and `tools/list` (the advertised schemas). The
 * server answers `tools/call` itself: the SDK reports unknown tools and schema failures as plain text, while a
 * worker needs the JSON reason of §2.6 (`unknown_tool`, `invalid_tool_arguments`, `internal_runtime_error`) and
 * the strict check of undeclared parameters. The runtime (coordinator, store) loads on the first call, so a worker's
 * CLI sees the server ready without waiting for it.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
} from "@modelcontextprotocol/sdk/types.js";
import { usageError } from "@team-agent/core-state/basics";
import { invalidArgumentsFailure, thrownFailure, unknownToolFailure } from "./errors.js";
import { type CallerIdentity, dottedToolName, identityFromEnv, SERVER_NAME, workspaceFrom } from "./identity.js";
import { isToolName, TOOL_DECLARATIONS, TOOL_NAMES, type ToolArgs, type ToolName } from "./schemas.js";
import type { ToolRunner } from "./tools.js";

export interface TeamMcpServerOptions {
  /** Absolute path of the workspace whose `.team/` store the tools act on. */
  workspace: string;
  /** The spawn environment: the caller's identity comes from here only. */
  env: NodeJS.ProcessEnv;
  /** `serverInfo.version` (the package's version). */
  version: string;
}

export interface TeamMcpServer {
  readonly mcp: McpServer;
  readonly identity: CallerIdentity;
  /** Answers one `tools/call` (what the protocol handler runs; also usable in-process). */
  call(name: string, args: unknown): Promise<CallToolResult>;
  close(): Promise<void>;
}

function answer(value: object & { ok?: unknown }): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }], isError: value.ok === false };
}

export function createTeamMcpServer(options: TeamMcpServerOptions): TeamMcpServer {
  const identity = identityFromEnv(options.env);
  const mcp = new McpServer({ name: SERVER_NAME, version: options.version }, { capabilities: { tools: {} } });
  let runner: Promise<ToolRunner> | null = null;

  const loadRunner = (): Promise<ToolRunner> => {
    runner ??= import("./tools.js").then(({ ToolRunner }) => new ToolRunner(options.workspace, identity));
    return runner;
  };
  const label = async (tool: string): Promise<string> => {
    try {
      return await (await loadRunner()).toolLabel(tool);
    } catch {
      return dottedToolName(tool);
    }
  };

  const call = async (name: string, args: unknown): Promise<CallToolResult> => {
    if (!isToolName(name)) return answer(unknownToolFailure(name, await Promise.all(TOOL_NAMES.map(label))));
    const parsed = TOOL_DECLARATIONS[name].accepts.safeParse(args ?? {}, { reportInput: true });
    if (!parsed.success) return answer(invalidArgumentsFailure(await label(name), parsed.error.issues));
    try {
      const loaded = await loadRunner();
      return answer(await loaded.run<ToolName>(name, parsed.data as ToolArgs<ToolName>));
    } catch (error) {
      return answer(thrownFailure(error));
    }
  };

  for (const name of TOOL_NAMES) {
    const { description, shape } = TOOL_DECLARATIONS[name];
    // The callback is what McpServer would run; the tools/call handler below routes every call through `call`.
    mcp.registerTool(name, { description, inputSchema: shape }, (args: unknown) => call(name, args));
  }
  mcp.server.setRequestHandler(CallToolRequestSchema, (request) => call(request.params.name, request.params.arguments));
  // Load the runtime while the worker's model is still thinking about its first call.
  mcp.server.oninitialized = () => {
    loadRunner()
      .then((loaded) => loaded.runtime())
      .catch(() => undefined); // the first call reports what went wrong
  };

  return {
    mcp,
    identity,
    call,
    async close() {
      await mcp.close();
      await (await runner?.catch(() => null))?.close();
    },
  };
}

/**
 * The workspace a server runs on: `--workspace`, else `TEAM_AGENT_WORKSPACE`, else the current directory, resolved
 * against `cwd`. It must be an existing directory; the store inside is created on first use.
 */
export function serverWorkspace(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const workspace = resolve(cwd, workspaceFrom(option, env) ?? ".");
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) {
    throw usageError(
      `workspace ${workspace} is not a directory`,
      "Pass --workspace <dir> (or set TEAM_AGENT_WORKSPACE) naming the team's workspace.",
    );
  }
  return workspace;
}

export interface StdioServeOptions extends TeamMcpServerOptions {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/** How long a closing server waits for the answers still owed before it gives up on them. */
const DRAIN_LIMIT_MS = 60_000;

/**
 * A stdio transport that knows which requests it still owes an answer, so the server can end after the client has
 * closed stdin without dropping the answers to calls it already read (a tool's writes are done by then; only the
 * answer would be lost).
 */
class DrainingStdioTransport extends StdioServerTransport {
  private readonly owed = new Set<string | number>();
  private whenDrained: (() => void) | null = null;

  /** Call after `connect`: the protocol has installed its message handler by then. */
  trackRequests(): void {
    const receive = this.onmessage;
    this.onmessage = (message: JSONRPCMessage) => {
      if (isJSONRPCRequest(message)) this.owed.add(message.id);
      // A cancelled request is never answered.
      if (!isJSONRPCRequest(message) && "method" in message && message.method === "notifications/cancelled") {
        this.settle((message.params as { requestId?: string | number } | undefined)?.requestId);
      }
      receive?.(message);
    };
  }

  override async send(message: JSONRPCMessage): Promise<void> {
    await super.send(message);
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) this.settle(message.id);
  }

  drained(): Promise<void> {
    if (this.owed.size === 0) return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(done, DRAIN_LIMIT_MS);
      this.whenDrained = () => {
        clearTimeout(timer);
        done();
      };
    });
  }

  private settle(id: string | number | undefined): void {
    if (id !== undefined) this.owed.delete(id);
    if (this.owed.size === 0) this.whenDrained?.();
  }
}

/**
 * Serves over stdio until the client closes stdin, sends the answers still owed, then closes the store. stdout
 * carries only the protocol: console output of anything loaded into this process goes to stderr.
 */
export async function serveStdio(options: StdioServeOptions): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  if (stdout === process.stdout) {
    const toStderr = (...args: unknown[]) => console.error(...args);
    console.log = toStderr;
    console.info = toStderr;
    console.debug = toStderr;
  }
  const server = createTeamMcpServer(options);
  const ended = new Promise<void>((done) => {
    stdin.once("end", done);
    stdin.once("close", done);
    server.mcp.server.onclose = done;
  });
  const transport = new DrainingStdioTransport(stdin as typeof process.stdin, stdout as typeof process.stdout);
  await server.mcp.connect(transport);
  transport.trackRequests();
  await ended;
  await transport.drained();
  await server.close();
}
