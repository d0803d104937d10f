/**
 * The contract between everything that talks to tmux and the two ways of reaching it: one tmux process per
 * command (short-lived CLI calls) or one long-lived control-mode connection (the coordinator daemon).
 */

/** Which tmux server a call goes to. Every team, and every test, can have its own. */
export type TmuxServer = { socketName: string } | { socketPath: string } | { default: true };

/** A finished tmux command. A non-zero exit or a timeout is data, never an exception. */
export interface TmuxResult {
  ok: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface TmuxRunOptions {
  /** Bytes for the command's stdin (only `load-buffer -`); forces a spawned process even in control mode. */
  input?: string;
  timeoutMs?: number;
}

export interface TmuxTransport {
  readonly server: TmuxServer;
  run(args: readonly string[], options?: TmuxRunOptions): Promise<TmuxResult>;
  /** How many tmux processes this transport has started so far (benchmarks and tests read it). */
  readonly processesSpawned: number;
  close(): Promise<void>;
}
