/**
 * The installer's command line: `team-agent-installer [command] [operand] [--dry-run] [--json] [--bin-dir DIR]
 * [--data-dir DIR]`. Options may come anywhere, as `--opt value` or `--opt=value`; `--` ends them. Anything
 * unexpected is a usage error (one line, exit 2), never a stack trace.
 */
import { usageError } from "./envelope.js";

export const INSTALLER_COMMANDS = ["install", "uninstall", "doctor", "status", "add-provider"] as const;
export type InstallerCommand = (typeof INSTALLER_COMMANDS)[number];

/** Other names accepted for a command (the original installer's `update`). */
const COMMAND_ALIASES: Record<string, InstallerCommand> = { update: "install" };

export interface InstallerOptions {
  dryRun: boolean;
  json: boolean;
  /** As typed (a leading `~` is expanded later, against the HOME the installer runs with). */
  binDir: string | null;
  dataDir: string | null;
}

export type Invocation =
  | { kind: "help" }
  | { kind: "run"; command: InstallerCommand; operand: string | null; options: InstallerOptions };

const FLAGS = { "--dry-run": "dryRun", "--json": "json" } as const;
const VALUED = { "--bin-dir": "binDir", "--data-dir": "dataDir" } as const;

export const USAGE = `usage: team-agent-installer [command] [--dry-run] [--json] [--bin-dir DIR] [--data-dir DIR]

commands:
  install               (default) check this machine, install the runtime, the team-agent command and the lead's skill
  uninstall             remove exactly what install and add-provider wrote, restoring what they replaced
  doctor                the install checks plus \`team-agent doctor\`; exit 1 when a check fails
  status                what is installed, and where
  add-provider PACKAGE  install a provider plugin (a tarball, a folder or an npm package spec) and register it
  help                  this text

options:
  --dry-run       say what would happen, write nothing
  --json          print one JSON result envelope
  --bin-dir DIR   where the team-agent command goes (default ~/.local/bin)
  --data-dir DIR  runtime, providers and install manifest (default \${XDG_DATA_HOME:-~/.local/share}/team-agent)`;

function isKnownCommand(word: string): word is InstallerCommand {
  return (INSTALLER_COMMANDS as readonly string[]).includes(word);
}

export function parseInstallerArgs(argv: readonly string[]): Invocation {
  const options: InstallerOptions = { dryRun: false, json: false, binDir: null, dataDir: null };
  const positionals: string[] = [];
  let optionsEnded = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (optionsEnded || !arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      optionsEnded = true;
      continue;
    }
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    const equals = arg.indexOf("=");
    const name = equals < 0 ? arg : arg.slice(0, equals);
    if (name in FLAGS) {
      if (equals >= 0) throw usageError(`option ${name} takes no value`);
      options[FLAGS[name as keyof typeof FLAGS]] = true;
      continue;
    }
    if (name in VALUED) {
      const value = equals >= 0 ? arg.slice(equals + 1) : argv[++index];
      if (value === undefined || value === "" || (equals < 0 && value.startsWith("--"))) {
        throw usageError(`option ${name} needs a directory`);
      }
      options[VALUED[name as keyof typeof VALUED]] = value;
      continue;
    }
    throw usageError(`unknown option: ${name}`);
  }
  const [first, ...rest] = positionals;
  if (first === "help") return { kind: "help" };
  const command = first === undefined ? "install" : (COMMAND_ALIASES[first] ?? first);
  if (!isKnownCommand(command)) throw usageError(`unknown command: ${first}`);
  const wantsOperand = command === "add-provider";
  if (wantsOperand && rest.length === 0) throw usageError("add-provider needs a PACKAGE (a tarball, folder or spec)");
  const extra = rest[wantsOperand ? 1 : 0];
  if (extra !== undefined) throw usageError(`unexpected argument: ${extra}`);
  return { kind: "run", command, operand: wantsOperand ? (rest[0] as string) : null, options };
}
