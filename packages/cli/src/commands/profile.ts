/**
 * Credential profiles (spec 04 §5, D8): `<team dir>/profiles/<name>.env` (0600, filled by a human) beside its
 * `<name>.example.env` template. `profile init` writes blank ones, `profile show` and `profile doctor` describe them
 * for an agent's context: secret values are never printed, URLs lose their userinfo and query, and everything else
 * passes through a free-text redactor. `profile doctor` also makes one tiny request against a compatible API's base
 * URL, so a wrong key or endpoint shows up before any worker starts.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  AUTH_MODES,
  type AuthMode,
  ensurePrivateDir,
  failure,
  findProfile,
  inspectStore,
  isOneOf,
  isSafeId,
  looksRandom,
  type ProfileFile,
  parseFrontMatter,
  profilePaths,
  SECRET_FILE_MODE,
  success,
  TeamRuntimeError,
  usageError,
  workspaceLayout,
} from "@team-agent/core-state";
import type { CommandModule } from "../cli/command.js";
import type { CommandContext } from "../cli/context.js";

function asAuthMode(value: string | null): AuthMode | null {
  return isOneOf(AUTH_MODES, value) ? value : null;
}

// ---------------------------------------------------------------------------------------------------------------
// redaction

const NAMED_SECRET_KEYS = new Set([
  "API_KEY",
  "AUTH_TOKEN",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "OPENAI_API_KEY",
  "GEMINI_API_KEY",
]);
const SECRET_KEY_WORDS = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i;

/** Whether a profile key holds a credential (its value is never shown). */
export function isSecretKey(key: string): boolean {
  return NAMED_SECRET_KEYS.has(key) || SECRET_KEY_WORDS.test(key);
}

const REDACTED = "[REDACTED]";
const SK_WORD = /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{8,}/g;
const BEARER_VALUE = /\b(bearer)(\s+)[A-Za-z0-9._~+/=-]+/gi;
const SECRET_ASSIGNMENT =
  /\b([A-Za-z0-9_-]*(?:api[_-]?key|apikey|token|secret|password)[A-Za-z0-9_-]*)(["']?\s*[=:]\s*["']?)([^\s&"',;]+)/gi;
const LONG_RUN = /[A-Za-z0-9+/=_-]{32,}/g;

/** Free text with credential-looking parts replaced; `known` values (a profile's secrets) go first, exactly. */
export function redactText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out
    .replace(SK_WORD, REDACTED)
    .replace(BEARER_VALUE, (_match, word: string, space: string) => `${word}${space}${REDACTED}`)
    .replace(SECRET_ASSIGNMENT, (_match, key: string, separator: string) => `${key}${separator}${REDACTED}`)
    .replace(LONG_RUN, (run) => (looksRandom(run) ? REDACTED : run));
}

