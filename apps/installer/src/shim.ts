/**
 * The `team-agent` command users run: a POSIX sh script that execs the active runtime's CLI with the Node that ran
 * the installer (the runtime's native SQLite module was built for that Node). It goes through the `current`
 * symlink, so switching runtimes never rewrites it; `TEAM_AGENT_NODE` picks another Node at run time.
 */
import { resolve } from "node:path";

/** `value` as a double-quoted sh word: only `\`, `"`, `$` and `` ` `` are special inside double quotes. */
export function shellDoubleQuote(value: string): string {
  return `"${escapeInDoubleQuotes(value)}"`;
}

function escapeInDoubleQuotes(value: string): string {
  return value.replace(/[\\"$`]/g, "\\$&");
}

export interface ShimTarget {
  /** The Node executable baked in. */
  node: string;
  /** The CLI entry, through the runtime's `current` link. */
  entry: string;
}

export function renderShim(target: ShimTarget): string {
  return [
    "#!/bin/sh",
    "# team-agent: written by @team-agent/installer (undo with `npx @team-agent/installer uninstall`).",
    "# Runs the active Team Agent runtime; set TEAM_AGENT_NODE to use another Node.js.",
    `node=${shellDoubleQuote(target.node)}`,
    'if [ -n "$TEAM_AGENT_NODE" ]; then node="$TEAM_AGENT_NODE"; fi',
    `exec "$node" ${shellDoubleQuote(target.entry)} "$@"`,
    "",
  ].join("\n");
}

/** The CLI entry inside a runtime folder (or the `current` link). */
export const cliEntry = (runtimeDir: string): string => `${runtimeDir}/node_modules/@team-agent/cli/dist/bin.js`;

/** Whether `dir` is one of the PATH entries (compared as absolute paths, trailing slashes ignored). */
export function isOnPath(dir: string, pathValue: string | undefined): boolean {
  const wanted = resolve(dir);
  return (pathValue ?? "").split(":").some((entry) => entry !== "" && resolve(entry) === wanted);
}

export interface PathAdvice {
  /** The shell start-up file to edit, as shown to the user (`~/.bashrc`). */
  file: string;
  /** The exact line to add. */
  line: string;
}

/**
 * Which line to add to which file so that `binDir` is on PATH in new shells, for the user's login shell (`$SHELL`):
 * zsh → ~/.zshrc, bash → ~/.bashrc, fish → its config.fish, anything else → ~/.profile.
 */
export function pathAdvice(binDir: string, home: string, shell: string | undefined): PathAdvice {
  const name = (shell ?? "").split("/").pop() ?? "";
  if (name === "fish") {
    // fish quotes differently: inside single quotes only `\\` and `\'` are escapes.
    return { file: "~/.config/fish/config.fish", line: `fish_add_path '${binDir.replace(/[\\']/g, "\\$&")}'` };
  }
  const dir = binDir.startsWith(`${home}/`)
    ? `$HOME/${escapeInDoubleQuotes(binDir.slice(home.length + 1))}`
    : escapeInDoubleQuotes(binDir);
  const file = name === "zsh" ? "~/.zshrc" : name === "bash" ? "~/.bashrc" : "~/.profile";
  return { file, line: `export PATH="${dir}:$PATH"` };
}
