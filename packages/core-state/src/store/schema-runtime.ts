/**
 * Migration 1, part one: the team runtime (teams, agents, leader binding, coordinator lease and monitor state,
 * agent health). Column names follow the original's state fields; free-form subsystem keys live in `attrs` JSON.
 * JSON-valued columns (`spec`, `attrs`, `permissions`, `receiver`, `value`) hold compact JSON text.
 */
export const RUNTIME_TABLES_V1 = `
CREATE TABLE workspace_settings (
  key TEXT PRIMARY KEY,
  value TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE teams (
  team_id TEXT PRIMARY KEY,
  session_name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'alive',
  workspace TEXT NOT NULL,
  team_dir TEXT,
  spec_path TEXT,
  display_backend TEXT,
  leader_id TEXT NOT NULL DEFAULT 'leader',
  leader_provider TEXT,
  spec TEXT,
  attrs TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_teams_session_name ON teams(session_name);

CREATE TABLE agents (
  team_id TEXT NOT NULL REFERENCES teams(team_id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  status TEXT NOT NULL,
  provider TEXT NOT NULL,
  role TEXT,
  model TEXT,
  auth_mode TEXT,
  profile TEXT,
  window TEXT,
  pane_id TEXT,
  mcp_config TEXT,
  permissions TEXT,
  spawn_cwd TEXT,
  spawned_at TEXT,
  session_id TEXT,
  rollout_path TEXT,
  captured_at TEXT,
  captured_via TEXT,
  attribution_confidence TEXT,
  attrs TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (team_id, agent_id)
);

CREATE TABLE leader_bindings (
  team_id TEXT PRIMARY KEY REFERENCES teams(team_id) ON DELETE CASCADE,
  pane_id TEXT,
  provider TEXT,
  machine_fingerprint TEXT,
  leader_session_uuid TEXT,
  owner_epoch INTEGER NOT NULL DEFAULT 0,
  os_user TEXT,
  claimed_at TEXT,
  claimed_via TEXT,
  receiver TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE coordinator_leases (
  team_id TEXT PRIMARY KEY REFERENCES teams(team_id) ON DELETE CASCADE,
  holder_id TEXT NOT NULL,
  pid INTEGER,
  hostname TEXT,
  acquired_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

CREATE TABLE coordinator_monitor (
  team_id TEXT NOT NULL REFERENCES teams(team_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (team_id, key)
);

CREATE TABLE agent_health (
  team_id TEXT NOT NULL REFERENCES teams(team_id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  status TEXT NOT NULL,
  last_output_at TEXT,
  context_usage_pct INTEGER,
  current_task_id TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (team_id, agent_id)
);
`;
