/**
 * The dispatcher: find the command (one or two words), parse its options with node:util's parseArgs (options may
 * come before, between or after positionals), run it, print, and return the exit code. Usage errors exit 2 with
 * the command's usage line and a hint; the leader passthrough (`team-agent claude|codex …`) never reaches here.
 */
import { parseArgs } from "node:util";
import { failure, TeamAgentError, usageError } from "@team-agent/core-state/basics";
import { type CommandDefinition, GLOBAL_OPTIONS, type ParsedArgs } from "./command.js";
import { COMMANDS, findCommand } from "./commands.js";
import { CommandContext, type CommandIO } from "./context.js";
import { advancedHelp, commandHelp, topLevelHelp } from "./help.js";
import { envelopeForError, printEnvelope } from "./output.js";
import { CLI_VERSION } from "./version.js";

function usageFailure(io: CommandIO, json: boolean, message: string, command: CommandDefinition | null): 2 {
  const hint = command?.examples?.length ? `e.g. ${command.examples[0]}` : "see `team-agent --help`";
  const action = command
    ? `Usage: team-agent ${command.usage} (${hint}; \`team-agent ${command.name} --help\`).`
    : "Run `team-agent --help` to see the commands.";
  const envelope = failure(usageError(message, action));
  if (json) io.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`);
  if (command) io.stderr.write(`usage: team-agent ${command.usage}\n`);
  io.stderr.write(`error: ${message}\n`);
  if (command?.examples?.length) io.stderr.write(`Hint: ${command.examples.join("  |  ")}\n`);
  else if (!command) io.stderr.write("Hint: run `team-agent --help` to see the commands.\n");
  return 2;
}

function parseFor(command: CommandDefinition, argv: readonly string[]): ParsedArgs {
  const options = { ...GLOBAL_OPTIONS, ...(command.options ?? {}) };
  const config = Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
    ]),
  );
  const { values, positionals } = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  return { values: values as ParsedArgs["values"], positionals };
}

export async function runCli(argv: readonly string[], io: CommandIO): Promise<number> {
  const json = argv.includes("--json");
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.stdout.write(`${topLevelHelp(COMMANDS, CLI_VERSION)}\n`);
    return 0;
  }
  if (argv[0] === "--version" || argv[0] === "-V") {
    io.stdout.write(`${CLI_VERSION}\n`);
    return 0;
  }
  if (argv[0] === "advanced") {
    io.stdout.write(`${advancedHelp(COMMANDS)}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (found === null) return usageFailure(io, json, `unknown command: ${argv[0]}`, null);
  const { command, rest } = found;
  let args: ParsedArgs;
  try {
    args = parseFor(command, rest);
  } catch (error) {
    return usageFailure(io, json, (error as Error).message, command);
  }
  if (args.values["help"]) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const limits = command.positionals ?? { min: 0, max: 0, names: "" };
  if (args.positionals.length < limits.min) {
    return usageFailure(io, json, `missing ${limits.names || "arguments"}`, command);
  }
  if (limits.max !== undefined && args.positionals.length > limits.max) {
    return usageFailure(io, json, `unexpected argument: ${args.positionals[limits.max]}`, command);
  }
  const context = new CommandContext(io, {
    json,
    workspace: args.values["workspace"] as string | undefined,
    team: args.values["team"] as string | undefined,
  });
  try {
    const module = await command.load();
    const output = await module.run(context, args);
    return printEnvelope(io, json, output.envelope, output.text);
  } catch (error) {
    if (error instanceof TeamAgentError && error.code === "usage_error") {
      return usageFailure(io, json, error.message, command);
    }
    return printEnvelope(io, json, envelopeForError(error, context.workspace));
  } finally {
    await context.close().catch(() => undefined);
  }
}
