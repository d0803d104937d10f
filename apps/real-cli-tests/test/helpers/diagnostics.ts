/**
 * What a failed real-CLI run needs to be understood from a CI log alone (the sandbox is removed afterwards): the
 * tail of the team's event log and logs, every pane's screen, and the model request log.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ScriptedModel } from "@team-agent/scripted-model";
import type { LeadPane } from "./lead-pane.js";
import type { Sandbox } from "./sandbox.js";

function tail(path: string, lines: number): string {
  if (!existsSync(path)) return `(no ${path})`;
  return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
}

function teamScreens(box: Sandbox): string {
  try {
    const panes = execFileSync(
      "tmux",
      ["-L", box.teamSocket, "list-panes", "-a", "-F", "#{pane_id} #{session_name}:#{window_name}"],
      { encoding: "utf8" },
    );
    return panes
      .trim()
      .split("\n")
      .map((line) => {
        const [pane, name] = line.split(" ");
        const screen = execFileSync("tmux", ["-L", box.teamSocket, "capture-pane", "-p", "-t", pane as string], {
          encoding: "utf8",
        });
        return `--- ${name} (${pane})\n${screen.trimEnd()}`;
      })
      .join("\n");
  } catch (error) {
    return `(no team tmux server: ${error})`;
  }
}

export function diagnostics(box: Sandbox, lead: LeadPane | undefined, model: ScriptedModel | undefined): string {
  const logs = join(box.workspace, ".team", "logs");
  const runtime = join(box.workspace, ".team", "runtime");
  const detailLogs = existsSync(logs) ? readdirSync(logs).filter((name) => name.endsWith(".json")) : [];
  const coordinatorLogs = existsSync(runtime) ? readdirSync(runtime).filter((name) => name.endsWith(".log")) : [];
  const requests = (model?.requests ?? []).map(
    (entry) => `${entry.at} ${entry.path} rule=${entry.rule ?? "-"} step=${entry.step} → ${entry.answer}`,
  );
  return [
    "===== real-CLI run diagnostics",
    "----- events (last 60)",
    tail(join(logs, "events.jsonl"), 60),
    ...detailLogs.map((name) => `----- ${name} (last 40 lines)\n${tail(join(logs, name), 40)}`),
    ...coordinatorLogs.map((name) => `----- ${name} (last 30 lines)\n${tail(join(runtime, name), 30)}`),
    "----- lead pane",
    lead ? lead.screen().trimEnd() : "(none)",
    "----- team panes",
    teamScreens(box),
    "----- model requests",
    ...requests,
    "===== end of diagnostics",
  ].join("\n");
}
