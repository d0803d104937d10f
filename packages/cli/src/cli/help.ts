/** Help texts, built from the command table alone (no runtime code is loaded to print them). */
import { type CommandDefinition, GLOBAL_OPTIONS, type OptionSpec } from "./command.js";

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.type === "string" ? ` <${spec.value ?? "value"}>` : ""}`;
    return `  ${flag.padEnd(30)} ${spec.description}`;
  });
}

export function commandHelp(command: CommandDefinition): string {
  const lines = [`usage: team-agent ${command.usage}`, "", command.summary];
  const own = command.options ?? {};
  if (Object.keys(own).length > 0) lines.push("", "options:", ...optionLines(own));
  lines.push("", "common options:", ...optionLines(GLOBAL_OPTIONS));
  if (command.examples?.length) lines.push("", "examples:", ...command.examples.map((example) => `  ${example}`));
  if (command.notes?.length) lines.push("", ...command.notes);
  return lines.join("\n");
}

export function topLevelHelp(commands: readonly CommandDefinition[], version: string): string {
  const visible = commands.filter((command) => !command.hidden);
  const width = Math.max(...visible.map((command) => command.name.length)) + 2;
  return [
    `usage: team-agent <command> [options]   (team-agent ${version})`,
    "",
    "Run a team of Claude Code / Codex workers from the conversation you lead.",
    "",
    "commands:",
    ...visible.map((command) => `  ${command.name.padEnd(width)} ${command.summary}`),
    "",
    "Every command takes --json (one result envelope), --workspace <dir> and --team <team>.",
    "`team-agent <command> --help` explains one command; `team-agent advanced --help` lists the low-level ones.",
  ].join("\n");
}

export function advancedHelp(commands: readonly CommandDefinition[]): string {
  const hidden = commands.filter((command) => command.hidden);
  const width = Math.max(...hidden.map((command) => command.name.length)) + 2;
  return [
    "usage: team-agent advanced",
    "",
    "Low-level commands (building blocks of quick-start, diagnostics, maintenance):",
    ...hidden.map((command) => `  ${command.name.padEnd(width)} ${command.summary}`),
  ].join("\n");
}
