// `@team-agent/core-state/basics`: errors, the result envelope and the Node entry resolver — the parts a program
// needs before it touches a workspace. Importing it loads no SQLite, YAML or spec code, so commands that print help
// or start an MCP server stay fast.
export * from "./envelope.js";
export * from "./errors.js";
export * from "./node-entry.js";
