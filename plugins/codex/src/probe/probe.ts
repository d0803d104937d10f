/**
 * Is Codex installed, which version, and does it look signed in? Never starts the TUI: the version comes from
 * `codex --version`, the auth hint from the environment and files in the Codex home (their contents are never
 * read into output, so no secret can leak).
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import type { ProviderProbe } from "@team-agent/provider-registry";

export interface ProbeOptions {
  command: string;
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  /** Runs `command args` and resolves its stdout; rejects on failure. */
  run?: (command: string, args: string[]) => Promise<string>;
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable `command` resolves to on PATH (or itself when it is a path), or null. */
export function findExecutable(command: string, pathVar: string | undefined): string | null {
  if (command.includes("/")) return isAbsolute(command) && isExecutable(command) ? command : null;
  for (const dir of (pathVar ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function defaultRun(env: Readonly<Record<string, string | undefined>>) {
  return (command: string, args: string[]) =>
    new Promise<string>((resolvePromise, reject) => {
      execFile(command, args, { env: { ...env }, timeout: 15_000, encoding: "utf8" }, (error, stdout) => {
        if (error) reject(error);
        else resolvePromise(stdout);
      });
    });
}

/** Does config.toml select a model provider other than OpenAI's (a compatible API with its own key)? */
function customProvider(configPath: string): string | null {
  try {
    const m = /^\s*model_provider\s*=\s*"([^"]+)"/m.exec(readFileSync(configPath, "utf8"));
    return m && m[1] !== "openai" ? (m[1] ?? null) : null;
  } catch {
    return null;
  }
}

export function createCodexProbe(options: ProbeOptions): ProviderProbe {
  const env = options.env ?? process.env;
  const run = options.run ?? defaultRun(env);
  const home = env.CODEX_HOME || join(options.homeDir ?? homedir(), ".codex");
  const installed = () => findExecutable(options.command, env.PATH) !== null;

  return {
    async isInstalled() {
      return installed();
    },
    async version() {
      if (!installed()) return null;
      for (const args of [["--version"], ["version"]]) {
        try {
          const first = (await run(options.command, args)).split("\n")[0]?.trim();
          if (first) return first;
        } catch {
          /* try the next form */
        }
      }
      return "installed";
    },
    async authHint() {
      if (env.OPENAI_API_KEY || env.CODEX_API_KEY) {
        return { status: "present", detail: "an API key is set in the environment (OPENAI_API_KEY or CODEX_API_KEY)" };
      }
      if (existsSync(join(home, "auth.json"))) {
        return { status: "present", detail: `stored credentials found in ${join(home, "auth.json")}` };
      }
      const provider = customProvider(join(home, "config.toml"));
      if (provider !== null) {
        return {
          status: "unknown",
          detail: `${join(home, "config.toml")} selects model provider '${provider}'; its key comes from that provider's env_key`,
        };
      }
      return {
        status: "missing",
        detail: `no credentials in ${home} and no OPENAI_API_KEY; run \`codex login\` (or \`codex login --with-api-key\`)`,
      };
    },
  };
}
