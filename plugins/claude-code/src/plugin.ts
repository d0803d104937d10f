/** Assembles the Claude Code provider plugin from its parts; `createClaudeCodePlugin` lets tests inject I/O. */
import { readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProviderPlugin, WorkerLaunchSpec } from "@team-agent/provider-registry";
import { PROVIDER_CONTRACT_VERSION } from "@team-agent/provider-registry";
import { CLAUDE_COMMAND, DISPLAY_NAME, PROVIDER_ALIASES, PROVIDER_NAME } from "./constants.js";
import { buildLaunch, buildResume, type LaunchDeps } from "./launch/build.js";
import { mcpToolName } from "./launch/mcp.js";
import { createProbe, type ProbeOptions } from "./probe/probe.js";
import { claudeCodePrompts } from "./screen/prompts.js";
import { CLAUDE_EXIT_TEXT, claudeCodePaste, claudeCodeSignatures } from "./screen/signatures.js";
import { newSessionId } from "./session-id.js";
import { captureSession } from "./transcripts/capture.js";
import { transcriptFaults } from "./transcripts/faults.js";
import { projectsRootForConfigDir } from "./transcripts/project-dir.js";
import { claudeTranscriptReader } from "./transcripts/reader.js";
import { checkResumable } from "./transcripts/resumable.js";

export interface ClaudeCodePluginOptions {
  newSessionId?: () => string;
  /** Home dir whose `.claude/projects` holds native workers' transcripts (tests). */
  home?: string;
  /** Check that a session's transcript exists before building a resume plan (default true). */
  verifyResumeTranscript?: boolean;
  probe?: ProbeOptions;
  readText?: (path: string) => string | null;
}

function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** This package's own version, read once from its package.json (same relative place in src/ and dist/). */
function packageVersion(): string {
  const text = readTextOrNull(fileURLToPath(new URL("../package.json", import.meta.url)));
  const version = text ? (JSON.parse(text) as { version?: unknown }).version : undefined;
  return typeof version === "string" ? version : "0.0.0";
}

/** Where a worker's transcripts land: its managed config dir's `projects`, else `~/.claude/projects`. */
export function workerProjectsRoot(worker: WorkerLaunchSpec, home: string = homedir()): string {
  return worker.providerConfigDir !== null
    ? projectsRootForConfigDir(worker.providerConfigDir)
    : join(home, ".claude", "projects");
}

export function createClaudeCodePlugin(options: ClaudeCodePluginOptions = {}): ProviderPlugin {
  const home = options.home ?? homedir();
  const deps: LaunchDeps = {
    newSessionId: options.newSessionId ?? newSessionId,
    readText: options.readText ?? readTextOrNull,
    realpath: realpathOrSelf,
    checkResumable:
      options.verifyResumeTranscript === false
        ? null
        : (worker, sessionId) => checkResumable(sessionId, worker.workspace, workerProjectsRoot(worker, home)),
  };
  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: PROVIDER_NAME,
    aliases: PROVIDER_ALIASES,
    displayName: DISPLAY_NAME,
    version: packageVersion(),
    command: CLAUDE_COMMAND,
    capabilities: { resume: true, fork: false, transcripts: true },
    buildLaunch: (worker, mcp) => buildLaunch(worker, mcp, deps),
    buildResume: (worker, mcp, sessionId) => buildResume(worker, mcp, sessionId, deps),
    screen: { signatures: claudeCodeSignatures, paste: claudeCodePaste, exitText: CLAUDE_EXIT_TEXT },
    prompts: claudeCodePrompts,
    mcpToolName,
    transcripts: {
      reader: claudeTranscriptReader,
      capture: (context) => captureSession(context, { home }),
      faults: transcriptFaults,
    },
    probe: createProbe(options.probe),
  };
}

export const claudeCodePlugin: ProviderPlugin = createClaudeCodePlugin();
