/** Assembles the Codex provider plugin (contract v1) from its parts. */
import { homedir } from "node:os";
import { PROVIDER_CONTRACT_VERSION, type ProviderPlugin } from "@team-agent/provider-registry";
import { CODEX_COMMAND, DISPLAY_NAME, PROVIDER_ALIASES, PROVIDER_NAME } from "./constants.js";
import { buildLaunch, buildResume } from "./launch/build.js";
import { codexMcpToolName } from "./mcp-tool-name.js";
import { PLUGIN_VERSION } from "./package-info.js";
import { createCodexProbe } from "./probe/probe.js";
import { CODEX_PROMPTS } from "./screen/prompts.js";
import { CODEX_EXIT_TEXT, CODEX_PASTE_STRATEGY, CODEX_READY_SETTLE_MS, CODEX_SIGNATURES } from "./screen/signatures.js";
import { type CaptureEnvironment, captureCodexSession } from "./transcripts/capture.js";
import { codexFaults } from "./transcripts/faults.js";
import { codexTranscriptReader } from "./transcripts/reader.js";

export interface CodexPluginOptions {
  /** The executable to run (default `codex` on PATH). */
  command?: string;
  /** Environment the probe and capture read (`PATH`, `CODEX_HOME`, API key presence); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory holding `.codex` when CODEX_HOME is unset; default the user's. */
  homeDir?: string;
}

export function createCodexPlugin(options: CodexPluginOptions = {}): ProviderPlugin {
  const command = options.command ?? CODEX_COMMAND;
  const environment: CaptureEnvironment | undefined =
    options.env !== undefined || options.homeDir !== undefined
      ? { env: options.env ?? process.env, homeDir: options.homeDir ?? homedir() }
      : undefined;
  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: PROVIDER_NAME,
    aliases: PROVIDER_ALIASES,
    displayName: DISPLAY_NAME,
    version: PLUGIN_VERSION,
    command,
    capabilities: { resume: true, fork: false, transcripts: true },
    buildLaunch: (worker, mcp) => buildLaunch(command, worker, mcp),
    buildResume: (worker, mcp, sessionId) => buildResume(command, worker, mcp, sessionId),
    screen: {
      signatures: CODEX_SIGNATURES,
      paste: CODEX_PASTE_STRATEGY,
      exitText: CODEX_EXIT_TEXT,
      readySettleMs: CODEX_READY_SETTLE_MS,
    },
    prompts: CODEX_PROMPTS,
    mcpToolName: codexMcpToolName,
    transcripts: {
      reader: codexTranscriptReader,
      capture: (context) => captureCodexSession(context, environment),
      faults: codexFaults,
    },
    probe: createCodexProbe({
      command,
      ...(options.env ? { env: options.env } : {}),
      ...(options.homeDir ? { homeDir: options.homeDir } : {}),
    }),
  };
}
