/**
 * The prompt a worker CLI starts with: who it is, who leads, how to talk back, then its role. Tool names are
 * spelled the way the worker's own CLI shows them (the plugin's `mcpToolName`), never in a generic dotted form.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { TeamSpec, TeamSpecAgent } from "@team-agent/core-state";
import type { ProviderPlugin } from "@team-agent/provider-registry";

export function roleInstructions(agent: TeamSpecAgent, workspace: string): string {
  if (agent.system_prompt.inline) return agent.system_prompt.inline.trim();
  const file = agent.system_prompt.file;
  if (file) {
    const path = isAbsolute(file) ? file : join(workspace, file);
    try {
      return readFileSync(path, "utf8").trim();
    } catch {
      return `Your role is ${agent.role}. (Role file ${file} could not be read.)`;
    }
  }
  return `Your role is ${agent.role}.`;
}

export function composeWorkerPrompt(
  spec: TeamSpec,
  agent: TeamSpecAgent,
  plugin: ProviderPlugin,
  workspace: string,
): string {
  const tool = (name: string) => plugin.mcpToolName(name);
  const teammates = spec.agents
    .filter((other) => other.id !== agent.id)
    .map((other) => `${other.id} (${other.role})`)
    .join(", ");
  return [
    `You are ${agent.id}, a ${agent.role} in team ${spec.team.name}. The lead (${spec.leader.id}) assigns your work.`,
    teammates ? `Teammates: ${teammates}.` : "You are the only worker.",
    "Messages arrive in your input as `Team Agent message from <sender>` with a token line; treat each as a task.",
    `When a task is finished, blocked or failed, call ${tool("report_result")} once with task_id, status and a short summary.`,
    `To ask a teammate or the lead something, call ${tool("send_message")}; to need a human decision, call ${tool("request_human")}.`,
    "",
    roleInstructions(agent, workspace),
  ].join("\n");
}
