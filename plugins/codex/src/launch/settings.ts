/**
 * Reads the non-secret provider settings of an agent's profile (`profileSettings`). Profiles use the env-file
 * names (`BASE_URL`, `MODEL_PROVIDER`, …); lower-case spellings are accepted too. Anything that looks like a
 * credential is refused here, because these values end up in argv, where every process on the machine can read
 * them (D8).
 */
import { ValidationError } from "@team-agent/core-state";
import type { WorkerLaunchSpec } from "@team-agent/provider-registry";
import { assertBareKey } from "./toml.js";

type Settings = WorkerLaunchSpec["profileSettings"];

const KEYS = {
  model: ["MODEL", "model"],
  profile: ["CODEX_PROFILE", "NATIVE_PROFILE", "codex_profile", "profile"],
  providerId: ["MODEL_PROVIDER", "model_provider", "provider_id"],
  baseUrl: ["BASE_URL", "OPENAI_BASE_URL", "base_url"],
  wireApi: ["WIRE_API", "wire_api"],
  providerName: ["PROVIDER_NAME", "provider_name"],
} as const;

/** Provider id used for a compatible-API profile that names none. */
export const DEFAULT_COMPATIBLE_PROVIDER_ID = "team_agent_compatible";

// Whole name segments, so `MAX_TOKENS` is not mistaken for a token.
const SECRET_KEY_RE =
  /(?:^|[_-])(?:api[_-]?key|(?:auth|access|refresh)?[_-]?token|secret|password|passwd|credentials?)(?:$|[_-])/i;
const SECRET_QUERY_RE = /(?:key|token|secret|password|sig|auth)/i;

function setting(settings: Settings, names: readonly string[]): string | null {
  for (const name of names) {
    const value = settings[name];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return null;
}

function refuse(message: string, code: string, action: string): never {
  throw new ValidationError(message, [], { code, action });
}

/** Throws when a profile setting would put a credential on the command line. */
export function assertNoSecrets(settings: Settings): void {
  for (const key of Object.keys(settings)) {
    if (SECRET_KEY_RE.test(key)) {
      refuse(
        `profile setting '${key}' looks like a credential and would end up in the worker's argv`,
        "secret_in_profile_settings",
        "Keep credentials in the profile's .env file; the runtime exports them through the agent's 0600 env file.",
      );
    }
  }
}

/** A base URL without credentials: no `user:password@` and no key-like query parameters. */
export function checkedBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    refuse(
      "profile BASE_URL is not a valid URL",
      "invalid_base_url",
      "Set BASE_URL to the provider's API root, e.g. https://host/v1.",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    refuse(
      `profile BASE_URL must be http or https, not ${url.protocol}`,
      "invalid_base_url",
      "Set BASE_URL to the provider's http(s) API root.",
    );
  }
  const keyLikeParam = [...url.searchParams.keys()].some((name) => SECRET_QUERY_RE.test(name));
  if (url.username !== "" || url.password !== "" || keyLikeParam) {
    refuse(
      "profile BASE_URL carries credentials (user:password@ or a key in the query); they would appear in argv",
      "secret_in_base_url",
      "Remove the credentials from BASE_URL and put the key into the profile's API_KEY instead.",
    );
  }
  return raw;
}

export interface CompatibleProvider {
  id: string;
  name: string;
  baseUrl: string;
  wireApi: string;
}

export interface CodexSettings {
  model: string | null;
  /** `--profile` (a `$CODEX_HOME/<name>.config.toml` layer). */
  profile: string | null;
  /** The `model_providers.<id>` entry to define, for compatible-API profiles. */
  provider: CompatibleProvider | null;
}

/** Everything the launch needs from the worker's profile, validated. */
export function codexSettings(worker: WorkerLaunchSpec): CodexSettings {
  const settings = worker.profileSettings;
  assertNoSecrets(settings);
  const model = worker.model ?? setting(settings, KEYS.model);
  const profile = setting(settings, KEYS.profile);
  if (profile !== null) assertBareKey(profile, "Codex profile name");
  if (worker.authMode !== "compatible_api") return { model, profile, provider: null };

  const baseUrl = setting(settings, KEYS.baseUrl);
  if (baseUrl === null) {
    refuse(
      `agent '${worker.agentId}' uses a compatible API but its profile has no BASE_URL`,
      "compatible_api_base_url_missing",
      "Set BASE_URL in the agent's profile (team-agent profile show <name> lists what is missing).",
    );
  }
  const id = assertBareKey(setting(settings, KEYS.providerId) ?? DEFAULT_COMPATIBLE_PROVIDER_ID, "model provider id");
  return {
    model,
    profile,
    provider: {
      id,
      name: setting(settings, KEYS.providerName) ?? id,
      baseUrl: checkedBaseUrl(baseUrl),
      // Codex 0.169 only speaks the Responses API to custom providers ("set wire_api = \"responses\"").
      wireApi: setting(settings, KEYS.wireApi) ?? "responses",
    },
  };
}
