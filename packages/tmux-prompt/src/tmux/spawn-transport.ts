/**
 * One tmux client process per command: simple and stateless, right for short-lived CLI calls.
 * Never a shell: the command is an argv array; stdin carries `load-buffer -` data.
 */
import { execa } from "execa";
import { escapeArgvArgument, globalArguments, type TmuxClientFlags } from "./argv.js";
import type { TmuxResult, TmuxRunOptions, TmuxServer, TmuxTransport } from "./types.js";

export interface SpawnTransportOptions extends TmuxClientFlags {
  /** Used when a call gives no `timeoutMs`. */
  defaultTimeoutMs?: number;
}

export const DEFAULT_TMUX_TIMEOUT_MS = 10_000;

export class SpawnTransport implements TmuxTransport {
  readonly server: TmuxServer;
  private readonly binary: string;
  private readonly prefix: string[];
  private readonly defaultTimeoutMs: number;
  private spawned = 0;

  constructor(server: TmuxServer, options: SpawnTransportOptions = {}) {
    this.server = server;
    this.binary = options.binary ?? "tmux";
    this.prefix = globalArguments(server, options);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TMUX_TIMEOUT_MS;
  }

  get processesSpawned(): number {
    return this.spawned;
  }

  async run(args: readonly string[], options: TmuxRunOptions = {}): Promise<TmuxResult> {
    this.spawned += 1;
    const result = await execa(this.binary, [...this.prefix, ...args.map(escapeArgvArgument)], {
      reject: false,
      timeout: options.timeoutMs ?? this.defaultTimeoutMs,
      // tmux only reads stdin for `load-buffer -`; everything else gets no stdin at all.
      ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
      encoding: "utf8",
      // One trailing newline is dropped, as the control transport does (it only sees lines), so both agree.
      stripFinalNewline: true,
      forceKillAfterDelay: 1_000,
    });
    if (result.timedOut) return { ok: false, exitCode: null, stdout: "", stderr: "timeout", timedOut: true };
    const exitCode = typeof result.exitCode === "number" ? result.exitCode : null;
    // No exit code means tmux never ran or was killed (missing binary, signal): say why in stderr.
    const stderr =
      exitCode === null && result.stderr === "" ? (result.shortMessage ?? "tmux did not run") : result.stderr;
    return { ok: exitCode === 0, exitCode, stdout: result.stdout, stderr, timedOut: false };
  }

  /** Nothing stays open between calls. */
  async close(): Promise<void> {}
}
