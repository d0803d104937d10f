/** Running the installed CLI, npm and tmux as child processes: never a shell, always a deadline. */
import { spawn } from "node:child_process";

export interface ProcessResult {
  /** Exit code; null when the program could not start or was killed at the deadline. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why there is no exit code (`spawn npm ENOENT`, `timed out after 60000 ms`). */
  failure: string | null;
}

export interface ProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  input?: string;
  timeoutMs?: number;
}

export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let failure: string | null = null;
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      failure = `timed out after ${timeoutMs} ms`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => {
      failure ??= error.message;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: failure === null ? code : null, stdout, stderr, failure });
    });
    child.stdin.end(options.input ?? "");
  });
}
