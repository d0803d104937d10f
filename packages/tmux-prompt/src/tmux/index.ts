// The tmux layer: two transports (one process per command, or one control-mode connection), the typed client
// over them, names/targets, formats, and the version check. src/index.ts re-exports this.
export * from "./argv.js";
export * from "./client.js";
export * from "./control-parser.js";
export * from "./control-transport.js";
export * from "./errors.js";
export * from "./formats.js";
export * from "./names.js";
export * from "./spawn-transport.js";
export type * from "./types.js";
export * from "./version.js";
