/**
 * What a running team remembers about how it was started, beyond the spec: its private tmux server, where its
 * provider plugins live, how to start its MCP server, and the daemon's timing. Stored in the team row's `attrs`
 * under `runtime`, so every process (CLI, daemon, MCP server) rebuilds the same view from the database alone.
 */
import { type TeamRow, TeamRuntimeError } from "@team-agent/core-state";
import { z } from "zod";

export const teamRuntimeConfigSchema = z.object({
  /** `tmux -L <name>`: the team's own tmux server. */
  tmux_socket: z.string().min(1),
  /** Provider name → plugin package folder (or entry file) that served it at start. */
  provider_sources: z.record(z.string(), z.string()),
  /** The team MCP server's program; each worker gets it with its own identity in the environment. */
  mcp: z.object({ command: z.string().min(1), args: z.array(z.string()) }),
  tick_interval_ms: z.number().int().positive(),
  /** How long every node must stay idle before the lead is reminded (the predicate's debounce). */
  idle_debounce_ms: z.number().int().nonnegative(),
  /** A lease not renewed for this long is dead. */
  lease_ttl_ms: z.number().int().positive(),
});

export type TeamRuntimeConfig = z.infer<typeof teamRuntimeConfigSchema>;

export const DEFAULT_IDLE_DEBOUNCE_MS = 60_000;
export const DEFAULT_LEASE_TTL_MS = 15_000;

export function readTeamRuntimeConfig(team: TeamRow): TeamRuntimeConfig {
  const parsed = teamRuntimeConfigSchema.safeParse(team.attrs["runtime"]);
  if (parsed.success) return parsed.data;
  throw new TeamRuntimeError(
    "team_runtime_config_invalid",
    `Team ${team.team_id} has no usable runtime settings (${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}).`,
    "Start the team again with `team-agent start` (its workers' sessions are kept).",
  );
}
