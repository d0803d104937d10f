/** Deprecated spec opt-ins: an event on every load, a stderr warning once per process. */
import type { EventSink } from "../events.js";
import type { TeamSpec } from "./schema.js";

/** Writes `message` the first time `key` is seen by this warner; later calls with the same key do nothing. */
export type OnceWarner = (key: string, message: string) => void;

export function createOnceWarner(write: (message: string) => void): OnceWarner {
  const seen = new Set<string>();
  return (key, message) => {
    if (seen.has(key)) return;
    seen.add(key);
    write(message);
  };
}

/** The process-wide warner the loader uses unless a test injects its own. */
export const processOnceWarner: OnceWarner = createOnceWarner((message) => {
  process.stderr.write(`${message}\n`);
});

export const AUTO_TRUST_DEPRECATED_EVENT = "trust_auto_answer_spec_opt_in_deprecated";
export const AUTO_TRUST_ENV_VAR = "TEAM_AGENT_AUTO_TRUST_OWN_WORKSPACE";

export const AUTO_TRUST_DEPRECATION = {
  deprecated_field: "spec.runtime.auto_trust_own_workspace",
  preferred_opt_in: `env:${AUTO_TRUST_ENV_VAR}`,
  removal_target_version: "0.3.0",
} as const;

export interface DeprecationOutputs {
  events?: EventSink;
  warnOnce?: OnceWarner;
}

export function reportDeprecatedOptIns(spec: TeamSpec, outputs: DeprecationOutputs = {}): void {
  if (spec.runtime.auto_trust_own_workspace !== true) return;
  outputs.events?.emit(AUTO_TRUST_DEPRECATED_EVENT, { ...AUTO_TRUST_DEPRECATION });
  (outputs.warnOnce ?? processOnceWarner)(
    AUTO_TRUST_DEPRECATED_EVENT,
    `team-agent: warning: runtime.auto_trust_own_workspace in the team spec is deprecated and will be removed in ` +
      `${AUTO_TRUST_DEPRECATION.removal_target_version}; set ${AUTO_TRUST_ENV_VAR}=1 in the environment instead.`,
  );
}
