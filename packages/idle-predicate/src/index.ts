// Public API of @team-agent/idle-predicate: pure logic, no I/O, no provider names.
// - turn state: the neutral vocabulary provider plugins implement (TranscriptReader → TurnFact) and the shared
//   verdict over a transcript's tail, with the process guard for open turns
// - take-over: the all-idle reminder predicate and its persisted monitor state
export * from "./active-time.js";
export * from "./monitor-state.js";
export * from "./nodes.js";
export * from "./process-guard.js";
export * from "./reminder.js";
export * from "./takeover.js";
export * from "./transcript-tail.js";
export * from "./turn-state.js";
export * from "./unknown-ticks.js";
