// Public API of @team-agent/provider-codex: the Codex CLI provider plugin (contract v1). The default export is
// the plugin the registry loads; the named exports are its parts, for tests and for tools built on them.
// - launch: argv for a fresh or resumed worker (today's flags, TOML-encoded -c overrides, no secrets)
// - screen: signatures, paste strategy and the prompt catalog for tmux-prompt
// - transcripts: the turn-state reader, the fault reader and session capture over rollout files
// - probe: installed / version / auth hint without starting the TUI
import { createCodexPlugin } from "./plugin.js";

export { attributionLine, readAttribution } from "./attribution.js";
export {
  CODEX_COMMAND,
  DISPLAY_NAME,
  MCP_SERVER_NAME,
  PROVIDER_API_KEY_ENV,
  PROVIDER_NAME,
  VERIFIED_CLI_VERSION,
} from "./constants.js";
export {
  buildLaunch,
  buildResume,
  developerInstructions,
  MAX_PROMPT_ARG_BYTES,
  type SandboxMode,
  sandboxMode,
} from "./launch/build.js";
export { mcpEnvironment, mcpOverrides } from "./launch/mcp.js";
export { type CodexSettings, type CompatibleProvider, codexSettings } from "./launch/settings.js";
export { tomlFloat, tomlString, tomlStringArray } from "./launch/toml.js";
export { codexMcpToolName } from "./mcp-tool-name.js";
export { type CodexPluginOptions, createCodexPlugin } from "./plugin.js";
export { createCodexProbe, findExecutable, type ProbeOptions } from "./probe/probe.js";
export { CODEX_PROMPTS } from "./screen/prompts.js";
export { CODEX_EXIT_TEXT, CODEX_PASTE_STRATEGY, CODEX_SIGNATURES } from "./screen/signatures.js";
export { isCodexSessionId, sessionIdFromRolloutName } from "./session-id.js";
export { type CaptureEnvironment, captureCodexSession, sessionsRoot } from "./transcripts/capture.js";
export { codexFaults } from "./transcripts/faults.js";
export { codexTranscriptReader, extractCodexFacts } from "./transcripts/reader.js";

const codexPlugin = createCodexPlugin();
export default codexPlugin;