/** `https://user:pw@host/path?api_key=x#f` → `https://[redacted]@host/path`; text that is no URL is left alone. */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  const userinfo = url.username !== "" || url.password !== "" ? "[redacted]@" : "";
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}`;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** How a non-secret profile value may be shown. */
export function displayValue(value: string): string {
  return redactText(URL_LIKE.test(value) ? redactUrl(value) : value);
}

// ---------------------------------------------------------------------------------------------------------------
// where profiles live

interface ProfileHome {
  teamDir: string;
  /** The `--team` argument to repeat in commands we suggest, or null for the workspace's default team dir. */
  teamArg: string | null;
}

/**
 * `--team` may name a team doc dir (a path) or a team id; without it the profiles live in `.team/current`. A team id
 * the store knows resolves to its recorded team dir; the store is only opened when it already exists.
 */
async function profileHome(context: CommandContext): Promise<ProfileHome> {
  const layout = workspaceLayout(context.workspace);
  const selector = context.options.team;
  if (selector === undefined) return { teamDir: layout.teamDocDir(), teamArg: null };
  const asPath = resolve(context.io.cwd, selector);
  if (selector.includes("/") || existsSync(join(asPath, "TEAM.md")) || existsSync(join(asPath, "agents"))) {
    return { teamDir: asPath, teamArg: selector };
  }
  if (!isSafeId(selector)) {
    throw usageError(
      `--team ${JSON.stringify(selector)} is neither a team id nor a team folder`,
      "Pass a team id or a path to a team folder.",
    );
  }
  if (inspectStore(layout.dbPath).status === "ok") {
    const recorded = (await context.runtime()).store.teams.get(selector)?.team_dir;
    if (recorded) return { teamDir: recorded, teamArg: selector };
  }
  return { teamDir: layout.teamDocDir(selector), teamArg: selector };
}

function profileName(args: { positionals: string[] }): string {
  const name = args.positionals[0] ?? "";
  if (!isSafeId(name)) {
    throw usageError(
      `profile name ${JSON.stringify(name)} is not allowed`,
      "Use letters, digits, `_` and `-` (up to 64 characters, starting with a letter or digit).",
    );
  }
  return name;
}

function inspectionCommand(verb: "show" | "doctor", name: string, home: ProfileHome): string {
  const where = home.teamArg === null ? "--workspace ." : `--team ${home.teamArg}`;
  return `team-agent profile ${verb} ${name} ${where} --json`;
}

const AGENT_INSTRUCTION =
  "Do not open or print the .env files in this folder; inspect profiles only with `team-agent profile show` or `team-agent profile doctor`.";

// ---------------------------------------------------------------------------------------------------------------
// init

type CommonKey = "BASE_URL" | "API_KEY" | "MODEL";

const TEMPLATE_KEYS: Record<AuthMode, readonly CommonKey[]> = {
  subscription: [],
  official_api: ["API_KEY", "MODEL"],
  compatible_api: ["BASE_URL", "API_KEY", "MODEL"],
};

function templateText(name: string, mode: AuthMode): string {
  const lines = [
    `# Team Agent credential profile "${name}" (${mode}).`,
    "# Fill in the values in the real profile (<name>.env, mode 0600); keep this example file blank.",
    "# Agents must not read these files: they use `team-agent profile show|doctor` instead.",
    `AUTH_MODE=${mode}`,
    `PROFILE_NAME=${name}`,
    ...TEMPLATE_KEYS[mode].map((key) => `${key}=`),
  ];
  return `${lines.join("\n")}\n`;
}

const BOUNDARY_NOTE = [
  "# Credential profiles",
  "",
  "The `*.env` files here hold credentials that a human fills in. Agents: never open, print or copy them.",
  "Use `team-agent profile show <name> --json` (values redacted) or `team-agent profile doctor <name> --json`.",
  "",
].join("\n");

const PROFILES_GITIGNORE = "*.env\n!*.example.env\n";

