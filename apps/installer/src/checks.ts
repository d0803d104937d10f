/**
 * What install and doctor check about the machine before anything else: Node, tmux (with the install command for
 * this OS), which agent CLIs are on PATH, and the WSL npm-prefix trap of spec 04 §4.3. Each check says what it
 * found and, when something is wrong, what to do; only a `fail` makes doctor exit 1.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { runProcess } from "./process.js";

export type CheckLevel = "ok" | "warn" | "fail";

export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
  /** What to do about it; null when nothing needs doing. */
  action: string | null;
}

export const check = (name: string, level: CheckLevel, detail: string, action: string | null = null): Check => ({
  name,
  level,
  detail,
  action,
});

// ---------------------------------------------------------------------------------------------------------------
// Node and tmux

export const MIN_NODE = "20.19";
export const MIN_TMUX = "3.2";

/** `3.3a` / `v20.19.0` / `next-3.4` → [3, 3] / [20, 19] / [3, 4]; null when there is no number. */
export function versionNumbers(text: string): [number, number] | null {
  const match = /(\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : null;
}

function atLeast(found: [number, number], needed: string): boolean {
  const [major, minor] = versionNumbers(needed) as [number, number];
  return found[0] > major || (found[0] === major && found[1] >= minor);
}

export function nodeCheck(version: string = process.versions.node): Check {
  const numbers = versionNumbers(version);
  if (numbers !== null && atLeast(numbers, MIN_NODE)) return check("node", "ok", `v${version}`);
  return check(
    "node",
    "fail",
    `v${version} is too old (Team Agent needs ${MIN_NODE} or newer)`,
    `Install Node.js ${MIN_NODE} or newer (e.g. from https://nodejs.org or with nvm), then run the installer again.`,
  );
}

/** `/etc/os-release` as a map (`ID=debian`, `ID_LIKE="rhel fedora"`); quotes removed, comments ignored. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    fields[match[1] as string] = (match[2] as string).trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return fields;
}

// Distribution families by os-release ID; derivatives are found through their ID_LIKE.
const PACKAGE_MANAGERS: { ids: string[]; command: string }[] = [
  { ids: ["debian", "ubuntu"], command: "sudo apt-get install -y tmux" },
  { ids: ["fedora", "rhel", "centos", "amzn"], command: "sudo dnf install -y tmux" },
  { ids: ["arch"], command: "sudo pacman -S --needed tmux" },
  { ids: ["alpine"], command: "sudo apk add tmux" },
  { ids: ["opensuse", "suse"], command: "sudo zypper install -y tmux" },
];

/**
 * The command that installs tmux here: Homebrew on macOS; on Linux the package manager of the distribution named
 * by os-release `ID`, else by the first family in `ID_LIKE` we know; null when we cannot tell.
 */
export function tmuxInstallCommand(platform: NodeJS.Platform, osRelease: Record<string, string> | null): string | null {
  if (platform === "darwin") return "brew install tmux";
  if (platform !== "linux" || osRelease === null) return null;
  const candidates = [osRelease["ID"] ?? "", ...(osRelease["ID_LIKE"] ?? "").split(/\s+/)].filter(Boolean);
  for (const id of candidates) {
    const manager = PACKAGE_MANAGERS.find((each) => each.ids.includes(id.toLowerCase()));
    if (manager) return manager.command;
  }
  return null;
}

function readOsRelease(): Record<string, string> | null {
  for (const file of ["/etc/os-release", "/usr/lib/os-release"]) {
    try {
      return parseOsRelease(readFileSync(file, "utf8"));
    } catch {
      // try the next location
    }
  }
  return null;
}

/** The tmux check from what `tmux -V` printed (null: tmux did not run). */
export function tmuxCheck(versionOutput: string | null, installCommand: string | null): Check {
  const how = installCommand
    ? `Install tmux ${MIN_TMUX}+: \`${installCommand}\``
    : `Install tmux ${MIN_TMUX} or newer with your system's package manager.`;
  if (versionOutput === null) return check("tmux", "fail", "tmux is not installed (not found on PATH)", how);
  const numbers = versionNumbers(versionOutput);
  if (numbers === null || atLeast(numbers, MIN_TMUX)) return check("tmux", "ok", versionOutput.trim());
  return check("tmux", "fail", `${versionOutput.trim()} is too old (needs ${MIN_TMUX}+)`, how);
}

async function probeTmux(env: NodeJS.ProcessEnv, cwd: string): Promise<string | null> {
  const result = await runProcess("tmux", ["-V"], { env, cwd, timeoutMs: 5_000 });
  return result.code === 0 ? result.stdout.trim() : null;
}

// ---------------------------------------------------------------------------------------------------------------
// PATH

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on a PATH value, as the shell would find it. */
export function findOnPath(name: string, pathValue: string | undefined): string | null {
  for (const dir of (pathValue ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

const AGENT_CLIS = [
  { command: "claude", install: "npm install -g @anthropic-ai/claude-code" },
  { command: "codex", install: "npm install -g @openai/codex" },
];

/** Which agent CLIs the lead (and workers) could run; none is a warning: they can be installed later. */
export function agentCliCheck(pathValue: string | undefined): Check {
  const found = AGENT_CLIS.map((each) => ({ ...each, path: findOnPath(each.command, pathValue) }));
  const detail = found.map((each) => `${each.command}: ${each.path ?? "not found"}`).join("; ");
  if (found.some((each) => each.path !== null)) return check("agent CLIs", "ok", detail);
  return check(
    "agent CLIs",
    "warn",
    detail,
    `Install Claude Code (\`${AGENT_CLIS[0]?.install}\`) or Codex (\`${AGENT_CLIS[1]?.install}\`) to lead a team.`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// WSL: a project-level npm prefix on a Windows drive

export interface WslPrefixProblem {
  /** The folder npm ran from, with backslashes turned into slashes. */
  cwd: string;
  /** The project `.npmrc` that sets `prefix=`. */
  npmrc: string;
}

const WINDOWS_DRIVE = /^\/mnt\/[a-z]\//i;

/** How the detector looks at files (tests hand in a fake `/mnt/c` tree). */
export interface FileProbe {
  readText(path: string): string | null;
  exists(path: string): boolean;
}

export const realFiles: FileProbe = { readText: readTextOrNull, exists: existsSync };

/** npm's project folder: the nearest folder with a package.json or node_modules, else where npm ran. */
function npmProjectDir(cwd: string, files: FileProbe): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (files.exists(join(dir, "package.json")) || files.exists(join(dir, "node_modules"))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

/**
 * Spec 04 §4.3: npx run from `/mnt/c/…` under WSL next to a project `.npmrc` with `prefix=` warns "config prefix
 * cannot be changed from project config" and never exposes the bin. `cwd` is where npm ran (`INIT_CWD`).
 */
export function detectWslPrefixProblem(cwd: string, files: FileProbe = realFiles): WslPrefixProblem | null {
  const normalised = cwd.replace(/\\/g, "/").replace(/(.)\/+$/, "$1");
  if (!WINDOWS_DRIVE.test(`${normalised}/`)) return null;
  const npmrc = join(npmProjectDir(normalised, files), ".npmrc");
  const text = files.readText(npmrc);
  // Commented lines (`#` or `;`) do not count: the pattern needs `prefix` first on its line.
  return text !== null && /^\s*prefix\s*=/m.test(text) ? { cwd: normalised, npmrc } : null;
}

export function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

export const NPX_FALLBACK = "npx --package @team-agent/installer team-agent-installer install";

export function wslCheck(problem: WslPrefixProblem | null): Check {
  if (problem === null) return check("npm prefix", "ok", "no project-level npm prefix on a Windows drive");
  return check(
    "npm prefix",
    "warn",
    `npm ran in ${problem.cwd} (a Windows drive under WSL) where ${problem.npmrc} sets prefix=; npm refuses a ` +
      "project-level prefix there and may not put bins such as team-agent-installer on PATH",
    `Move the prefix= line from ${problem.npmrc} to ~/.npmrc (or delete it from the project file), then \`cd ~\` ` +
      `and run the installer again; if the bin is still not found use \`${NPX_FALLBACK}\`. The installer never ` +
      "changes npm configuration.",
  );
}

// ---------------------------------------------------------------------------------------------------------------

/** Every machine check, in the order they are shown. */
export async function machineChecks(env: NodeJS.ProcessEnv, cwd: string): Promise<Check[]> {
  const hint = tmuxInstallCommand(process.platform, process.platform === "linux" ? readOsRelease() : null);
  return [
    nodeCheck(),
    tmuxCheck(await probeTmux(env, cwd), hint),
    agentCliCheck(env["PATH"]),
    wslCheck(detectWslPrefixProblem(env["INIT_CWD"] || cwd)),
  ];
}

export function renderChecks(checks: readonly Check[]): string {
  const width = Math.max(0, ...checks.map((each) => each.name.length));
  const label = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;
  return checks
    .flatMap((each) => [
      `  ${label[each.level]}  ${each.name.padEnd(width)}  ${each.detail}`,
      ...(each.level !== "ok" && each.action !== null ? [`  ${"".padEnd(6 + width)}  → ${each.action}`] : []),
    ])
    .join("\n");
}
