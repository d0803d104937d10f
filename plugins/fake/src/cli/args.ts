/** The fake agent's command line. Flags mirror what the plugin's launch plan passes (see ../launch.ts). */
import { parseArgs } from "node:util";

export interface CliOptions {
  workspace: string;
  agentId: string;
  /** Inline JSON or a path to a JSON file; null = no MCP server (results are printed instead). */
  mcpConfig: string | null;
  sessionId: string | null;
  resume: string | null;
  projectsRoot: string | null;
  script: string | null;
  trustPrompt: boolean;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: team-agent-fake-agent [options]

A scripted stand-in for an agent CLI (Claude Code shaped), for Team Agent's tests and demo.

  --workspace <dir>        working directory shown and recorded (default: cwd)
  --agent-id <id>          agent id (default: $TEAM_AGENT_ID, else "fake")
  --mcp-config <json|path> {"mcpServers":{"team_orchestrator":{command,args,env}}}; results go to its report_result
  --session-id <uuid>      session id of a new transcript (default: random)
  --resume <uuid>          continue the transcript of this session
  --projects-root <dir>    transcript root (default: $TEAM_AGENT_FAKE_PROJECTS_ROOT, else
                           <workspace>/.team/runtime/fake-agent/projects)
  --script <path>          behaviour script (default: $TEAM_AGENT_FAKE_SCRIPT)
  --trust-prompt           ask for workspace trust first
  --version, --help
`;

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      workspace: { type: "string" },
      "agent-id": { type: "string" },
      "mcp-config": { type: "string" },
      "session-id": { type: "string" },
      resume: { type: "string" },
      "projects-root": { type: "string" },
      script: { type: "string" },
      "trust-prompt": { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  });
  const nonEmpty = (value: string | undefined): string | null => (value !== undefined && value !== "" ? value : null);
  return {
    workspace: values.workspace ?? process.cwd(),
    agentId: nonEmpty(values["agent-id"]) ?? nonEmpty(env["TEAM_AGENT_ID"]) ?? "fake",
    mcpConfig: nonEmpty(values["mcp-config"]),
    sessionId: nonEmpty(values["session-id"]),
    resume: nonEmpty(values.resume),
    projectsRoot: nonEmpty(values["projects-root"]) ?? nonEmpty(env["TEAM_AGENT_FAKE_PROJECTS_ROOT"]),
    script: nonEmpty(values.script) ?? nonEmpty(env["TEAM_AGENT_FAKE_SCRIPT"]),
    trustPrompt: values["trust-prompt"] ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
