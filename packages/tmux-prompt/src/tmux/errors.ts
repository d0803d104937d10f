import { TeamRuntimeError, ValidationError } from "@team-agent/core-state";
import type { TmuxResult } from "./types.js";

/**
 * A typed query could not get a usable answer from tmux: it timed out, the connection died, the binary is missing,
 * or the output did not parse. "The target does not exist" is an answer (false / null), never this error.
 */
export class TmuxQueryError extends TeamRuntimeError {
  readonly timedOut: boolean;

  constructor(
    code: "tmux_timeout" | "tmux_unavailable" | "tmux_output_unparseable" | "tmux_target_missing",
    message: string,
    options: { args?: readonly string[]; result?: TmuxResult } = {},
  ) {
    super(code, message, ACTIONS[code], {
      details: { args: options.args ?? [], stderr: options.result?.stderr ?? "", exit_code: options.result?.exitCode },
    });
    this.timedOut = options.result?.timedOut ?? false;
  }
}

const ACTIONS: Record<ConstructorParameters<typeof TmuxQueryError>[0], string> = {
  tmux_timeout: "tmux did not answer in time; retry, and run `team-agent doctor` if it keeps happening.",
  tmux_unavailable: "Check that tmux is installed and its server is running (`tmux -L <socket> ls`), then retry.",
  tmux_output_unparseable:
    "A tmux name probably contains a tab or newline; rename the session/window/pane title and retry.",
  tmux_target_missing: "The pane is gone; run `team-agent status` to see which agents are still running.",
};

/** A session, window or buffer name, or a command argument, that tmux would mangle or that cannot be sent safely. */
export function invalidTmuxInput(what: string, value: string, rule: string, action?: string): ValidationError {
  const message = `invalid tmux ${what} ${JSON.stringify(value)}: ${rule}`;
  return new ValidationError(message, [{ pointer: "", message }], {
    code: "tmux_input_invalid",
    action: action ?? `Choose a ${what} without the characters named above and retry.`,
  });
}
