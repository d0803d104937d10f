/**
 * How a command is declared. The table in ./commands.ts holds every command's name, help and options without
 * loading its code, so `team-agent --help` and usage errors never import the runtime; `load` brings the code in
 * only when the command runs.
 */
import type { ResultEnvelope } from "@team-agent/core-state";
import type { CommandContext } from "./context.js";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** Repeatable (`--to a --to b`). */
  multiple?: boolean;
  /** Shown in help as `--name <value>`. */
  value?: string;
  description: string;
}

export interface CommandDefinition {
  /** `send`, or a two-word name like `screen classify`. */
  name: string;
  summary: string;
  /** Usage after `team-agent `, e.g. `send [options] TARGET MESSAGE...`. */
  usage: string;
  /** Not listed in the top-level help (still parses and answers --help); see `team-agent advanced`. */
  hidden?: boolean;
  options?: Record<string, OptionSpec>;
  positionals?: { min: number; max?: number; names: string };
  examples?: string[];
  /** Extra lines after the options in `--help`. */
  notes?: string[];
  load: () => Promise<CommandModule>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** What a command hands back: the envelope (JSON mode prints it) and, for humans, optional prepared text. */
export interface CommandOutput {
  envelope: ResultEnvelope<object>;
  /** Human rendering; default: the summary, then `next:` lines. */
  text?: string;
}

export interface CommandModule {
  run(context: CommandContext, args: ParsedArgs): Promise<CommandOutput>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean", description: "print one JSON result envelope on stdout" },
  workspace: { type: "string", value: "dir", description: "the workspace (default: the current directory)" },
  team: { type: "string", value: "team", description: "which team of the workspace (default: the active team)" },
  help: { type: "boolean", short: "h", description: "show this help" },
};
