/**
 * A private tmux server per test (`tmux -L ta-test-<random>`, no user config), killed in afterEach even when the
 * test fails (then it waits for the pane programs to exit), plus helpers to read a pane through the fake's screen
 * signatures. Create temp dirs before the server, so cleanup (last registered, first run) kills tmux first.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { classifyScreen, type ScreenClassification, SpawnTransport, TmuxClient } from "@team-agent/tmux-prompt";
import { FAKE_SIGNATURES } from "../../src/screens.js";
import { alive, onCleanup, waitFor } from "./env.js";

export interface TestTmux {
  socketName: string;
  client: TmuxClient;
  /** Starts `argv` in a new session's only pane and returns the pane id. */
  start(
    argv: readonly string[],
    options: { cwd: string; env?: Record<string, string>; width?: number; height?: number },
  ): Promise<string>;
  screen(pane: string): Promise<string>;
  classify(pane: string): Promise<ScreenClassification>;
  /** Polls the pane until the classifier reads `kind` (and `extra` holds); returns that classification. */
  waitForKind(
    pane: string,
    kind: ScreenClassification["kind"],
    extra?: (screen: string) => boolean,
  ): Promise<ScreenClassification>;
}

export function startTestTmux(): TestTmux {
  const socketName = `ta-test-${randomBytes(6).toString("hex")}`;
  const transport = new SpawnTransport({ socketName }, { configFile: "/dev/null" });
  const client = new TmuxClient(transport);
  const panePids: number[] = [];
  onCleanup(async () => {
    await transport.run(["kill-server"]);
    rmSync(join(process.env["TMUX_TMPDIR"] ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`, socketName), { force: true });
    // The programs get SIGHUP; wait until they are gone so none of them writes into a removed temp dir.
    await waitFor(() => panePids.every((pid) => !alive(pid)), "the pane processes to exit", 10_000);
  });
  let sessions = 0;
  const tmux: TestTmux = {
    socketName,
    client,
    async start(argv, options) {
      sessions += 1;
      const made = await client.newSession({
        name: `s${sessions}`,
        window: "agent",
        command: argv,
        cwd: options.cwd,
        width: options.width ?? 120,
        height: options.height ?? 40,
        ...(options.env ? { env: options.env } : {}),
      });
      if (!made.ok || made.paneId === null) throw new Error(`new-session failed: ${made.error}`);
      const pid = (await client.paneProcess(made.paneId))?.panePid;
      if (pid) panePids.push(pid);
      return made.paneId;
    },
    async screen(pane) {
      const capture = await client.capturePane(pane);
      if (!capture.ok) throw new Error(`capture-pane ${pane} failed: ${capture.error}`);
      return capture.text;
    },
    async classify(pane) {
      return classifyScreen(await tmux.screen(pane), { signatures: FAKE_SIGNATURES });
    },
    async waitForKind(pane, kind, extra) {
      let last = "";
      try {
        return await waitFor(async () => {
          last = await tmux.screen(pane).catch((error: Error) => `(capture failed: ${error.message})`);
          const seen = classifyScreen(last, { signatures: FAKE_SIGNATURES });
          return seen.kind === kind && (extra === undefined || extra(last)) ? seen : undefined;
        }, `the fake's screen to read ${kind}`);
      } catch (error) {
        throw new Error(`${(error as Error).message}; last screen:\n${last}`);
      }
    },
  };
  return tmux;
}
