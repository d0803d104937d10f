// Public API of @team-agent/coordinator: the team runtime operations the CLI and the MCP server call, and the daemon.
// - runtime: one process's handle on a workspace (store, events, tmux clients, provider plugins)
// - ops: start/stop/restart a team, single-agent lifecycle, send, results, status, wait-ready, the lead's pane and
//   its ownership (attach, claim, takeover, identity), silencing alerts (stuck-cancel, acknowledge-idle)
// - daemon: the coordinator process (start/stop/health) and its loop
export * from "./daemon/daemon.js";
export * from "./daemon/process.js";
export * from "./daemon/tick.js";
export * from "./ops/agent-lifecycle.js";
export * from "./ops/alerts.js";
export * from "./ops/capture.js";
export * from "./ops/launch-worker.js";
export * from "./ops/leader.js";
export * from "./ops/leadership.js";
export * from "./ops/results.js";
export * from "./ops/send.js";
export * from "./ops/start-team.js";
export * from "./ops/status.js";
export * from "./ops/team-lifecycle.js";
export * from "./ops/wait-ready.js";
export * from "./results/normalise-report.js";
export * from "./runtime/process-identity.js";
export * from "./runtime/runtime.js";
export * from "./runtime/team-config.js";
export * from "./runtime/worker-prompt.js";
export * from "./runtime/workspace-processes.js";
