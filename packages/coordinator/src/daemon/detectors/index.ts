// The coordinator tick's pure sub-detectors (spec 03 §1.6): each takes what the daemon read this tick and returns
// decisions; the daemon does the I/O (events, store, tmux).
export * from "./compaction.js";
export * from "./deadlock.js";
export * from "./leader-api-errors.js";
export * from "./session-drift.js";
export * from "./stuck.js";
