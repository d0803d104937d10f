/**
 * The person's terminal: a private tmux server (`-L ta-real-lead-<random>`) whose one pane runs a clean bash in the
 * sandbox's environment. The test types into it as a person would (`team-agent claude`, then a request), and
 * reads its screen.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Sandbox } from "./sandbox.js";

export interface LeadPane {
  socket: string;
  paneId: string;
  screen(): string;
  /** Types `text` literally, waits until it shows, then presses Enter. */
  submit(text: string): Promise<void>;
  kill(): void;
}

export async function waitUntil<T>(what: string, probe: () => T | null | undefined | false, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function openLeadPane(box: Sandbox, cwd: string): LeadPane {
  const socket = `ta-real-lead-${randomBytes(4).toString("hex")}`;
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-L", socket, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: box.env,
    });
  const shell = ["env", "-i", ...Object.entries(box.env).map(([k, v]) => `${k}=${v}`), "bash", "--noprofile", "--norc"];
  const quoted = shell.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
  tmux("-f", "/dev/null", "new-session", "-d", "-s", "lead", "-x", "200", "-y", "50", "-c", cwd, quoted);
  const paneId = tmux("display-message", "-p", "-t", "lead", "#{pane_id}").trim();
  const screen = () => tmux("capture-pane", "-p", "-t", paneId);
  return {
    socket,
    paneId,
    screen,
    async submit(text: string) {
      tmux("send-keys", "-t", paneId, "-l", text);
      const tail = text.slice(-20);
      await waitUntil(`"${tail}" typed into the lead pane`, () => screen().includes(tail), 10_000);
      // Both CLIs take an Enter that follows typed text too closely as part of a paste.
      await new Promise((resolve) => setTimeout(resolve, 600));
      tmux("send-keys", "-t", paneId, "Enter");
    },
    kill() {
      try {
        tmux("kill-server");
      } catch {
        // already gone
      }
    },
  };
}
