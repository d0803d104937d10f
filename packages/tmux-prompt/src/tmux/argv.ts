/**
 * How one tmux command (an argv array) is handed to tmux, for the two ways of reaching it:
 * as a process argv (spawned client) or as one line of tmux's own command language (control mode).
 */
import { invalidTmuxInput } from "./errors.js";
import type { TmuxServer } from "./types.js";

/** Options every tmux client invocation gets, before the command. */
export interface TmuxClientFlags {
  /** tmux binary; default `tmux` from PATH. */
  binary?: string;
  /** `-f` config file, read only when this call starts the server (tests use /dev/null to ignore ~/.tmux.conf). */
  configFile?: string;
}

/** `-L name`, `-S path`, or nothing for the default server. */
export function serverArguments(server: TmuxServer): string[] {
  if ("socketName" in server) return ["-L", server.socketName];
  if ("socketPath" in server) return ["-S", server.socketPath];
  return [];
}

/**
 * Global flags: `-u` makes tmux treat the client as UTF-8 whatever the locale (under LANG=C it would print `_` for
 * every non-ASCII character), then the server selection and the config file.
 */
export function globalArguments(server: TmuxServer, flags: TmuxClientFlags): string[] {
  const args = ["-u", ...serverArguments(server)];
  if (flags.configFile !== undefined) args.push("-f", flags.configFile);
  return args;
}

/**
 * tmux splits a spawned client's argv into commands at any argument that ENDS with `;` (and drops that `;`), so
 * `set-buffer -- 'a;'` would store `a`. An escaped `\;` at the end becomes a literal `;`, so we escape the last one.
 */
export function escapeArgvArgument(arg: string): string {
  return arg.endsWith(";") ? `${arg.slice(0, -1)}\\;` : arg;
}

/** Characters no argument may contain when it travels as one line of the control-mode protocol. */
const LINE_BREAKING = /[\n\r\0]/;

/** A tmux command name: lower-case words joined by `-` (also keeps an argument with `=` out of the first slot). */
const COMMAND_NAME = /^[a-z]+(-[a-z]+)*$/;

/**
 * One control-mode command line. Every argument is single-quoted: inside single quotes tmux's parser expands
 * nothing (`$`, `~`, `\`, `#`, `;`, `{}` are literal); a `'` is written as `'\''` (close, escaped quote, reopen).
 * Line breaks cannot be represented (a newline ends the command, an empty line detaches), so they are refused.
 */
export function toControlLine(args: readonly string[]): string {
  const [command] = args;
  if (command === undefined || !COMMAND_NAME.test(command)) {
    throw invalidTmuxInput("command", command ?? "", "expected a tmux command name such as `display-message`");
  }
  for (const arg of args) {
    if (LINE_BREAKING.test(arg)) {
      throw invalidTmuxInput(
        "argument",
        arg,
        "control mode sends one command per line, so an argument cannot contain a newline, carriage return or NUL",
        "Send multi-line text through a buffer (`loadBuffer`, which uses stdin) instead of an argument.",
      );
    }
  }
  return args.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
}
