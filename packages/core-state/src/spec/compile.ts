/**
 * Team doc dir (`TEAM.md` + `agents/*.md` [+ `profiles/`]) → a validated TeamSpec object (spec 01 §6).
 * Reads only; writing the compiled spec (and `team_state.md`) is the caller's job.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { ValidationError, type ValidationProblem } from "../errors.js";
import { resolveExistingPath, workspaceOfTeamDocDir } from "../workspace.js";
import { RESULT_ENVELOPE_FORMAT } from "./constants.js";
import { docProblem, teamDocError } from "./doc-problems.js";
import { listRoleDocPaths, type RoleDoc, readRoleDoc } from "./roles.js";
import { defaultSessionName } from "./runtime-defaults.js";
import type { TeamSpec, TeamSpecAgent } from "./schema.js";
import { slug } from "./slug.js";
import { readTeamDefaults, type TeamDefaults } from "./team-meta.js";
import { validateTeamSpec } from "./validate.js";

export interface CompileTeamDocOptions {
  /** Workspace the team works in; default: the dir owning `.team/` above the team doc dir (else its parent). */
  workspace?: string;
}

export const LEADER_ID = "leader";
export const INITIAL_TASK_ID = "task_initial";
const WORKER_RESULT_FIELDS = ["task_id", "status", "summary", "artifacts"];

export function compileTeamDocDir(teamDocDir: string, options: CompileTeamDocOptions = {}): TeamSpec {
  const dir = resolveExistingPath(teamDocDir);
  const roleDocPaths = findTeamDocFiles(dir);
  const defaults = readTeamDefaults(join(dir, "TEAM.md"));
  const roles = readRoleDocs(roleDocPaths, dir, defaults);
  const workspace = resolveExistingPath(options.workspace ?? workspaceOfTeamDocDir(dir));
  const spec = buildSpec(dir, workspace, defaults, roles);
  return validateTeamSpec(spec, {
    specDir: dir,
    action: `Fix TEAM.md or the role docs in ${join(dir, "agents")} so the compiled spec is valid, then rerun the command.`,
  });
}

function findTeamDocFiles(dir: string): string[] {
  const fail = (problem: string, action: string) =>
    new ValidationError(`${dir}: ${problem}`, [docProblem(dir, problem)], { code: "team_doc_invalid", action });
  if (!isFile(join(dir, "TEAM.md"))) {
    throw fail("missing TEAM.md", `Create ${join(dir, "TEAM.md")} and rerun the command.`);
  }
  const agentsDir = join(dir, "agents");
  if (!existsSync(agentsDir) || !statSync(agentsDir).isDirectory()) {
    throw fail("missing agents directory", `Create ${agentsDir} with one <name>.md role doc per worker and rerun.`);
  }
  const paths = listRoleDocPaths(agentsDir);
  if (paths.length === 0) {
    throw fail("no role docs found", `Add at least one role doc (${join(agentsDir, "<name>.md")}) and rerun.`);
  }
  return paths;
}

function readRoleDocs(paths: readonly string[], dir: string, defaults: TeamDefaults): RoleDoc[] {
  const problems: ValidationProblem[] = [];
  const roles: RoleDoc[] = [];
  const firstPathOf = new Map<string, string>();
  for (const path of paths) {
    const result = readRoleDoc(path, dir, defaults);
    problems.push(...result.problems);
    if (result.doc === undefined) continue;
    const earlier = firstPathOf.get(result.doc.id);
    if (earlier !== undefined) {
      problems.push(docProblem(path, `duplicate agent name '${result.doc.id}' (also in ${earlier})`, "/name"));
      continue;
    }
    firstPathOf.set(result.doc.id, path);
    roles.push(result.doc);
  }
  if (problems.length > 0) throw teamDocError(problems);
  return roles;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** `team_state.md` lives in the team doc dir; the spec names it relative to the workspace when it can. */
function stateFilePath(dir: string, workspace: string): string {
  const rel = relative(workspace, dir);
  if (rel === "") return "team_state.md";
  if (rel.startsWith("..") || isAbsolute(rel)) return join(dir, "team_state.md");
  return `${rel.split(sep).join("/")}/team_state.md`;
}

/** One role doc → the spec entry of its worker (also used when a worker is added to a running team). */
export function compileAgent(role: RoleDoc, workspace: string): TeamSpecAgent {
  return {
    id: role.id,
    role: role.role,
    provider: role.provider,
    model: role.model,
    auth_mode: role.auth_mode,
    working_directory: workspace,
    system_prompt: { inline: role.body === "" ? role.role : role.body, file: null },
    tools: role.tools,
    permission_mode: "restricted",
    preferred_for: [role.id, role.role],
    avoid_for: [],
    output_contract: { format: RESULT_ENVELOPE_FORMAT, required_fields: [...WORKER_RESULT_FIELDS] },
    ...(role.profile === undefined ? {} : { profile: role.profile, credential_ref: `profile:${role.profile}` }),
  };
}

function buildSpec(dir: string, workspace: string, defaults: TeamDefaults, roles: readonly RoleDoc[]): unknown {
  const name = defaults.name ?? basename(dirname(dir));
  const agentIds = roles.map((role) => role.id);
  const first = agentIds[0];
  return {
    version: 1,
    team: { name, mode: "supervisor_worker", objective: defaults.objective, workspace },
    leader: {
      id: LEADER_ID,
      role: defaults.leader_role,
      provider: defaults.provider,
      model: defaults.model,
      tools: ["fs_read", "fs_list", "mcp_team"],
      context_policy: {
        keep_user_thread: true,
        receive_worker_outputs: "business_messages_and_short_summaries",
        max_worker_result_tokens: 2000,
      },
    },
    agents: roles.map((role) => compileAgent(role, workspace)),
    routing: {
      default_assignee: first,
      rules: agentIds.map((id) => ({ id: `route-${id}`, match: { assignee: [id] }, assign_to: id, priority: 10 })),
    },
    communication: {
      protocol: "mcp_inbox",
      topology: "leader_centered",
      worker_to_worker: defaults.worker_to_worker,
      ack_timeout_sec: 60,
      result_format: RESULT_ENVELOPE_FORMAT,
      message_store: { sqlite: ".team/runtime/team.db", mirror_files: ".team/messages" },
    },
    runtime: {
      backend: "tmux",
      display_backend: defaults.display_backend,
      session_name: defaults.session_name ?? defaultSessionName(slug(name)),
      auto_launch: true,
      require_user_approval_before_launch: true,
      max_active_agents: Math.min(roles.length, 2),
      startup_order: agentIds,
      dangerous_auto_approve: defaults.dangerous_auto_approve,
      fast: defaults.fast,
      tick_interval_sec: defaults.tick_interval_sec,
      push_min_interval_sec: defaults.push_min_interval_sec,
      stuck_timeout_sec: defaults.stuck_timeout_sec,
    },
    context: {
      state_file: stateFilePath(dir, workspace),
      artifact_dir: ".team/artifacts",
      log_dir: ".team/logs",
      summarization: { worker_full_logs: "retain_outside_leader_context", state_update: "after_each_result" },
    },
    tasks: [
      {
        id: INITIAL_TASK_ID,
        title: "Initial task",
        type: "implementation",
        assignee: first,
        deps: [],
        acceptance: ["Worker reports valid result_envelope_v1"],
        status: "pending",
        requires_tools: ["mcp_team"],
        files: [],
        risk: "low",
      },
    ],
  };
}
