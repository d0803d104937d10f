/** Runs a `team-agent-installer` (from source through tsx, or a packed and installed bin) as a child process. */
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Envelope } from "../../src/envelope.js";
import { type ProcessResult, runProcess } from "../../src/process.js";

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const sourceMain = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

/** `node … src/main.ts`: the installer's source, with workspace packages resolved to their source too. */
export const SOURCE_INSTALLER = {
  command: process.execPath,
  args: ["--conditions=source", "--import", tsxLoader, sourceMain],
};

export interface Run extends ProcessResult {
  /** stdout as a result envelope (fails the test with the output when it is not one). */
  envelope(): Envelope;
}

export async function run(
  program: { command: string; args: string[] },
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; input?: string; timeoutMs?: number },
): Promise<Run> {
  const result = await runProcess(program.command, [...program.args, ...args], options);
  return {
    ...result,
    envelope() {
      try {
        return JSON.parse(result.stdout) as Envelope;
      } catch {
        throw new Error(`${args.join(" ")}: stdout is not JSON:\n${result.stdout}\nstderr:\n${result.stderr}`);
      }
    },
  };
}

/** The environment of a user whose HOME is `home`: no XDG overrides and nothing of npm's own variables. */
export function userEnv(home: string, path: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("npm_") || key.startsWith("XDG_") || key === "INIT_CWD" || key.startsWith("TEAM_AGENT"))
      continue;
    env[key] = value;
  }
  return { ...env, HOME: home, PATH: path, SHELL: "/bin/bash", NO_COLOR: "1", ...extra };
}
