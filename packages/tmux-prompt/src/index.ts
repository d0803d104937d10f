// Public API of @team-agent/tmux-prompt: everything that talks to tmux or reads a terminal screen.
// - delivery: verified delivery on the D4 message states (gate, paste, prove, submit)
// - screen: the pure screen classifier (text in, result out) and the evidence helpers delivery uses
// - tmux: two transports (a process per command, or one control-mode connection) behind one typed client
// - trust: the workspace-trust policy
export * from "./delivery/index.js";
export * from "./screen/index.js";
export * from "./tmux/index.js";
export * from "./trust/index.js";
