/**
 * The one error type every Team Agent command reports: a stable machine `code`, a human `message` saying what is
 * wrong, and an `action` saying what to do next. Subclasses only narrow the code family.
 */
export interface ErrorDetails {
  code: string;
  message: string;
  action: string;
}

export class TeamAgentError extends Error implements ErrorDetails {
  readonly code: string;
  readonly action: string;
  /** Extra structured facts for the result envelope (never secrets). */
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    action: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.action = action;
    this.details = options.details ?? {};
  }

  toJSON(): ErrorDetails {
    return { code: this.code, message: this.message, action: this.action };
  }
}

/** Bad input: a spec, role doc, id, CLI argument or result envelope that does not validate. */
export class ValidationError extends TeamAgentError {
  /** One entry per problem, in the order found. */
  readonly problems: readonly ValidationProblem[];

  constructor(
    message: string,
    problems: readonly ValidationProblem[] = [],
    options: { code?: string; action?: string; cause?: unknown } = {},
  ) {
    super(options.code ?? "validation_failed", message, options.action ?? "Fix the input named above and retry.", {
      cause: options.cause,
      details: { problems },
    });
    this.problems = problems;
  }
}

export interface ValidationProblem {
  /** JSON pointer of the offending field, e.g. `/agents/0/provider` (empty string for the document root). */
  pointer: string;
  message: string;
  file?: string;
  /** 1-based line of the field in `file`, when known. */
  line?: number;
}

/** An operation that could not be carried out (lock busy, unknown team, illegal state change, store unusable). */
export class TeamRuntimeError extends TeamAgentError {}

/** Turns anything thrown into the `{code, message, action}` triple of the result envelope. */
export function toErrorDetails(error: unknown): ErrorDetails {
  if (error instanceof TeamAgentError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: "internal_error",
    message,
    action: "Run `team-agent doctor` and inspect .team/logs/events.jsonl; report the error if it persists.",
  };
}
