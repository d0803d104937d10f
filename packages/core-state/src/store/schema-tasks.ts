/**
 * Migration 2: the team's task list (spec 01 §2.4), which the original kept inside `state.json`. Typed columns hold
 * what queries filter on; `spec` holds the whole task entry as JSON (kept in step with the columns), so spec fields
 * and runtime additions (`type`, `deps`, `last_result_summary`, `retry_count`, …) survive without schema changes.
 * `seq` is the per-team insertion order: "most recently added" means the highest `seq`.
 */
export const TASK_TABLES_V2 = `
CREATE TABLE tasks (
  team_id TEXT NOT NULL REFERENCES teams(team_id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  title TEXT,
  assignee TEXT,
  status TEXT NOT NULL,
  accepted_result_id TEXT,
  spec TEXT NOT NULL DEFAULT '{}',
  seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (team_id, task_id)
);
CREATE INDEX idx_tasks_team_assignee_seq ON tasks(team_id, assignee, seq);
`;
