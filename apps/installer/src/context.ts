/** What every installer command gets, and how it runs the `team-agent` CLI it installs. */
import { readFileSync } from "node:fs";
import type { InstallerOptions } from "./args.js";
import type { Envelope } from "./envelope.js";
import type { InstallerPaths } from "./paths.js";
import { type ProcessResult, runProcess } from "./process.js";

export interface InstallerIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface InstallerContext {
  io: InstallerIO;
  options: InstallerOptions;
  paths: InstallerPaths;
  /** add-provider's PACKAGE. */
  operand: string | null;
}

export interface CommandResult {
  envelope: Envelope;
  /** Human rendering; default: the summary and `next:` lines. */
  text?: string;
}

/** This package's version (src/ and dist/ both sit one level below package.json). */
export const INSTALLER_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** How to start a `team-agent` CLI: the installed shim, or `node <entry>` for the copy about to be installed. */
export interface CliCommand {
  command: string;
  args: string[];
}

export interface CliRun {
  process: ProcessResult;
  /** stdout as a result envelope; null when it is not one. */
  envelope: Envelope | null;
}

export async function runTeamAgent(
  cli: CliCommand,
  args: readonly string[],
  context: InstallerContext,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const result = await runProcess(cli.command, [...cli.args, ...args], {
    env: { ...context.io.env, NO_COLOR: "1" },
    cwd: context.io.cwd,
    ...options,
  });
  let envelope: Envelope | null = null;
  try {
    const parsed = JSON.parse(result.stdout) as unknown;
    if (typeof parsed === "object" && parsed !== null && "ok" in parsed) envelope = parsed as Envelope;
  } catch {
    // not JSON: the caller reports the raw output
  }
  return { process: result, envelope };
}

/** One line on why a CLI run failed, from its envelope or its output. */
export function describeFailure(run: CliRun): string {
  if (run.envelope?.error) return `${run.envelope.error.message} (${run.envelope.error.action})`;
  if (run.process.failure !== null) return run.process.failure;
  const output = (run.process.stderr || run.process.stdout).trim().split("\n").slice(-6).join(" | ");
  return `exit ${run.process.code}${output ? `: ${output}` : ""}`;
}
