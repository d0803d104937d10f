// Public API of @team-agent/core-state. Grouped by the part of the workspace's state each module owns.

// Errors, the result envelope, ids and time: what every command shares.
export * from "./envelope.js";
export * from "./errors.js";
// The .team/ layout and the event log.
export * from "./events.js";
export * from "./ids.js";
// Starting our own Node programs as children (daemon, fake CLI).
export * from "./node-entry.js";
// The team spec and role-doc compilation; the workers' result envelope.
export * from "./result-envelope-v1.js";
export * from "./spec/index.js";
// The SQLite runtime store.
export * from "./store/agents.js";
export * from "./store/connection.js";
export * from "./store/errors.js";
export * from "./store/health.js";
export * from "./store/leader.js";
export * from "./store/lease.js";
export * from "./store/message-states.js";
export * from "./store/messages.js";
export * from "./store/migrations.js";
export * from "./store/monitor.js";
export * from "./store/notification-log.js";
export * from "./store/open.js";
export * from "./store/patch.js";
export * from "./store/peers.js";
export * from "./store/results.js";
export * from "./store/runtime-store.js";
export * from "./store/scheduled.js";
export * from "./store/settings.js";
export * from "./store/tasks.js";
export * from "./store/teams.js";
export * from "./store/watchers.js";
export * from "./time.js";
export * from "./workspace.js";
