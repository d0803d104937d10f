export * from "./compile.js";
export * from "./constants.js";
export {
  AUTO_TRUST_DEPRECATED_EVENT,
  AUTO_TRUST_DEPRECATION,
  AUTO_TRUST_ENV_VAR,
  createOnceWarner,
  type OnceWarner,
  processOnceWarner,
  reportDeprecatedOptIns,
} from "./deprecation.js";
export { type FrontMatter, parseFrontMatter } from "./front-matter.js";
export { loadTeamSpec, type ParseTeamSpecOptions, parseTeamSpecText } from "./load.js";
export { findProfile, type ProfileFile, parseEnvText, profilePaths } from "./profile-env.js";
export { BUILTIN_MODELS, listRoleDocPaths, type RoleDoc, readRoleDoc, resolveRoleModel } from "./roles.js";
export { type RosterWorker, type TeamRoster, teamSpecFromRoster } from "./roster.js";
export * from "./runtime-defaults.js";
export {
  type TeamSpec,
  type TeamSpecAgent,
  type TeamSpecRoutingRule,
  type TeamSpecRuntime,
  type TeamSpecTask,
  teamSpecSchema,
} from "./schema.js";
export { findProbableSecret, looksRandom, type SecretHit } from "./secrets.js";
export { findDependencyCycle } from "./semantic.js";
export { slug } from "./slug.js";
export { readTeamDefaults, type TeamDefaults } from "./team-meta.js";
export * from "./tools.js";
export { formatProblemLine, SPEC_INVALID, type ValidateTeamSpecOptions, validateTeamSpec } from "./validate.js";
export { writeTeamSpecText } from "./write.js";
