/** The fake provider plugin: the contract (D5) filled in for this package's own scripted agent CLI (D6). */
import { PROVIDER_CONTRACT_VERSION, type ProviderPlugin } from "@team-agent/provider-registry";
import { buildFakeLaunch, buildFakeResume } from "./launch.js";
import { PACKAGE_VERSION } from "./package-info.js";
import { fakeProbe } from "./probe.js";
import { FAKE_PASTE_STRATEGY, FAKE_PROMPTS, FAKE_SIGNATURES } from "./screens.js";
import { captureFakeSession } from "./transcript/capture.js";
import { readFaults } from "./transcript/faults.js";
import { fakeTranscriptReader } from "./transcript/reader.js";

export const fakePlugin: ProviderPlugin = {
  contractVersion: PROVIDER_CONTRACT_VERSION,
  name: "fake",
  aliases: [],
  displayName: "Fake agent (tests and demo)",
  version: PACKAGE_VERSION,
  // The launch plan runs Node itself; argv[1…] name the CLI entry.
  command: process.execPath,
  capabilities: { resume: true, fork: false, transcripts: true },
  buildLaunch: buildFakeLaunch,
  buildResume: buildFakeResume,
  screen: { signatures: FAKE_SIGNATURES, paste: FAKE_PASTE_STRATEGY, exitText: "/exit" },
  prompts: FAKE_PROMPTS,
  // The fake is Claude Code shaped, so it names MCP tools the way Claude Code does.
  mcpToolName: (tool) => `mcp__team_orchestrator__${tool}`,
  transcripts: { reader: fakeTranscriptReader, capture: captureFakeSession, faults: readFaults },
  probe: fakeProbe,
};
