/**
 * The D7 result envelope and exit codes, kept here instead of imported from core-state: the installer has to run
 * (and report) on a machine where the runtime it installs cannot load yet, e.g. a missing native SQLite build.
 */

export interface ErrorDetails {
  code: string;
  message: string;
  action: string;
}

export type Envelope = {
  ok: boolean;
  summary: string;
  next_actions: string[];
  error?: ErrorDetails;
} & Record<string, unknown>;

/** A failure the installer explains: what went wrong (`message`) and what to do (`action`). */
export class InstallerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly action: string,
  ) {
    super(message);
    this.name = "InstallerError";
  }
}

export const usageError = (message: string): InstallerError =>
  new InstallerError("usage_error", message, "Run `team-agent-installer --help` to see the commands and options.");

export function success(summary: string, data: Record<string, unknown> = {}, nextActions: string[] = []): Envelope {
  return { ok: true, summary, ...data, next_actions: nextActions };
}

export function failure(
  error: unknown,
  data: Record<string, unknown> = {},
  options: { summary?: string; nextActions?: string[] } = {},
): Envelope {
  const details: ErrorDetails =
    error instanceof InstallerError
      ? { code: error.code, message: error.message, action: error.action }
      : {
          code: "internal_error",
          message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
          action: "Run `team-agent-installer doctor`; report the error with its output if it persists.",
        };
  return {
    ok: false,
    summary: options.summary ?? details.message,
    ...data,
    next_actions: options.nextActions ?? [details.action],
    error: details,
  };
}

/** 0 success, 1 failed operation, 2 usage error. */
export function exitCodeFor(envelope: Envelope): 0 | 1 | 2 {
  if (envelope.ok) return 0;
  return envelope.error?.code === "usage_error" ? 2 : 1;
}
