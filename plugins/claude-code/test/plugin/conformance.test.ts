import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkProviderPlugin } from "@team-agent/provider-registry";
import { describeProviderConformance, type TranscriptSample } from "@team-agent/provider-registry/conformance";
import { describe, expect, it } from "vitest";
import plugin, { createClaudeCodePlugin } from "../../src/index.js";
import { TRANSCRIPTS } from "../helpers.js";

const expected: Record<string, TranscriptSample["expectedState"]> = {
  "turn-complete": "idle",
  "interrupted-before-output": "idle",
  interrupted: "idle_interrupted",
  "api-error-400": "idle",
  "api-error-429-retried": "idle",
  "tool-use": "idle",
  "tool-error": "idle",
  "interrupted-tool-use": "idle_interrupted",
};

const files = readdirSync(TRANSCRIPTS).filter((f) => f.endsWith(".jsonl"));
const samples: TranscriptSample[] = files.map((file) => {
  const what = file.replace(/^claude-code-2\.1\.332-|\.jsonl$/g, "");
  return { name: what, text: readFileSync(join(TRANSCRIPTS, file), "utf8"), expectedState: expected[what]! };
});

describe("recorded samples", () => {
  it("every recorded transcript has an expected state", () => {
    expect(samples.length).toBe(Object.keys(expected).length);
    for (const sample of samples) expect(sample.expectedState, sample.name).toBeDefined();
  });
});

describe("plugin identity", () => {
  it("is schema-valid, named claude_code with alias claude, versioned like its package", () => {
    expect(checkProviderPlugin(plugin, "claude_code").ok).toBe(true);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8"));
    expect(plugin).toMatchObject({
      contractVersion: 1,
      name: "claude_code",
      aliases: ["claude"],
      command: "claude",
      version: pkg.version,
      capabilities: { resume: true, fork: false, transcripts: true },
    });
  });

  it("names the team's MCP tools as Claude Code does", () => {
    expect(plugin.mcpToolName("report_result")).toBe("mcp__team_orchestrator__report_result");
    const recording = JSON.parse(readFileSync(join(TRANSCRIPTS, "claude-code-2.1.332-recording.json"), "utf8"));
    // The real CLI listed the stub server's tool under exactly this name in its requests to the model.
    expect(recording.native_requests_mention_mcp_tool).toBe(true);
  });
});

// Default plugin: resume checks the transcript, so the kit's made-up session id is refused (allowed by the kit).
describeProviderConformance(plugin, { samples });
// Without the transcript check, the kit also exercises the resume plan itself.
describeProviderConformance(createClaudeCodePlugin({ verifyResumeTranscript: false }), {
  label: "claude_code (resume without transcript check)",
});
