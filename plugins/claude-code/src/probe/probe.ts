/**
 * Is Claude Code installed, which version, and does it have credentials — without ever starting its UI:
 * a PATH lookup, `claude --version`, and `claude auth status --json` (a plain command that prints JSON).
 */
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { ProviderProbe } from "@team-agent/provider-registry";
import { CLAUDE_COMMAND } from "../constants.js";

export interface ProbeOptions {
  command?: string;
  /** The environment to look in (PATH, credentials); defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The first executable file named `command` on `PATH`, or null. */
export function findOnPath(command: string, pathValue: string | undefined): string | null {
  for (const dir of (pathValue ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, command);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | null; stdout: string }>((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, encoding: "utf8" }, (error, stdout) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout: stdout ?? "" });
    });
  });
}

// Credentials in the environment decide before any login the CLI stored; only their names are ever reported.
const ENV_CREDENTIALS = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"];

export function createProbe(options: ProbeOptions = {}): ProviderProbe {
  const command = options.command ?? CLAUDE_COMMAND;
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const locate = () => findOnPath(command, env.PATH);

  return {
    async isInstalled() {
      return locate() !== null;
    },

    async version() {
      const file = locate();
      if (file === null) return null;
      const { code, stdout } = await run(file, ["--version"], env, timeoutMs);
      const first = stdout.split("\n")[0]?.trim() ?? "";
      return code === 0 && first !== "" ? first : "installed";
    },

    async authHint() {
      const fromEnv = ENV_CREDENTIALS.filter((name) => (env[name] ?? "") !== "");
      if (fromEnv.length > 0)
        return { status: "present", detail: `credentials in the environment: ${fromEnv.join(", ")}` };
      const file = locate();
      if (file === null) return { status: "unknown", detail: `${command} is not on PATH` };
      const { stdout } = await run(file, ["auth", "status", "--json"], env, timeoutMs);
      let status: unknown;
      try {
        status = JSON.parse(stdout);
      } catch {
        return { status: "unknown", detail: `\`${command} auth status --json\` did not print JSON` };
      }
      const loggedIn =
        typeof status === "object" && status !== null ? (status as Record<string, unknown>).loggedIn : undefined;
      const method = (status as Record<string, unknown> | null)?.authMethod;
      if (loggedIn === true) return { status: "present", detail: `logged in (${String(method ?? "unknown method")})` };
      if (loggedIn === false)
        return { status: "missing", detail: `not logged in: run \`${command} auth login\` or set a key` };
      return { status: "unknown", detail: `\`${command} auth status --json\` did not say whether it is logged in` };
    },
  };
}
