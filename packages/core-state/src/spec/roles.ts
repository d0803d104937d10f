/** Role docs (`agents/*.md`): front matter + body → one worker definition, with every problem collected. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ValidationProblem } from "../errors.js";
import { invalidIdMessage, isSafeId } from "../ids.js";
import { AUTH_MODES, type AuthMode, isOneOf, PROVIDERS, type Provider } from "./constants.js";
import { docProblem, problemsOf } from "./doc-problems.js";
import { notOneOfMessage } from "./fields.js";
import { type FrontMatter, parseFrontMatter } from "./front-matter.js";
import { findProfile, type ProfileFile, profilePaths, profileValue } from "./profile-env.js";
import { unknownAuthMode, unknownProvider } from "./schema.js";
import { findProbableSecret } from "./secrets.js";
import { type TeamDefaults, withoutNulls } from "./team-meta.js";
import { isKnownToolName } from "./tools.js";

export interface RoleDoc {
  path: string;
  /** The front matter `name`; the file name plays no part. */
  id: string;
  role: string;
  provider: Provider;
  /** Resolved per `resolveRoleModel`; null when nothing applies. */
  model: string | null;
  auth_mode: AuthMode;
  profile: string | undefined;
  /** As written, with `shell` renamed to `execute_bash`. */
  tools: string[];
  body: string;
}

export const REQUIRED_ROLE_FIELDS = ["name", "role", "provider", "tools"] as const;
export const BUILTIN_MODELS: Readonly<Partial<Record<Provider, string>>> = {
  codex: "gpt-5.5",
  claude: "claude-sonnet-4-6",
  claude_code: "claude-sonnet-4-6",
};
export const INLINE_SECRET_MESSAGE = "probable inline secret detected; use profile/credential_ref instead";

const PROFILE_MODEL_KEYS = ["MODEL", "ANTHROPIC_MODEL"] as const;
const PROVIDER_COUNTERPART: Readonly<Partial<Record<string, string>>> = {
  claude: "claude_code",
  claude_code: "claude",
};

/** `*.md` files of an agents dir in file name order (code-unit order, like the original's sort). */
export function listRoleDocPaths(agentsDir: string): string[] {
  return readdirSync(agentsDir)
    .filter((name) => name.endsWith(".md") && !name.startsWith("."))
    .sort()
    .map((name) => join(agentsDir, name))
    .filter((path) => statSync(path).isFile());
}

/**
 * Model of a role without an explicit `model`: none for a compatible_api role whose profile names one; else
 * `provider_models` (claude ↔ claude_code fall back to each other); else TEAM.md `default_model`, then `model`;
 * else the provider's built-in default; else null.
 */
export function resolveRoleModel(
  role: { model?: string | undefined; provider: string; auth_mode: AuthMode; profile?: ProfileFile | undefined },
  defaults: Pick<TeamDefaults, "provider_models" | "default_model" | "model">,
): string | null {
  if (role.model !== undefined && role.model !== "") return role.model;
  if (role.auth_mode === "compatible_api" && profileValue(role.profile, ...PROFILE_MODEL_KEYS) !== undefined) {
    return null;
  }
  const counterpart = PROVIDER_COUNTERPART[role.provider];
  return (
    defaults.provider_models[role.provider] ??
    (counterpart === undefined ? undefined : defaults.provider_models[counterpart]) ??
    defaults.default_model ??
    defaults.model ??
    BUILTIN_MODELS[role.provider as Provider] ??
    null
  );
}

export interface RoleDocResult {
  doc?: RoleDoc;
  problems: ValidationProblem[];
}

export function readRoleDoc(path: string, teamDocDir: string, defaults: TeamDefaults): RoleDocResult {
  let text: string;
  let front: FrontMatter;
  try {
    text = readFileSync(path, "utf8").replaceAll("\r\n", "\n");
    front = parseFrontMatter(text, path);
  } catch (error) {
    const carried = problemsOf(error);
    if (carried === undefined) {
      return { problems: [docProblem(path, `cannot read role doc: ${(error as Error).message}`)] };
    }
    return { problems: [...carried] };
  }
  const checker = new RoleChecker(path, front);
  const doc = checker.check(text, teamDocDir, defaults);
  return checker.problems.length === 0 && doc !== undefined ? { doc, problems: [] } : { problems: checker.problems };
}

/** Collects the problems of one role doc; `check` returns the doc only when the fields it needs are usable. */
class RoleChecker {
  readonly problems: ValidationProblem[] = [];
  private readonly meta: Record<string, unknown>;

  constructor(
    private readonly path: string,
    private readonly front: FrontMatter,
  ) {
    this.meta = withoutNulls(front.meta);
  }

