/**
 * Zod schema of `team.spec.yaml`, reproducing the validator the original runs (spec 01 §5.2), not its stricter
 * shipped JSON Schema. Every object is strict (unknown keys are reported); keys are required unless `.optional()`.
 * Cross-references (agent ids, dependencies, cycles, prompt files) are checked in `semantic.ts`.
 */
import type { z } from "zod";
import {
  AUTH_MODES,
  BACKENDS,
  DISPLAY_BACKENDS,
  PROTOCOLS,
  PROVIDERS,
  RESULT_ENVELOPE_FORMAT,
  TASK_STATUSES,
  TEAM_MODES,
} from "./constants.js";
import {
  anyMap,
  anyValue,
  bool,
  equals,
  int,
  list,
  nonEmptyStr,
  nonNegativeNumber,
  nullableStr,
  oneOf,
  positiveNumber,
  quoted,
  safeId,
  str,
  strictObj,
} from "./fields.js";
import { isKnownToolName } from "./tools.js";

export const unknownProvider = (input: unknown): string => `unknown provider '${quoted(input)}'`;
export const unknownAuthMode = (input: unknown): string => `unknown auth_mode '${quoted(input)}'`;

export const providerField = () => oneOf(PROVIDERS, unknownProvider);
export const authModeField = () => oneOf(AUTH_MODES, unknownAuthMode);
export const displayBackendField = () =>
  oneOf(DISPLAY_BACKENDS, (input) => `invalid display_backend '${quoted(input)}'`);

/** A tool entry: a canonical name or an alias (§7). */
export const toolNameField = () =>
  str().refine(isKnownToolName, { error: (issue) => `unknown tool '${quoted(issue.input)}'` });

const teamSchema = strictObj({
  name: nonEmptyStr(),
  mode: oneOf(TEAM_MODES, (input) => `invalid mode '${quoted(input)}'`),
  objective: str(),
  workspace: str(),
});

/** Values are not checked (inert in the original); only the keys must be there. */
const contextPolicySchema = strictObj({
  keep_user_thread: anyValue(),
  receive_worker_outputs: anyValue(),
  max_worker_result_tokens: anyValue(),
});

const leaderSchema = strictObj({
  id: safeId("leader"),
  role: str(),
  provider: providerField(),
  model: nullableStr(),
  tools: list(toolNameField()),
  context_policy: contextPolicySchema,
});

const agentSchema = strictObj({
  id: safeId("agent"),
  role: str(),
  provider: providerField(),
  model: nullableStr(),
  working_directory: str(),
  system_prompt: strictObj({ inline: nullableStr(), file: nullableStr() }),
  tools: list(toolNameField()),
  permission_mode: str(),
  preferred_for: list(str()),
  avoid_for: list(str()),
  output_contract: strictObj({ format: equals(RESULT_ENVELOPE_FORMAT), required_fields: list(str()) }),
  paused: bool().optional(),
  auth_mode: authModeField().optional(),
  profile: safeId("profile").optional(),
  credential_ref: str().optional(),
  forked_from: str().optional(),
});

const routingRuleSchema = strictObj({
  id: str(),
  assign_to: str(),
  priority: int(),
  when: str().optional(),
  match: anyMap().optional(),
});

const routingSchema = strictObj({
  default_assignee: str(),
  rules: list(routingRuleSchema),
});

const communicationSchema = strictObj({
  protocol: oneOf(PROTOCOLS, (input) => `invalid protocol '${quoted(input)}'`),
  topology: str(),
  worker_to_worker: bool(),
  ack_timeout_sec: positiveNumber(),
  result_format: equals(RESULT_ENVELOPE_FORMAT),
  message_store: strictObj({ sqlite: str(), mirror_files: str() }),
});

const runtimeSchema = strictObj({
  backend: oneOf(BACKENDS, (input) => `invalid backend '${quoted(input)}'`),
  /** Required key; `null` means the default `team-<team.name>`. */
  session_name: nullableStr(),
  auto_launch: bool(),
  require_user_approval_before_launch: bool(),
  max_active_agents: int(1),
  startup_order: list(str()),
  display_backend: displayBackendField().optional(),
  dangerous_auto_approve: bool().optional(),
  auto_attach_leader: bool().optional(),
  fast: bool().optional(),
  tick_interval_sec: positiveNumber().optional(),
  push_min_interval_sec: nonNegativeNumber().optional(),
  stuck_timeout_sec: positiveNumber().optional(),
  /** Deprecated opt-in (removal in 0.3.0); loading it warns, see `deprecation.ts`. */
  auto_trust_own_workspace: bool().optional(),
  /** Read by the coordinator but rejected by the original validator (spec 01 §12.5); accepted here. */
  compaction_reset_threshold: int(1).optional(),
  require_leader_receiver: bool().optional(),
});

const contextSchema = strictObj({
  state_file: str(),
  artifact_dir: str(),
  log_dir: str(),
  summarization: strictObj({ worker_full_logs: str(), state_update: str() }),
});

const taskSchema = strictObj({
  id: safeId("task"),
  title: str(),
  type: str(),
  assignee: str(),
  deps: list(str()),
  acceptance: list(str()),
  status: oneOf(TASK_STATUSES, (input) => `invalid status '${quoted(input)}'`),
  description: str().optional(),
  requires_tools: list(toolNameField()).optional(),
  files: list(str()).optional(),
  risk: str().optional(),
  retry_limit: int(0).optional(),
  human_confirmation: bool().optional(),
});

export const teamSpecSchema = strictObj({
  version: equals(1),
  team: teamSchema,
  leader: leaderSchema,
  agents: list(agentSchema).min(1, { error: "must list at least one agent" }),
  routing: routingSchema,
  communication: communicationSchema,
  runtime: runtimeSchema,
  context: contextSchema,
  tasks: list(taskSchema),
});

export type TeamSpec = z.output<typeof teamSpecSchema>;
export type TeamSpecAgent = TeamSpec["agents"][number];
export type TeamSpecTask = TeamSpec["tasks"][number];
export type TeamSpecRuntime = TeamSpec["runtime"];
export type TeamSpecRoutingRule = TeamSpec["routing"]["rules"][number];
