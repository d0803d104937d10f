/** Runtime settings with the defaults the runtime applies when the spec leaves them out (spec 01 §5.2). */
import type { Backend, DisplayBackend } from "./constants.js";
import type { TeamSpec } from "./schema.js";

/** The daemon's tick when the spec has none (the compiler writes 2 explicitly). */
export const DEFAULT_TICK_INTERVAL_SEC = 5;
export const DEFAULT_PUSH_MIN_INTERVAL_SEC = 60;
export const DEFAULT_STUCK_TIMEOUT_SEC = 300;
export const DEFAULT_COMPACTION_RESET_THRESHOLD = 3;
export const DEFAULT_DISPLAY_BACKEND: DisplayBackend = "adaptive";

export interface RuntimeSettings {
  backend: Backend;
  session_name: string;
  display_backend: DisplayBackend;
  /** `default` when the spec names no display backend (the launcher logs it as `reason: "default"`). */
  display_backend_source: "spec" | "default";
  auto_launch: boolean;
  auto_attach_leader: boolean;
  require_user_approval_before_launch: boolean;
  dangerous_auto_approve: boolean;
  fast: boolean;
  max_active_agents: number;
  startup_order: string[];
  tick_interval_sec: number;
  push_min_interval_sec: number;
  stuck_timeout_sec: number;
  compaction_reset_threshold: number;
  auto_trust_own_workspace: boolean;
  /** Passed through as given; the runtime decides what absence means. */
  require_leader_receiver: boolean | undefined;
}

export function defaultSessionName(teamName: string): string {
  return `team-${teamName}`;
}

export function resolveRuntimeDefaults(spec: Pick<TeamSpec, "team" | "runtime">): RuntimeSettings {
  const runtime = spec.runtime;
  return {
    backend: runtime.backend,
    session_name: runtime.session_name || defaultSessionName(spec.team.name),
    display_backend: runtime.display_backend ?? DEFAULT_DISPLAY_BACKEND,
    display_backend_source: runtime.display_backend === undefined ? "default" : "spec",
    auto_launch: runtime.auto_launch,
    auto_attach_leader: runtime.auto_attach_leader ?? true,
    require_user_approval_before_launch: runtime.require_user_approval_before_launch,
    dangerous_auto_approve: runtime.dangerous_auto_approve ?? false,
    fast: runtime.fast ?? false,
    max_active_agents: runtime.max_active_agents,
    startup_order: [...runtime.startup_order],
    tick_interval_sec: runtime.tick_interval_sec ?? DEFAULT_TICK_INTERVAL_SEC,
    push_min_interval_sec: runtime.push_min_interval_sec ?? DEFAULT_PUSH_MIN_INTERVAL_SEC,
    stuck_timeout_sec: runtime.stuck_timeout_sec ?? DEFAULT_STUCK_TIMEOUT_SEC,
    compaction_reset_threshold: runtime.compaction_reset_threshold ?? DEFAULT_COMPACTION_RESET_THRESHOLD,
    auto_trust_own_workspace: runtime.auto_trust_own_workspace ?? false,
    require_leader_receiver: runtime.require_leader_receiver,
  };
}
