/**
 * The dispatcher: parse the command line, run the command, print its result (human text, or one JSON envelope
 * with --json), return the exit code. Usage errors print one line and the usage (exit 2); anything thrown
 * becomes a failure envelope (exit 1).
 */
import { type InstallerCommand, type Invocation, parseInstallerArgs, USAGE } from "./args.js";
import { addProviderCommand } from "./commands/add-provider.js";
import { doctorCommand } from "./commands/doctor.js";
import { installCommand } from "./commands/install.js";
import { statusCommand } from "./commands/status.js";
import { uninstallCommand } from "./commands/uninstall.js";
import type { CommandResult, InstallerContext, InstallerIO } from "./context.js";
import { type Envelope, exitCodeFor, failure } from "./envelope.js";
import { resolvePaths } from "./paths.js";

const COMMANDS: Record<InstallerCommand, (context: InstallerContext) => Promise<CommandResult>> = {
  install: installCommand,
  uninstall: uninstallCommand,
  doctor: doctorCommand,
  status: statusCommand,
  "add-provider": addProviderCommand,
};

function print(io: InstallerIO, json: boolean, result: CommandResult): 0 | 1 | 2 {
  const { envelope } = result;
  if (json) {
    io.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`);
  } else if (envelope.ok) {
    io.stdout.write(`${result.text ?? defaultText(envelope)}\n`);
  } else {
    if (result.text) io.stdout.write(`${result.text}\n`);
    io.stderr.write(`error: ${envelope.error?.message ?? envelope.summary}\n`);
    const action = envelope.error?.action ?? envelope.next_actions[0];
    if (action) io.stderr.write(`action: ${action}\n`);
  }
  return exitCodeFor(envelope);
}

function defaultText(envelope: Envelope): string {
  return [envelope.summary, ...envelope.next_actions.map((next) => `next: ${next}`)].join("\n");
}

export async function runInstaller(argv: readonly string[], io: InstallerIO): Promise<number> {
  const json = argv.includes("--json");
  let invocation: Invocation;
  try {
    invocation = parseInstallerArgs(argv);
  } catch (error) {
    const envelope = failure(error);
    if (json) io.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`);
    io.stderr.write(`team-agent-installer: ${envelope.error?.message}\n${USAGE}\n`);
    return exitCodeFor(envelope);
  }
  if (invocation.kind === "help") {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const context: InstallerContext = {
    io,
    options: invocation.options,
    paths: resolvePaths(io.env, io.cwd, invocation.options),
    operand: invocation.operand,
  };
  let result: CommandResult;
  try {
    result = await COMMANDS[invocation.command](context);
  } catch (error) {
    result = { envelope: failure(error) };
  }
  return print(io, invocation.options.json, result);
}
