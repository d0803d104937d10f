/**
 * A small, valid provider plugin written for these tests (not one of the real plugins). Its transcript format is
 * a made-up JSONL: `{"kind":"turn","event":"start"|"end"|"abort","id":"t1"}` and `{"kind":"error","message":"..."}`.
 */
import { TeamRuntimeError } from "@team-agent/core-state";
import type { TurnFact } from "@team-agent/idle-predicate";
import type { LaunchPlan, McpServerLaunch, ProviderPlugin, WorkerLaunchSpec } from "../../src/contract.js";

function plan(worker: WorkerLaunchSpec, mcp: McpServerLaunch, extra: string[]): LaunchPlan {
  const mcpConfig = JSON.stringify({
    mcpServers: { [mcp.name]: { command: mcp.command, args: mcp.args, env: mcp.env } },
  });
  const argv = [
    "demo-cli",
    "--agent-id",
    worker.agentId,
    "--mcp-config",
    mcpConfig,
    "--system-prompt",
    worker.systemPrompt,
  ];
  if (worker.model) argv.push("--model", worker.model);
  if (worker.dangerousAutoApprove) argv.push("--yolo");
  return { argv: [...argv, ...extra], env: {}, files: [], predeterminedSessionId: null, afterStartKeys: [] };
}

function extractFacts(records: Record<string, unknown>[]): TurnFact[] {
  const facts: TurnFact[] = [];
  for (const record of records) {
    const id = typeof record.id === "string" ? record.id : null;
    if (record.kind === "turn" && record.event === "start") facts.push({ kind: "turn_open", turn_id: id });
    else if (record.kind === "turn" && record.event === "end") facts.push({ kind: "turn_complete", turn_id: id });
    else if (record.kind === "turn" && record.event === "abort") facts.push({ kind: "interrupted", turn_id: id });
    else if (record.kind === "error") facts.push({ kind: "error", turn_id: id, signature: "api_error" });
  }
  return facts;
}

export function demoPlugin(): ProviderPlugin {
  return {
    contractVersion: 1,
    name: "demo",
    aliases: ["demo_cli"],
    displayName: "Demo CLI",
    version: "0.0.1",
    command: "demo-cli",
    capabilities: { resume: true, fork: false, transcripts: true },
    buildLaunch: (worker, mcp) => plan(worker, mcp, []),
    buildResume(worker, mcp, sessionId) {
      if (sessionId.trim() === "") {
        throw new TeamRuntimeError("resume_unavailable", "no session id to resume", "Start the worker fresh.");
      }
      return plan(worker, mcp, ["--resume", sessionId]);
    },
    screen: {
      signatures: {
        provider: "demo",
        busy: [/working \(\d+s/i],
        inputPrompt: [/^demo> /],
        notices: [{ kind: "api_error", pattern: /api error/i }],
      },
      paste: { bracketed: true, submitKey: "Enter", delayBeforeSubmitMs: 100, maxSubmitPresses: 3 },
      exitText: "/quit",
    },
    prompts: [
      {
        id: "demo_trust",
        kind: "trust_prompt",
        match: [/trust this folder\?/i],
        answer: { type: "trust_policy" },
        description: "Asks whether to trust the workspace.",
      },
      {
        id: "demo_update",
        kind: "numbered_menu",
        match: [/update available/i],
        answer: { type: "keys", keys: ["Down", "Enter"] },
        description: "Offers an update; skip it.",
      },
    ],
    mcpToolName: (tool) => `mcp__team_orchestrator__${tool}`,
    transcripts: {
      reader: { extractFacts },
      capture: async () => null,
      faults: (text) =>
        text
          .split("\n")
          .filter((line) => line.includes('"kind":"error"'))
          .map((line) => ({ kind: "api_error" as const, signature: "api_error", detail: line.slice(0, 200) })),
    },
    probe: {
      isInstalled: async () => false,
      version: async () => null,
      authHint: async () => ({ status: "unknown" as const, detail: "demo" }),
    },
  };
}

export const DEMO_SAMPLES = {
  idle: '{"kind":"turn","event":"start","id":"t1"}\n{"kind":"turn","event":"end","id":"t1"}\n{"kind":"meta","title":"x"}\n',
  interrupted: '{"kind":"turn","event":"start","id":"t2"}\n{"kind":"turn","event":"abort","id":"t2"}\n',
  open: '{"kind":"turn","event":"end","id":"t1"}\n{"kind":"turn","event":"start","id":"t2"}\n{"kind":"error","message":"api error"}\n',
};
