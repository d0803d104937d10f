/**
 * Turns a tool reply into the concrete call for this request: the name the CLI offered and its arguments as
 * JSON text. A reply naming a tool the CLI did not offer is a script error, answered as text so the test sees it.
 */
import { type ModelRequest, TOOL_SEARCH, toolLoaded } from "./request.js";
import type { Reply } from "./script.js";

export type ToolReply = Extract<Reply, { tool: unknown } | { shell: unknown }>;

export type ResolvedCall = { ok: true; name: string; args: string } | { ok: false; problem: string };

function codexShell(request: ModelRequest, command: string, justification?: string): ResolvedCall | null {
  const escalate = justification ? { sandbox_permissions: "require_escalated", justification } : {};
  // Codex 0.169 offers unified exec (`exec_command {cmd}`); older set-ups `shell_command {command}` or `shell {argv}`.
  if (request.tools.includes("exec_command")) {
    return { ok: true, name: "exec_command", args: JSON.stringify({ cmd: command, ...escalate }) };
  }
  if (request.tools.includes("shell_command")) {
    return { ok: true, name: "shell_command", args: JSON.stringify({ command, ...escalate }) };
  }
  if (request.tools.includes("shell")) {
    return { ok: true, name: "shell", args: JSON.stringify({ command: ["bash", "-lc", command], ...escalate }) };
  }
  return null;
}

export function resolveCall(reply: ToolReply, request: ModelRequest): ResolvedCall {
  if ("shell" in reply) {
    if (request.api === "responses") {
      return (
        codexShell(request, reply.shell, reply.justification) ?? {
          ok: false,
          problem: `no shell tool among the offered tools [${request.tools.join(", ")}]`,
        }
      );
    }
    if (!request.tools.includes("Bash")) {
      return { ok: false, problem: `no Bash tool among the offered tools [${request.tools.join(", ")}]` };
    }
    return { ok: true, name: "Bash", args: JSON.stringify({ command: reply.shell, description: "Run a command" }) };
  }
  const pattern = reply.tool;
  const matches = (tool: string) => (typeof pattern === "string" ? tool === pattern : pattern.test(tool));
  const offered = request.tools.find(matches);
  if (offered) return { ok: true, name: offered, args: JSON.stringify(reply.input ?? {}) };
  const deferred = request.deferredTools.find(matches);
  if (deferred && request.tools.includes(TOOL_SEARCH)) {
    // What a real model does with a deferred tool: load its schema first, then call it on the next request.
    if (toolLoaded(request, deferred)) return { ok: true, name: deferred, args: JSON.stringify(reply.input ?? {}) };
    return { ok: true, name: TOOL_SEARCH, args: JSON.stringify({ query: `select:${deferred}` }) };
  }
  const known = [...request.tools, ...request.deferredTools].join(", ");
  return { ok: false, problem: `no offered tool matches ${String(pattern)} [${known}]` };
}
