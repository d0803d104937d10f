/**
 * The result the fake reports: a complete result_envelope_v1 (minus `schema_version`, which the team server sets)
 * passed as `report_result` arguments, the way a worker following the teammate contract would call the tool.
 */
import type { IncomingMessage } from "./message.js";
import type { ReportFields } from "./script.js";

export interface ReportArguments {
  task_id: string;
  agent_id: string;
  status: string;
  summary: string;
  changes: unknown[];
  tests: unknown[];
  risks: unknown[];
  artifacts: unknown[];
  next_actions: unknown[];
}

export function defaultReport(message: IncomingMessage, agentId: string): ReportArguments {
  const token = message.token ?? "without a token";
  return {
    task_id: message.task ?? "manual",
    agent_id: agentId,
    status: "success",
    summary: `Fake agent ${agentId} handled message ${token}${message.sender ? ` from ${message.sender}` : ""}.`,
    changes: [],
    tests: [{ command: "fake-agent", status: "passed" }],
    risks: [],
    artifacts: [],
    next_actions: [],
  };
}

/** Scripted fields replace the defaults one by one. */
export function reportArguments(message: IncomingMessage, agentId: string, fields: ReportFields): ReportArguments {
  return { ...defaultReport(message, agentId), ...fields };
}
