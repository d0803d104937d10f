/**
 * Migration 1, part two: messaging (messages and their delivery attempts, results, result watchers, the
 * leader-notification log, scheduled messages, the peer allowlist). Every row carries its `team_id`.
 */
export const MESSAGING_TABLES_V1 = `
CREATE TABLE messages (
  message_id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  task_id TEXT,
  sender TEXT NOT NULL,
  recipient TEXT NOT NULL,
  reply_to TEXT,
  requires_ack INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  content TEXT NOT NULL,
  artifact_refs TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  delivered_at TEXT,
  acknowledged_at TEXT,
  error TEXT,
  delivery_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_messages_team_status ON messages(team_id, status, created_at);
CREATE INDEX idx_messages_team_recipient ON messages(team_id, recipient, created_at);
CREATE INDEX idx_messages_team_sender ON messages(team_id, sender, created_at);

CREATE TABLE message_attempts (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages(message_id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT,
  at TEXT NOT NULL
);
CREATE INDEX idx_message_attempts_message ON message_attempts(message_id, id);

CREATE TABLE results (
  result_id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  message_id TEXT,
  envelope TEXT NOT NULL,
  status TEXT NOT NULL,
  collection TEXT NOT NULL DEFAULT 'uncollected',
  collection_error TEXT,
  created_at TEXT NOT NULL,
  collected_at TEXT
);
CREATE INDEX idx_results_team_collection ON results(team_id, collection, created_at);
CREATE INDEX idx_results_team_created ON results(team_id, created_at);

CREATE TABLE result_watchers (
  watcher_id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  task_id TEXT,
  agent_id TEXT,
  message_id TEXT,
  leader_id TEXT NOT NULL DEFAULT 'leader',
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  completed_at TEXT,
  result_id TEXT,
  notified_message_id TEXT,
  error TEXT
);
CREATE INDEX idx_result_watchers_team_status ON result_watchers(team_id, status, created_at);

CREATE TABLE leader_notification_log (
  result_id TEXT NOT NULL,
  team_id TEXT NOT NULL DEFAULT '',
  owner_epoch INTEGER NOT NULL DEFAULT 0,
  leader_session_uuid TEXT,
  notified_message_id TEXT NOT NULL,
  notified_at TEXT NOT NULL,
  leader_pane_id_at_notify TEXT,
  envelope_content_hash TEXT,
  PRIMARY KEY (result_id, team_id, owner_epoch)
);
CREATE INDEX idx_leader_notification_log_notified_at ON leader_notification_log(notified_at);
CREATE INDEX idx_leader_notification_log_team_epoch ON leader_notification_log(team_id, owner_epoch, notified_at);

CREATE TABLE scheduled_messages (
  id INTEGER PRIMARY KEY,
  team_id TEXT NOT NULL,
  due_at TEXT NOT NULL,
  target TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  created_at TEXT NOT NULL,
  claimed_at TEXT,
  fired_at TEXT,
  result TEXT
);
CREATE INDEX idx_scheduled_messages_due ON scheduled_messages(team_id, status, due_at, id);

CREATE TABLE peer_allowlist (
  team_id TEXT NOT NULL,
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (team_id, a, b)
);
`;
