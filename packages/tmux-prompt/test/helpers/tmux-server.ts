/**
 * A private tmux server per test: a unique `-L ta-test-<random>` socket, started with `-f /dev/null` (no user
 * config), one session of a chosen size, and `kill()` that stops the server, closes every transport opened here and
 * removes the socket file (tmux 3.3 leaves it behind).
 *
 *   const tmux = useTestTmux({ width: 100, height: 30 });        // beforeEach start, afterEach kill
 *   it("...", async () => { const pane = await tmux().newWindow("dev", ["sh", "-c", "echo hi; exec cat"]); });
 *
 * or by hand: `const t = await startTestTmux(); try { … } finally { await t.kill(); }`.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { TmuxClient } from "../../src/tmux/client.js";
import { ControlTransport, type ControlTransportOptions } from "../../src/tmux/control-transport.js";
import { SpawnTransport } from "../../src/tmux/spawn-transport.js";
import type { TmuxServer, TmuxTransport } from "../../src/tmux/types.js";

export interface TestTmuxOptions {
  /** Size of the first session's window; default 120 x 40. */
  width?: number;
  height?: number;
  /** First session and window names; default `test` / `main`. */
  session?: string;
  window?: string;
  /** Program of the first window (argv); default `cat`, which waits quietly and echoes what is typed. */
  command?: readonly string[];
}

export interface TestTmux {
  server: TmuxServer;
  socketName: string;
  session: string;
  window: string;
  /** Pane id of the first window's pane. */
  paneId: string;
  /** One tmux process per call; `client` uses it. */
  transport: SpawnTransport;
  client: TmuxClient;
  /** Opens a window in the test session (default program `cat`) and returns its pane id. */
  newWindow(name: string, command?: readonly string[]): Promise<string>;
  /** A control-mode transport on this server; `kill()` closes it. */
  controlTransport(options?: ControlTransportOptions): ControlTransport;
  /** Polls the pane (visible screen + `history` lines) until `match` is found; returns the capture. */
  waitForText(
    target: string,
    match: string | RegExp,
    options?: { timeoutMs?: number; history?: number },
  ): Promise<string>;
  /** Polls until the pane's foreground command is `command` (e.g. the shell has exec'd `cat`). */
  waitForCommand(target: string, command: string, timeoutMs?: number): Promise<void>;
  /** Closes the transports opened here and kills the server (safe to call twice). */
  kill(): Promise<void>;
}

export async function startTestTmux(options: TestTmuxOptions = {}): Promise<TestTmux> {
  const socketName = `ta-test-${randomBytes(6).toString("hex")}`;
  const server: TmuxServer = { socketName };
  const transport = new SpawnTransport(server, { configFile: "/dev/null" });
  const client = new TmuxClient(transport);
  const opened: TmuxTransport[] = [];
  const session = options.session ?? "test";
  const window = options.window ?? "main";

  const kill = async (): Promise<void> => {
    await Promise.all(opened.splice(0).map((each) => each.close()));
    await killTestServer(server);
  };

  const created = await client.newSession({
    name: session,
    window,
    width: options.width ?? 120,
    height: options.height ?? 40,
    command: options.command ?? ["cat"],
  });
  if (!created.ok || created.paneId === null) {
    await kill();
    throw new Error(`could not start the test tmux server ${socketName}: ${created.error}`);
  }

  return {
    server,
    socketName,
    session,
    window,
    paneId: created.paneId,
    transport,
    client,
    async newWindow(name, command = ["cat"]) {
      const made = await client.newWindow({ session, name, command });
      if (!made.ok || made.paneId === null) throw new Error(`new-window ${name} failed: ${made.error}`);
      return made.paneId;
    },
    controlTransport(controlOptions) {
      const control = new ControlTransport(server, controlOptions);
      opened.push(control);
      return control;
    },
    async waitForText(target, match, waitOptions = {}) {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 10_000);
      let last = "";
      for (;;) {
        const capture = await client.capturePane(target, { start: -(waitOptions.history ?? 0) });
        last = capture.ok ? capture.text : `(capture failed: ${capture.error})`;
        if (capture.ok && (typeof match === "string" ? last.includes(match) : match.test(last))) return last;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${String(match)} in ${target}; last:\n${last}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async waitForCommand(target, command, timeoutMs) {
      await waitUntil(
        async () => (await client.paneProcess(target))?.currentCommand === command,
        `${command} to run in ${target}`,
        timeoutMs,
      );
    },
    kill,
  };
}

/** Where tmux puts the socket of `-L name` (tmux's own rule: $TMUX_TMPDIR or /tmp, then tmux-<uid>). */
export function socketPathOf(socketName: string): string {
  return join(process.env.TMUX_TMPDIR ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`, socketName);
}

/** Kills a `-L` test server (if running) and removes its socket file. */
export async function killTestServer(server: { socketName: string }): Promise<void> {
  await new SpawnTransport(server).run(["kill-server"]);
  rmSync(socketPathOf(server.socketName), { force: true });
}

/** Polls an async condition every 20 ms until it holds; throws naming `label` after `timeoutMs`. */
export async function waitUntil(condition: () => Promise<boolean>, label: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a private server before each test and kills it after each, even when the test fails. */
export function useTestTmux(options: TestTmuxOptions = {}): () => TestTmux {
  let current: TestTmux | null = null;
  beforeEach(async () => {
    current = await startTestTmux(options);
  });
  afterEach(async () => {
    const running = current;
    current = null;
    await running?.kill();
  });
  return () => {
    if (current === null) throw new Error("useTestTmux: no server outside a test (call it at describe/file level)");
    return current;
  };
}
