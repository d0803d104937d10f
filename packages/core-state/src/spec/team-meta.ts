/** `TEAM.md`: team-wide defaults from its front matter, with the original's fallbacks (spec 01 §6). */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ValidationError } from "../errors.js";
import type { AuthMode, DisplayBackend, Provider } from "./constants.js";
import { docProblem, teamDocError } from "./doc-problems.js";
import { bool, nonEmptyStr, nonNegativeNumber, positiveNumber, safeId, str } from "./fields.js";
import { parseFrontMatter } from "./front-matter.js";
import { genericIssueMessage, issuesToProblems } from "./issues.js";
import { authModeField, displayBackendField, providerField } from "./schema.js";

/** Every key is optional and unknown keys are ignored; only the types of known keys are checked. */
const teamMetaSchema = z.looseObject({
  name: nonEmptyStr().optional(),
  objective: str().optional(),
  provider: providerField().optional(),
  model: str().optional(),
  default_model: str().optional(),
  provider_models: z.record(z.string(), str(), { error: "must be a map of provider to model" }).optional(),
  default_auth_mode: authModeField().optional(),
  default_profile: safeId("profile").optional(),
  leader_role: nonEmptyStr().optional(),
  worker_to_worker: bool().optional(),
  display_backend: displayBackendField().optional(),
  session_name: nonEmptyStr().optional(),
  dangerous_auto_approve: bool().optional(),
  fast: bool().optional(),
  tick_interval_sec: positiveNumber().optional(),
  push_min_interval_sec: nonNegativeNumber().optional(),
  stuck_timeout_sec: positiveNumber().optional(),
});

export interface TeamDefaults {
  /** Absent → the compiler names the team after the team dir's parent directory. */
  name: string | undefined;
  /** Absent → the body, else a stock sentence. */
  objective: string;
  provider: Provider;
  model: string | null;
  default_model: string | undefined;
  provider_models: Readonly<Record<string, string>>;
  default_auth_mode: AuthMode;
  default_profile: string | undefined;
  leader_role: string;
  worker_to_worker: boolean;
  display_backend: DisplayBackend;
  session_name: string | undefined;
  dangerous_auto_approve: boolean;
  fast: boolean;
  tick_interval_sec: number;
  push_min_interval_sec: number;
  stuck_timeout_sec: number;
}

export const DEFAULT_OBJECTIVE = "Coordinate the team to complete the user's requests.";

/** Front matter keys written as `key:` with no value count as absent. */
export function withoutNulls(meta: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(meta).filter(([, value]) => value !== null));
}

export function readTeamDefaults(path: string): TeamDefaults {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ValidationError(`${path}: cannot read TEAM.md`, [docProblem(path, "cannot read TEAM.md")], {
      code: "team_doc_invalid",
      action: `Check that ${path} is a readable file, then rerun the command.`,
      cause: error,
    });
  }
  const front = parseFrontMatter(text, path);
  const parsed = teamMetaSchema.safeParse(withoutNulls(front.meta), { error: genericIssueMessage });
  if (!parsed.success) {
    throw teamDocError(
      issuesToProblems(parsed.error.issues).map((problem) =>
        docProblem(
          path,
          `${problem.pointer.slice(1)}: ${problem.message}`,
          problem.pointer,
          front.lineOf(problem.pointer),
        ),
      ),
    );
  }
  const meta = parsed.data;
  return {
    name: meta.name,
    objective: meta.objective ?? (front.body.trim() || DEFAULT_OBJECTIVE),
    provider: meta.provider ?? "codex",
    model: meta.model ?? null,
    default_model: meta.default_model,
    provider_models: meta.provider_models ?? {},
    default_auth_mode: meta.default_auth_mode ?? "subscription",
    default_profile: meta.default_profile,
    leader_role: meta.leader_role ?? "leader",
    worker_to_worker: meta.worker_to_worker ?? true,
    display_backend: meta.display_backend ?? "adaptive",
    session_name: meta.session_name,
    dangerous_auto_approve: meta.dangerous_auto_approve ?? false,
    fast: meta.fast ?? false,
    tick_interval_sec: meta.tick_interval_sec ?? 2,
    push_min_interval_sec: meta.push_min_interval_sec ?? 60,
    stuck_timeout_sec: meta.stuck_timeout_sec ?? 300,
  };
}
