// Public API of @team-agent/provider-claude-code. The default export is the plugin the registry loads.
// - plugin: the assembled ProviderPlugin, and a factory for tests and embedders that inject I/O
// - launch: argv / files for fresh and resumed workers (through the plugin), tool and MCP helpers
// - screen: signatures, paste strategy and prompt catalog for tmux-prompt
// - transcripts: where transcripts live, the turn-fact reader, faults, session capture and the resume check
import { claudeCodePlugin } from "./plugin.js";

export {
  CLAUDE_COMMAND,
  MCP_SERVER_NAME,
  PROVIDER_ALIASES,
  PROVIDER_NAME,
  VERIFIED_CLI_VERSION,
} from "./constants.js";
export { usesManagedConfig } from "./launch/build.js";
export { mcpConfigDocument, mcpToolName } from "./launch/mcp.js";
export { disallowedTools } from "./launch/tools.js";
export {
  type ClaudeCodePluginOptions,
  claudeCodePlugin,
  createClaudeCodePlugin,
  workerProjectsRoot,
} from "./plugin.js";
export { createProbe, type ProbeOptions } from "./probe/probe.js";
export { claudeCodePrompts } from "./screen/prompts.js";
export { CLAUDE_EXIT_TEXT, claudeCodePaste, claudeCodeSignatures } from "./screen/signatures.js";
export { captureSession } from "./transcripts/capture.js";
export { transcriptFaults } from "./transcripts/faults.js";
export {
  currentProjectDirName,
  projectDirNames,
  projectsRootForConfigDir,
  projectsRootFrom,
} from "./transcripts/project-dir.js";
export { claudeTranscriptReader, extractFacts, INTERRUPT_MARKERS } from "./transcripts/reader.js";
export { checkResumable, type ResumeDiagnostic } from "./transcripts/resumable.js";

export default claudeCodePlugin;