/** Writes `content` to `path` unless something is already there; true when it wrote. */
function writeIfAbsent(path: string, content: string, mode: number): boolean {
  try {
    writeFileSync(path, content, { mode, flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

export const profileInitCommand: CommandModule = {
  async run(context, args) {
    const name = profileName(args);
    const modeText = (args.values["auth-mode"] as string | undefined) ?? "subscription";
    const mode = asAuthMode(modeText);
    if (mode === null) {
      throw usageError(`unknown --auth-mode ${JSON.stringify(modeText)}`, `Use one of: ${AUTH_MODES.join(", ")}.`);
    }
    const home = await profileHome(context);
    const dir = join(home.teamDir, "profiles");
    ensurePrivateDir(dir);
    for (const note of ["AGENTS.md", "CLAUDE.md"]) writeIfAbsent(join(dir, note), BOUNDARY_NOTE, 0o644);
    writeIfAbsent(join(dir, ".gitignore"), PROFILES_GITIGNORE, 0o644);
    const paths = profilePaths(home.teamDir, name);
    const text = templateText(name, mode);
    const createdProfile = writeIfAbsent(paths.real, text, SECRET_FILE_MODE);
    const createdTemplate = writeIfAbsent(paths.example, text, 0o644);
    const showCommand = inspectionCommand("show", name, home);
    const instruction =
      mode === "subscription"
        ? "Nothing to fill in: the provider's own login is used."
        : `Ask the human to fill ${TEMPLATE_KEYS[mode].join(", ")} in ${paths.real}; then check it with \`${inspectionCommand("doctor", name, home)}\`.`;
    const summary = createdProfile
      ? `profile ${name} created (${mode}): ${paths.real}`
      : `profile ${name} already exists; nothing was overwritten`;
    const envelope = success(
      summary,
      {
        profile: name,
        auth_mode: mode,
        path: paths.real,
        template_path: paths.example,
        created_profile: createdProfile,
        created_template: createdTemplate,
        secret_written: false,
        safe_inspection_command: showCommand,
        raw_file_read_allowed_for_agents: false,
        instruction: `${instruction} ${AGENT_INSTRUCTION}`,
      },
      [instruction, showCommand],
    );
    return { envelope, text: [summary, instruction, AGENT_INSTRUCTION].join("\n") };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// show

const ALTERNATES: Record<CommonKey, readonly string[]> = {
  BASE_URL: ["BASE_URL", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"],
  API_KEY: ["API_KEY", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "AUTH_TOKEN", "OPENAI_API_KEY", "GEMINI_API_KEY"],
  MODEL: ["MODEL", "ANTHROPIC_MODEL"],
};

function firstValue(profile: ProfileFile, key: CommonKey): string | undefined {
  for (const candidate of ALTERNATES[key]) {
    const value = profile.values.get(candidate);
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

type ShownValue = { present: boolean; redacted: true } | { present: boolean; redacted: false; value: string };

interface ProfileView {
  profile: string;
  path: string;
  template_path: string;
  exists: boolean;
  /** The real file exists and one of its credential keys has a value. */
  credential_present: boolean;
  auth_mode: string | null;
  values: Record<string, ShownValue>;
  keys_present: string[];
  secret_keys_present: string[];
  missing_common: string[];
}

function viewProfile(teamDir: string, name: string): ProfileView {
  const paths = profilePaths(teamDir, name);
  const profile = findProfile(teamDir, name);
  const base = { profile: name, path: paths.real, template_path: paths.example };
  if (profile === undefined) {
    return {
      ...base,
      exists: false,
      credential_present: false,
      auth_mode: null,
      values: {},
      keys_present: [],
      secret_keys_present: [],
      missing_common: [],
    };
  }
  const values: Record<string, ShownValue> = {};
  for (const [key, value] of profile.values) {
    values[key] = isSecretKey(key)
      ? { present: value !== "", redacted: true }
      : { present: value !== "", redacted: false, value: displayValue(value) };
  }
  const filled = [...profile.values].filter(([, value]) => value !== "").map(([key]) => key);
  const secretsFilled = filled.filter(isSecretKey);
  const authMode = profile.values.get("AUTH_MODE") || null;
  const common = TEMPLATE_KEYS[asAuthMode(authMode) ?? "subscription"];
  return {
    ...base,
    exists: true,
    credential_present: !profile.isExample && secretsFilled.length > 0,
    auth_mode: authMode,
    values,
    keys_present: filled,
    secret_keys_present: secretsFilled,
    missing_common: common.filter((key) => firstValue(profile, key) === undefined),
  };
}

function profileMissing(name: string, home: ProfileHome): TeamRuntimeError {
  const where = home.teamArg === null ? "" : ` --team ${home.teamArg}`;
  return new TeamRuntimeError(
    "profile_missing",
    `there is no profile ${name} (looked for ${profilePaths(home.teamDir, name).real} and its .example.env)`,
    `Create it with \`team-agent profile init ${name} --auth-mode compatible_api${where}\` and ask the human to fill it in.`,
  );
}

function valueLines(view: ProfileView): string[] {
  const width = Math.max(0, ...Object.keys(view.values).map((key) => key.length));
  return Object.entries(view.values).map(([key, shown]) => {
    const text = !shown.present ? "(empty)" : shown.redacted ? "[redacted] (set)" : shown.value;
    return `  ${key.padEnd(width)}  ${text}`;
  });
}

export const profileShowCommand: CommandModule = {
  async run(context, args) {
    const name = profileName(args);
    const home = await profileHome(context);
    const view = viewProfile(home.teamDir, name);
    if (!view.exists) throw profileMissing(name, home);
    const summary = `profile ${name}: ${view.auth_mode ?? "auth mode not set"}, credential ${view.credential_present ? "present" : "missing"}`;
    const envelope = success(summary, {
      ...view,
      safe_for_agent_context: true,
      secret_values_printed: false,
      raw_file_read_allowed_for_agents: false,
      instruction: AGENT_INSTRUCTION,
    });
    const missing = view.missing_common.length > 0 ? [`missing: ${view.missing_common.join(", ")}`] : [];
    return { envelope, text: [summary, ...valueLines(view), ...missing].join("\n") };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// doctor and the smoke request

type ApiShape = "anthropic_messages" | "openai_chat_completions";

const API_FOR_PROVIDER: Record<string, ApiShape> = {
  claude: "anthropic_messages",
  claude_code: "anthropic_messages",
  anthropic: "anthropic_messages",
  codex: "openai_chat_completions",
  openai: "openai_chat_completions",
};

interface RoleUse {
  role_doc: string;
  provider: string | null;
  model: string | null;
}

/** Role docs of the team dir that name this profile (their provider decides which API the smoke request speaks). */
function rolesUsing(teamDir: string, name: string): RoleUse[] {
  const agentsDir = join(teamDir, "agents");
  if (!existsSync(agentsDir)) return [];
  const uses: RoleUse[] = [];
  for (const file of readdirSync(agentsDir)) {
    const path = join(agentsDir, file);
    if (!file.endsWith(".md") || !statSync(path).isFile()) continue;
    try {
      const { meta } = parseFrontMatter(readFileSync(path, "utf8"), path);
      if (meta["profile"] !== name) continue;
      uses.push({
        role_doc: path,
        provider: typeof meta["provider"] === "string" ? meta["provider"] : null,
        model: typeof meta["model"] === "string" ? meta["model"] : null,
      });
    } catch {
      // a broken role doc is validate's business, not the profile's
    }
  }
  return uses;
}

function apiShapeFor(
  profile: ProfileFile,
  roles: readonly RoleUse[],
): { api: ApiShape | null; provider: string | null } {
  const named = profile.values.get("PROVIDER") || roles.find((role) => role.provider !== null)?.provider || null;
  if (named !== null) return { api: API_FOR_PROVIDER[named.toLowerCase().replace(/-/g, "_")] ?? null, provider: named };
  const keys = [...profile.values.keys()];
  if (keys.some((key) => key.startsWith("ANTHROPIC_"))) return { api: "anthropic_messages", provider: null };
  if (keys.some((key) => key.startsWith("OPENAI_"))) return { api: "openai_chat_completions", provider: null };
  return { api: null, provider: null };
}

/** The request URL: the API's path appended unless the base already ends in it (or in `/v1`). */
export function smokeEndpoint(baseUrl: string, api: ApiShape): URL {
  const url = new URL(baseUrl);
  const tail = api === "anthropic_messages" ? "/messages" : "/chat/completions";
  const path = url.pathname.replace(/\/+$/, "");
  if (!path.endsWith(tail)) url.pathname = path.endsWith("/v1") ? `${path}${tail}` : `${path}/v1${tail}`;
  // fetch refuses URLs with credentials in them; they are never sent from here.
  url.username = "";
  url.password = "";
  return url;
}

export interface SmokeOutcome {
  status: "smoke_passed" | "smoke_failed" | "smoke_skipped";
  reason?: string;
  provider?: string | null;
  api?: ApiShape;
  endpoint?: string;
  http_status?: number;
  /** The start of the answer's body, redacted. */
  body?: string;
  elapsed_ms?: number;
}

const SMOKE_TIMEOUT_MS = 8_000;
const SMOKE_OFF = new Set(["false", "0", "no", "off"]);

async function smokeRequest(
  profile: ProfileFile,
  roles: readonly RoleUse[],
  skipByFlag: boolean,
): Promise<SmokeOutcome> {
  const authMode = profile.values.get("AUTH_MODE");
  if (authMode !== "compatible_api") return { status: "smoke_skipped", reason: "not_compatible_api" };
  if (skipByFlag) return { status: "smoke_skipped", reason: "skipped_by_flag" };
  if (SMOKE_OFF.has((profile.values.get("PROFILE_SMOKE") ?? "").toLowerCase())) {
    return { status: "smoke_skipped", reason: "skipped_by_profile" };
  }
  const { api, provider } = apiShapeFor(profile, roles);
  if (api === null) {
    return {
      status: "smoke_skipped",
      reason: provider === null ? "provider_unknown" : "unsupported_provider_smoke_skipped",
      provider,
    };
  }
  const base = firstValue(profile, "BASE_URL");
  const key = firstValue(profile, "API_KEY");
  const model = firstValue(profile, "MODEL") ?? roles.find((role) => role.model !== null)?.model;
  if (base === undefined || key === undefined || model === undefined || model === null) {
    return { status: "smoke_skipped", reason: "required_values_missing", provider, api };
  }
  let endpoint: URL;
  try {
    endpoint = smokeEndpoint(base, api);
  } catch {
    return { status: "smoke_failed", reason: "invalid_base_url", provider, api };
  }
  const headers: Record<string, string> = { "content-type": "application/json", authorization: `Bearer ${key}` };
  if (api === "anthropic_messages")
    headers["anthropic-version"] = profile.values.get("ANTHROPIC_VERSION") || "2023-06-01";
  const shown = { provider, api, endpoint: redactUrl(endpoint.href) };
  const started = performance.now();
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers,
      body: JSON.stringify({ model, max_tokens: 1, messages: [{ role: "user", content: "ping" }] }),
      signal: AbortSignal.timeout(SMOKE_TIMEOUT_MS),
    });
    const body = redactText((await response.text()).slice(0, 300), [key]);
    const elapsed = Math.round(performance.now() - started);
    if (response.ok) return { status: "smoke_passed", ...shown, http_status: response.status, elapsed_ms: elapsed };
    return {
      status: "smoke_failed",
      reason: "http_error",
      ...shown,
      http_status: response.status,
      body,
      elapsed_ms: elapsed,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return { status: "smoke_failed", reason: "request_failed", ...shown, body: redactText(String(cause), [key]) };
  }
}

/**
 * The smoke request of one profile of a team folder (quick-start's preflight runs it for every profile before any
 * worker starts); skipped unless the profile is a compatible-API one. Never throws.
 */
export async function smokeProfileFor(teamDir: string, name: string): Promise<SmokeOutcome> {
  const profile = findProfile(teamDir, name);
  if (profile === undefined || profile.isExample) return { status: "smoke_skipped", reason: "profile_not_filled_in" };
  return smokeRequest(profile, rolesUsing(teamDir, name), false);
}

const REQUIRED_BY_MODE: Record<AuthMode, readonly CommonKey[]> = {
  subscription: [],
  official_api: ["API_KEY"],
  compatible_api: ["BASE_URL", "API_KEY"],
};

export const profileDoctorCommand: CommandModule = {
  async run(context, args) {
    const name = profileName(args);
    const home = await profileHome(context);
    const view = viewProfile(home.teamDir, name);
    const profile = findProfile(home.teamDir, name);
    if (!view.exists || profile === undefined) throw profileMissing(name, home);
    const roles = rolesUsing(home.teamDir, name);
    const mode = asAuthMode(view.auth_mode);
    const missingRequired =
      mode === null ? [] : REQUIRED_BY_MODE[mode].filter((key) => firstValue(profile, key) === undefined);
    const smoke = await smokeRequest(profile, roles, args.values["no-smoke"] === true);
    const data = {
      ...view,
      role_docs: roles.map((role) => role.role_doc),
      missing_required: missingRequired,
      smoke,
      redaction_engine: "team-agent-redact-v1",
      secret_values_printed: false,
      safe_for_agent_context: true,
      raw_file_read_allowed_for_agents: false,
      safe_inspection_command: inspectionCommand("show", name, home),
    };
    const problems = [
      ...(mode === null ? [`AUTH_MODE is ${view.auth_mode === null ? "not set" : `unknown (${view.auth_mode})`}`] : []),
      ...(missingRequired.length > 0 ? [`missing ${missingRequired.join(", ")}`] : []),
      ...(smoke.status === "smoke_failed"
        ? [`smoke request failed (${smoke.reason}${smoke.http_status ? ` ${smoke.http_status}` : ""})`]
        : []),
    ];
    const smokeLine = `smoke: ${smoke.status}${smoke.reason ? ` (${smoke.reason})` : ""}${smoke.endpoint ? ` ${smoke.endpoint}` : ""}${smoke.http_status ? ` → HTTP ${smoke.http_status}` : ""}`;
    if (problems.length > 0) {
      const fix =
        missingRequired.length > 0 || mode === null
          ? `Ask the human to fill in ${view.path} (AUTH_MODE and ${missingRequired.join(", ") || "the values"}); agents must not read it.`
          : "Check BASE_URL, API_KEY and MODEL with the human (the endpoint answered with an error); agents must not read the file.";
      const error = new TeamRuntimeError("profile_check_failed", `profile ${name}: ${problems.join("; ")}`, fix);
      return {
        envelope: failure(error, data),
        text: [`profile ${name}: ${problems.join("; ")}`, smokeLine].join("\n"),
      };
    }
    const summary = `profile ${name} looks usable (${view.auth_mode})`;
    return { envelope: success(summary, data), text: [summary, smokeLine].join("\n") };
  },
};
