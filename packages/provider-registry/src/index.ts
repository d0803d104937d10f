// Public API of @team-agent/provider-registry. The conformance kit is NOT here: it imports vitest, so it lives at
// the subpath `@team-agent/provider-registry/conformance`.
// - contract: the ProviderPlugin interface (v1) and the types it speaks
// - schema: runtime validation of a plugin's default export, its package.json manifest and its launch plans
// - registry: plugins by name and alias, with the problems of the ones that failed to load
// - discovery: finds built-in, explicit and third-party plugin packages and loads them into a registry
export * from "./contract.js";
export * from "./discovery.js";
export * from "./package-entry.js";
export * from "./registry.js";
export * from "./schema.js";
