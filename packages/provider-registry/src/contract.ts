/**
 * The provider plugin contract (D5), version 1. A plugin is a package whose package.json declares
 * `"teamAgent": {"provider": "<name>", "aliases": [...]}` and whose default export is a `ProviderPlugin`.
 * Core code only ever sees this interface; it never imports a provider by name.
 */
import type { CanonicalTool } from "@team-agent/core-state";
import type { TranscriptReader } from "@team-agent/idle-predicate";
import type { PasteStrategy, ScreenSignatures } from "@team-agent/tmux-prompt";

export const PROVIDER_CONTRACT_VERSION = 1;

/** Canonical tool permissions of a worker: core-state's spec vocabulary. */
export type { CanonicalTool };

export type AuthMode = "subscription" | "official_api" | "compatible_api";

/** Everything the coordinator knows about a worker when it asks a plugin for a command line. */
export interface WorkerLaunchSpec {
  teamId: string;
  agentId: string;
  role: string;
  /** Absolute, symlink-resolved workspace; the worker's cwd. */
  workspace: string;
  model: string | null;
  authMode: AuthMode;
  tools: readonly CanonicalTool[];
  /** The full worker prompt (identity, teammate contract, role prompt), composed by the coordinator. */
  systemPrompt: string;
  /** `runtime.dangerous_auto_approve` or an inherited dangerous leader flag: use the CLI's bypass flags. */
  dangerousAutoApprove: boolean;
  /** A per-agent config dir the runtime manages (compatible-API profiles), or null. */
  providerConfigDir: string | null;
  /** Non-secret provider settings from the agent's profile (model override, base URL, provider id). */
  profileSettings: Readonly<Record<string, string>>;
}

/**
 * The team's own MCP tools a worker calls without a per-call approval prompt (spec 03 §1.4 step 5): talking to the
 * team and reporting back. Plugins grant exactly these at launch where their CLI can (a flag or a config key), so
 * no approval menu ever blocks a worker's report; every other tool keeps the CLI's own approval policy.
 */
export const PREAPPROVED_TEAM_TOOLS = ["send_message", "report_result", "get_team_status", "request_human"] as const;

/** The team's MCP server as one stdio process, named `team_orchestrator` in every CLI. */
export interface McpServerLaunch {
  name: "team_orchestrator";
  command: string;
  args: readonly string[];
  /** Non-secret environment: TEAM_AGENT_ID, TEAM_AGENT_OWNER_TEAM_ID, TEAM_AGENT_WORKSPACE. */
  env: Readonly<Record<string, string>>;
}

/** A file a launch needs written first (e.g. an MCP config). Secrets never go here; they use the env file. */
export interface LaunchFile {
  path: string;
  content: string;
  mode: number;
}

/** What to run in the worker's pane. `argv[0]` is the executable; nothing is ever joined into a shell string here. */
export interface LaunchPlan {
  argv: string[];
  /** Non-secret variables to export before exec (secrets come from the agent's 0600 env file). */
  env: Record<string, string>;
  files: LaunchFile[];
  /** A session id the plugin chose up front (Claude Code's `--session-id`), to capture and resume later. */
  predeterminedSessionId: string | null;
  /** Keys to type once the CLI is ready (e.g. `/fast` then Enter), in order. */
  afterStartKeys: string[][];
}

/** A blocking screen the plugin knows and how the runtime may answer it. */
export interface PromptCatalogEntry {
  id: string;
  /** The classifier kind this screen shows up as. */
  kind: "trust_prompt" | "auth_required" | "numbered_menu" | "yes_no" | "press_enter" | "compaction_warning";
  /** Matched against the screen's last lines (case-insensitive). */
  match: readonly RegExp[];
  /** `keys`: safe to answer with these keys; `trust_policy`: hand to the workspace-trust policy; `report`: tell the lead. */
  answer: { type: "keys"; keys: readonly string[] } | { type: "trust_policy" } | { type: "report" };
  description: string;
}

export interface SessionCaptureContext {
  agentId: string;
  /** Where the worker was started (its cwd). */
  spawnCwd: string;
  /** ISO time the worker was spawned. */
  spawnedAt: string;
  predeterminedSessionId: string | null;
  /** Session ids already owned by other agents: never attribute these. */
  excludeSessionIds: readonly string[];
  authMode: AuthMode;
  /** Overrides for the CLI's home / transcript roots (tests, managed config dirs). */
  roots: Readonly<Record<string, string>>;
  now: string;
}

export interface SessionCapture {
  session_id: string | null;
  rollout_path: string;
  captured_at: string;
  captured_via: string;
  attribution_confidence: "high" | "medium" | "low";
  spawn_cwd: string;
}

/** A non-closing problem read from a transcript (API error, rate limit, compaction). */
export interface TranscriptFault {
  kind: "api_error" | "rate_limited" | "compaction" | "tool_error" | "other";
  signature: string;
  detail: string;
}

export interface ProviderProbe {
  isInstalled(): Promise<boolean>;
  version(): Promise<string | null>;
  authHint(): Promise<{ status: "present" | "missing" | "unknown"; detail: string }>;
}

export interface ProviderPlugin {
  contractVersion: typeof PROVIDER_CONTRACT_VERSION;
  /** Canonical provider name (`codex`, `claude_code`, `fake`). */
  name: string;
  /** Other names that resolve to this plugin (`claude` for `claude_code`). */
  aliases: readonly string[];
  displayName: string;
  /** The plugin package's own version. */
  version: string;
  /** The executable the launch plan runs. */
  command: string;
  capabilities: { resume: boolean; fork: boolean; transcripts: boolean };

  buildLaunch(worker: WorkerLaunchSpec, mcp: McpServerLaunch): LaunchPlan;
  /** Throws a TeamRuntimeError with code `resume_unavailable` when the session cannot be resumed. */
  buildResume(worker: WorkerLaunchSpec, mcp: McpServerLaunch, sessionId: string): LaunchPlan;

  screen: {
    signatures: ScreenSignatures;
    paste: PasteStrategy;
    /** Text that quits the CLI from its input prompt (`/exit`). */
    exitText: string;
    /**
     * How long the input prompt must stay on screen before a freshly started worker counts as ready (ms, default 0).
     * For CLIs that draw their prompt first and a blocking first-start screen (trust, sign-in) a moment later.
     */
    readySettleMs?: number;
  };
  prompts: readonly PromptCatalogEntry[];
  /** How the CLI names one of the team's MCP tools (`mcp__team_orchestrator__report_result`). */
  mcpToolName(tool: string): string;

  transcripts: {
    reader: TranscriptReader;
    /** Finds this worker's transcript/rollout file; null when not (yet) attributable. */
    capture(context: SessionCaptureContext): Promise<SessionCapture | null>;
    faults(text: string): TranscriptFault[];
  } | null;

  probe: ProviderProbe;
}
