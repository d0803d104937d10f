/**
 * A whole team spec from a short roster (name, workspace, lead provider, workers): every other field gets the
 * defaults a compiled team doc dir would get. For programs that build teams in code (the demo, tests, generators)
 * instead of writing TEAM.md and role docs. The result is validated like any spec.
 */
import { RESULT_ENVELOPE_FORMAT } from "./constants.js";
import type { TeamSpec } from "./schema.js";
import { validateTeamSpec } from "./validate.js";

export interface RosterWorker {
  id: string;
  role: string;
  provider: string;
  /** The worker's instructions (default: one line naming its id and role). */
  prompt?: string;
  model?: string | null;
  profile?: string;
  paused?: boolean;
  /** Routing hints (default: the worker's id). */
  preferredFor?: string[];
}

export interface TeamRoster {
  name: string;
  workspace: string;
  objective?: string;
  leaderProvider: string;
  workers: readonly RosterWorker[];
  /** Runtime settings beside the defaults (`tick_interval_sec`, `display_backend`, …). */
  runtime?: Record<string, unknown>;
}

export function teamSpecFromRoster(roster: TeamRoster): TeamSpec {
  const ids = roster.workers.map((worker) => worker.id);
  return validateTeamSpec(
    {
      version: 1,
      team: {
        name: roster.name,
        mode: "supervisor_worker",
        objective: roster.objective ?? `Team ${roster.name}.`,
        workspace: roster.workspace,
      },
      leader: {
        id: "leader",
        role: "leader",
        provider: roster.leaderProvider,
        model: null,
        tools: ["fs_read", "mcp_team"],
        context_policy: {
          keep_user_thread: true,
          receive_worker_outputs: "business_messages_and_short_summaries",
          max_worker_result_tokens: 2000,
        },
      },
      agents: roster.workers.map((worker) => ({
        id: worker.id,
        role: worker.role,
        provider: worker.provider,
        model: worker.model ?? null,
        working_directory: roster.workspace,
        system_prompt: { inline: worker.prompt ?? `You are ${worker.id}, ${worker.role}.`, file: null },
        tools: ["fs_read", "mcp_team"],
        permission_mode: "restricted",
        preferred_for: worker.preferredFor ?? [worker.id],
        avoid_for: [],
        output_contract: {
          format: RESULT_ENVELOPE_FORMAT,
          required_fields: ["task_id", "status", "summary", "artifacts"],
        },
        ...(worker.profile !== undefined ? { profile: worker.profile, auth_mode: "subscription" } : {}),
        ...(worker.paused ? { paused: true } : {}),
      })),
      routing: { default_assignee: ids[0], rules: [] },
      communication: {
        protocol: "mcp_inbox",
        topology: "leader_centered",
        worker_to_worker: true,
        ack_timeout_sec: 60,
        result_format: RESULT_ENVELOPE_FORMAT,
        message_store: { sqlite: ".team/runtime/team.db", mirror_files: ".team/messages" },
      },
      runtime: {
        backend: "tmux",
        session_name: `team-${roster.name}`,
        auto_launch: true,
        require_user_approval_before_launch: false,
        max_active_agents: Math.max(1, ids.length),
        startup_order: ids,
        display_backend: "none",
        ...roster.runtime,
      },
      context: {
        state_file: "team_state.md",
        artifact_dir: ".team/artifacts",
        log_dir: ".team/logs",
        summarization: { worker_full_logs: "retain_outside_leader_context", state_update: "after_each_result" },
      },
      tasks: [],
    },
    { specDir: roster.workspace },
  );
}
