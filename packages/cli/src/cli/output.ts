/**
 * D7 output: `--json` prints exactly one result envelope on stdout; humans get the command's text (or the summary
 * and next steps). Failures name what went wrong and what to do; unexpected ones also leave a log with the stack.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exitCodeFor, failure, type ResultEnvelope, TeamAgentError } from "@team-agent/core-state/basics";
import type { CommandIO } from "./context.js";

export function printEnvelope(
  io: CommandIO,
  json: boolean,
  envelope: ResultEnvelope<object>,
  text?: string,
): 0 | 1 | 2 {
  if (json) {
    io.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`);
  } else if (envelope.ok) {
    io.stdout.write(`${text ?? defaultText(envelope)}\n`);
  } else {
    if (text) io.stdout.write(`${text}\n`);
    io.stderr.write(`error: ${envelope.error?.message ?? envelope.summary}\n`);
    const action = envelope.error?.action ?? envelope.next_actions[0];
    if (action) io.stderr.write(`action: ${action}\n`);
  }
  return exitCodeFor(envelope);
}

function defaultText(envelope: ResultEnvelope<object>): string {
  const lines = [envelope.summary];
  for (const next of envelope.next_actions) lines.push(`next: ${next}`);
  return lines.join("\n");
}

/** Writes the stack of an unexpected error under .team/logs (or the cwd) and returns the file. */
function writeErrorLog(workspace: string, error: unknown): string | null {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  for (const dir of [join(workspace, ".team", "logs"), workspace]) {
    try {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `cli-error-${Math.floor(Date.now() / 1000)}.log`);
      writeFileSync(path, `${text}\n`, { mode: 0o600 });
      return path;
    } catch {
      // try the next place
    }
  }
  return null;
}

/** Turns anything thrown into the failure envelope; unexpected errors get a log file named in the action. */
export function envelopeForError(error: unknown, workspace: string): ResultEnvelope<object> {
  if (error instanceof TeamAgentError) return failure(error);
  const log = writeErrorLog(workspace, error);
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new TeamAgentError(
    "internal_error",
    `Unexpected error: ${message}`,
    log ? `Run \`team-agent doctor\`, or read the log ${log}.` : "Run `team-agent doctor`.",
  );
  return failure(wrapped, log ? { log } : {});
}
