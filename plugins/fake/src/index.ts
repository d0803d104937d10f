/**
 * @team-agent/provider-fake: the scripted fake agent CLI (D6) and the provider plugin that runs it (D5).
 * The default export is the plugin; the named exports are for tests that drive the fake directly.
 */
import { fakePlugin } from "./plugin.js";

export default fakePlugin;
export type { FakeScript, RuleMatch, ScriptAction, ScriptRule } from "./cli/script.js";
export { type CliEntry, mcpConfigJson, projectsRootFor, resolveCliEntry } from "./launch.js";
export { FAKE_PASTE_STRATEGY, FAKE_PROMPTS, FAKE_SIGNATURES, FAKE_TEXT, pastePlaceholder } from "./screens.js";
export { captureFakeSession } from "./transcript/capture.js";
export { readFaults } from "./transcript/faults.js";
export { defaultProjectsRoot, encodeProjectDir, transcriptPath } from "./transcript/paths.js";
export { extractClaudeShapedFacts, fakeTranscriptReader } from "./transcript/reader.js";
export { fakePlugin };