  check(text: string, teamDocDir: string, defaults: TeamDefaults): RoleDoc | undefined {
    for (const field of REQUIRED_ROLE_FIELDS) {
      if (this.meta[field] === undefined || this.meta[field] === "") {
        this.fail(`missing front matter field ${field}`, field);
      }
    }
    const id = this.checkName();
    const role = this.stringField("role");
    const provider = this.checkProvider();
    const tools = this.checkTools();
    const authMode = this.checkAuthMode(defaults);
    const profile = this.checkProfile(teamDocDir, defaults, authMode);
    const model = this.checkModel(provider, authMode, profile, defaults);
    const secret = findProbableSecret(text);
    if (secret !== undefined) this.problems.push(docProblem(this.path, INLINE_SECRET_MESSAGE, "", secret.line));
    if (
      id === undefined ||
      role === undefined ||
      provider === undefined ||
      tools === undefined ||
      authMode === undefined
    ) {
      return undefined;
    }
    return {
      path: this.path,
      id,
      role,
      provider,
      model,
      auth_mode: authMode,
      profile: profile?.name,
      tools,
      body: this.front.body,
    };
  }

  private fail(message: string, field = ""): void {
    const pointer = field === "" ? "" : `/${field}`;
    this.problems.push(docProblem(this.path, message, pointer, this.front.lineOf(pointer)));
  }

  private stringField(field: string): string | undefined {
    const value = this.meta[field];
    if (value === undefined || value === "") return undefined;
    if (typeof value !== "string") {
      this.fail(`${field} must be a string`, field);
      return undefined;
    }
    return value;
  }

  private checkName(): string | undefined {
    const value = this.meta.name;
    if (value === undefined || value === "") return undefined;
    if (!isSafeId(value)) {
      this.fail(invalidIdMessage("agent", value), "name");
      return undefined;
    }
    return value;
  }

  private checkProvider(): Provider | undefined {
    const value = this.meta.provider;
    if (value === undefined || value === "") return undefined;
    if (isOneOf(PROVIDERS, value)) return value;
    this.fail(notOneOfMessage(PROVIDERS, unknownProvider(value)), "provider");
    return undefined;
  }

  private checkTools(): string[] | undefined {
    const value = this.meta.tools;
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.fail("tools must be a list", "tools");
      return undefined;
    }
    if (!value.every((tool) => typeof tool === "string")) {
      this.fail("tools must be a list of strings", "tools");
      return undefined;
    }
    const tools = value.map((tool) => (tool === "shell" ? "execute_bash" : tool));
    for (const tool of tools) if (!isKnownToolName(tool)) this.fail(`unknown tool '${tool}'`, "tools");
    return tools;
  }

  private checkAuthMode(defaults: TeamDefaults): AuthMode | undefined {
    const value = this.meta.auth_mode ?? defaults.default_auth_mode;
    if (isOneOf(AUTH_MODES, value)) return value;
    this.fail(notOneOfMessage(AUTH_MODES, unknownAuthMode(value)), "auth_mode");
    return undefined;
  }

  private checkProfile(
    teamDocDir: string,
    defaults: TeamDefaults,
    authMode: AuthMode | undefined,
  ): ProfileFile | undefined {
    const value = this.meta.profile ?? defaults.default_profile;
    if (value === undefined || value === "") {
      if (authMode !== undefined && authMode !== "subscription") {
        this.fail(`profile is required when auth_mode is '${authMode}'`, "auth_mode");
      }
      return undefined;
    }
    if (!isSafeId(value)) {
      this.fail(invalidIdMessage("profile", value), "profile");
      return undefined;
    }
    const profile = findProfile(teamDocDir, value);
    if (profile === undefined) {
      const { real, example } = profilePaths(teamDocDir, value);
      this.fail(`unknown profile '${value}' (neither ${real} nor ${example} exists)`, "profile");
    }
    return profile;
  }

  private checkModel(
    provider: Provider | undefined,
    authMode: AuthMode | undefined,
    profile: ProfileFile | undefined,
    defaults: TeamDefaults,
  ): string | null {
    const model = this.stringField("model");
    const profileModel = profileValue(profile, ...PROFILE_MODEL_KEYS);
    // Profile values are never shown: say that they differ, not what the profile holds.
    if (authMode === "compatible_api" && model !== undefined && profileModel !== undefined && model !== profileModel) {
      this.fail(`model '${model}' does not match profile MODEL`, "model");
    }
    if (provider === undefined || authMode === undefined) return model ?? null;
    const resolved = resolveRoleModel({ model, provider, auth_mode: authMode, profile }, defaults);
    if (profile !== undefined && (resolved ?? profileModel ?? "") === "") {
      this.fail("model is required with a profile: set model in the role doc or MODEL in the profile", "model");
    }
    return resolved;
  }
}
