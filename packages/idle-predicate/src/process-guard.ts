/**
 * The process guard decides whether an open turn belongs to a process that is still alive (§2.3.5). It is
 * three-valued on purpose: "we could not tell" must never read as "alive", or a crashed worker would look busy
 * forever and the team would never be reminded.
 */

/** What is known about one process. Only `start_time`, `cmdline` and `create_time` identify it; a pid is reused. */
export interface ProcessIdentity {
  pid?: number | null;
  start_time?: string | number | null;
  cmdline?: string | readonly string[] | null;
  create_time?: string | number | null;
  /** `false` means the process is known to be gone. */
  running?: boolean | null;
  alive?: boolean | null;
}

/**
 * Guard input. Either a verdict someone else already reached (`alive`, `running`, `identity_match`), or the
 * identity recorded when the worker started (`expected` / `recorded`) next to what is running now
 * (`current` / `observed`). Absent evidence is not evidence.
 */
export interface ProcessEvidence {
  alive?: boolean | null;
  running?: boolean | null;
  identity_match?: boolean | null;
  expected?: ProcessIdentity | null;
  recorded?: ProcessIdentity | null;
  current?: ProcessIdentity | null;
  observed?: ProcessIdentity | null;
}

export type ProcessVerdict = "alive" | "dead" | "unverifiable";

export interface ProcessJudgement {
  verdict: ProcessVerdict;
  /** Why, e.g. `process_identity_mismatch:start_time`, `no_strong_identity`, `alive:true`. */
  detail: string;
}

export const STRONG_IDENTITY_FIELDS = ["start_time", "cmdline", "create_time"] as const;
type StrongField = (typeof STRONG_IDENTITY_FIELDS)[number];

const VERDICT_FLAGS = ["alive", "running", "identity_match"] as const;

export function judgeProcess(evidence?: ProcessEvidence | null): ProcessJudgement {
  if (evidence == null) return { verdict: "unverifiable", detail: "no_process_evidence" };

  // An explicit "no" wins over any "yes": one signal of death is enough to stop calling the worker busy.
  for (const flag of VERDICT_FLAGS) {
    if (evidence[flag] === false) return { verdict: "dead", detail: `${flag}:false` };
  }
  for (const flag of VERDICT_FLAGS) {
    if (evidence[flag] === true) return { verdict: "alive", detail: `${flag}:true` };
  }

  const recorded = evidence.expected ?? evidence.recorded ?? null;
  const current = evidence.current ?? evidence.observed ?? null;
  if (current && (current.running === false || current.alive === false)) {
    return { verdict: "dead", detail: "process_not_running" };
  }
  if (!recorded || !current) return { verdict: "unverifiable", detail: "process_identity_unverified" };

  for (const field of STRONG_IDENTITY_FIELDS) {
    const want = strongValue(recorded, field);
    const have = strongValue(current, field);
    if (want !== null && have !== null && want !== have) {
      return { verdict: "dead", detail: `process_identity_mismatch:${field}` };
    }
  }
  const recordedFields = STRONG_IDENTITY_FIELDS.filter((field) => strongValue(recorded, field) !== null);
  if (recordedFields.length === 0) return { verdict: "unverifiable", detail: "no_strong_identity" };
  const missing = recordedFields.find((field) => strongValue(current, field) === null);
  if (missing) return { verdict: "unverifiable", detail: `strong_field_missing:${missing}` };
  return { verdict: "alive", detail: "process_identity_match" };
}

/** Comparable text of a strong field, or null when absent (so `100` and `"100"` compare equal). */
function strongValue(identity: ProcessIdentity, field: StrongField): string | null {
  const value = identity[field];
  if (value === null || value === undefined || value === "") return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(String).join("\u0000");
  return String(value);
}
