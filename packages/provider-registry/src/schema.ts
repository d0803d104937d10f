/**
 * Runtime checks for what a plugin package hands us: the `teamAgent` manifest in its package.json and its default
 * export (a `ProviderPlugin`). TypeScript only protects plugin authors who compile against `contract.ts`; a plain-JS
 * or outdated plugin reaches us unchecked, so every field is verified here before core code calls into it.
 */
import { ValidationError, type ValidationProblem } from "@team-agent/core-state";
import type { TranscriptReader } from "@team-agent/idle-predicate";
import type { PasteStrategy, ScreenSignatures } from "@team-agent/tmux-prompt";
import { z } from "zod";
import {
  type LaunchFile,
  type LaunchPlan,
  PROVIDER_CONTRACT_VERSION,
  type PromptCatalogEntry,
  type ProviderPlugin,
  type ProviderProbe,
} from "./contract.js";

/** Canonical provider names and aliases: lower-case, digits and `_`, starting with a letter. */
export const PROVIDER_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
const NAME_MAX = 64;

export const PROMPT_KINDS = [
  "trust_prompt",
  "auth_required",
  "numbered_menu",
  "yes_no",
  "press_enter",
  "compaction_warning",
] as const satisfies readonly PromptCatalogEntry["kind"][];

/** Sane bounds for `screen.paste` (delivery waits and retries with these numbers). */
export const PASTE_LIMITS = {
  delayBeforeSubmitMs: { min: 0, max: 10_000 },
  maxSubmitPresses: { min: 1, max: 10 },
} as const;

// ---- small building blocks with messages that say what was expected -------------------------------------------

type Issue = { input?: unknown };

/** `undefined`, `null`, `a string`, `an array`, ... for "got ..." messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof RegExp) return "a RegExp";
  if (typeof value === "string") return value === "" ? "an empty string" : `the string ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  if (typeof value === "function") return "a function";
  return `an ${typeof value}`;
}

/** Builds a zod error callback: "missing: expected X" for absent fields, "expected X, got Y" otherwise. */
function expected(what: string) {
  return (issue: Issue) =>
    issue.input === undefined ? `missing: expected ${what}` : `expected ${what}, got ${describeValue(issue.input)}`;
}

const fn = (what = "a function") =>
  z.custom<(...args: never[]) => unknown>((value) => typeof value === "function", { error: expected(what) });

/** A RegExp instance; the tag check also accepts one created in another realm (vm contexts, workers). */
export function isRegExp(value: unknown): value is RegExp {
  return value instanceof RegExp || Object.prototype.toString.call(value) === "[object RegExp]";
}

const regex = z.custom<RegExp>(isRegExp, {
  error: expected("a RegExp instance (a /pattern/flags literal or new RegExp(...), not a string)"),
});
const regexList = z.array(regex, { error: expected("an array of RegExp instances") });

const nonEmpty = (what = "a non-empty string") =>
  z
    .string({ error: expected(what) })
    .refine((value) => value.trim() !== "", { error: `expected ${what}, got an empty string` });

const providerName = z
  .string({ error: expected("a provider name") })
  .max(NAME_MAX, { error: `expected at most ${NAME_MAX} characters` })
  .regex(PROVIDER_NAME_PATTERN, {
    error: (issue) =>
      `expected a name matching ${PROVIDER_NAME_PATTERN} (lower-case letters, digits, _), got ${describeValue(issue.input)}`,
  });

export const providerNameSchema = providerName;

const intIn = (min: number, max: number, unit = "") => {
  const message = (issue: Issue) =>
    `${issue.input === undefined ? "missing: " : ""}expected an integer between ${min} and ${max}${unit}` +
    (issue.input === undefined ? "" : `, got ${describeValue(issue.input)}`);
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
};

const bool = z.boolean({ error: expected("true or false") });

// ---- the parts of ProviderPlugin ----------------------------------------------------------------------------------

export const pasteStrategySchema = z.object({
  bracketed: bool,
  // tmux key names: `Enter`, `C-m`, `M-Enter`, `KPEnter`.
  submitKey: z
    .string({ error: expected("a tmux key name such as Enter or C-m") })
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, { error: expected("a tmux key name such as Enter or C-m") }),
  delayBeforeSubmitMs: intIn(PASTE_LIMITS.delayBeforeSubmitMs.min, PASTE_LIMITS.delayBeforeSubmitMs.max, " (ms)"),
  maxSubmitPresses: intIn(PASTE_LIMITS.maxSubmitPresses.min, PASTE_LIMITS.maxSubmitPresses.max),
} satisfies Record<keyof PasteStrategy, z.ZodType>);

export const screenSignaturesSchema = z.object(
  {
    provider: nonEmpty().optional(),
    trustPrompt: regexList.optional(),
    authRequired: regexList.optional(),
    compactionWarning: regexList.optional(),
    busy: regexList.optional(),
    inputPrompt: regexList.optional(),
    pastePlaceholder: regexList.optional(),
    notices: z
      .array(z.object({ kind: nonEmpty(), pattern: regex }), {
        error: expected("an array of {kind, pattern} objects"),
      })
      .optional(),
  } satisfies Record<keyof ScreenSignatures, z.ZodType>,
  { error: expected("an object of RegExp lists (ScreenSignatures)") },
);

const keysAnswer = z.object({
  type: z.literal("keys"),
  keys: z
    .array(nonEmpty("a tmux key name"), { error: expected("an array of tmux key names") })
    .min(1, { error: "expected at least one key" }),
});

export const promptCatalogEntrySchema = z.object(
  {
    id: nonEmpty(),
    kind: z.enum(PROMPT_KINDS, { error: expected(`one of ${PROMPT_KINDS.join(", ")}`) }),
    match: regexList.min(1, { error: "expected at least one RegExp" }),
    answer: z.discriminatedUnion(
      "type",
      [keysAnswer, z.object({ type: z.literal("trust_policy") }), z.object({ type: z.literal("report") })],
      {
        error: expected('{type: "keys", keys: [...]}, {type: "trust_policy"} or {type: "report"}'),
      },
    ),
    description: nonEmpty(),
  } satisfies Record<keyof PromptCatalogEntry, z.ZodType>,
  { error: expected("a prompt catalog entry object") },
);

const promptCatalog = z
  .array(promptCatalogEntrySchema, { error: expected("an array of prompt catalog entries") })
  .superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((entry, index) => {
      const first = seen.get(entry.id);
      if (first === undefined) seen.set(entry.id, index);
      else
        ctx.addIssue({
          code: "custom",
          path: [index, "id"],
          message: `duplicate id "${entry.id}" (also prompts[${first}])`,
        });
    });
  });

const transcripts = z
  .object(
    {
      reader: z.looseObject(
        { extractFacts: fn("a function (records) => TurnFact[]") } satisfies Record<keyof TranscriptReader, z.ZodType>,
        { error: expected("a TranscriptReader object {extractFacts(records)}") },
      ),
      capture: fn("a function (context) => Promise<SessionCapture | null>"),
      faults: fn("a function (text) => TranscriptFault[]"),
    } satisfies Record<keyof NonNullable<ProviderPlugin["transcripts"]>, z.ZodType>,
    { error: expected("an object {reader, capture, faults} or null") },
  )
  .nullable();

const pluginShape = {
  contractVersion: z.custom<typeof PROVIDER_CONTRACT_VERSION>((value) => value === PROVIDER_CONTRACT_VERSION, {
    error: (issue) =>
      `expected ${PROVIDER_CONTRACT_VERSION} (this runtime speaks provider contract v${PROVIDER_CONTRACT_VERSION}), got ${describeValue(issue.input)}`,
  }),
  name: providerName,
  aliases: z.array(providerName, { error: expected("an array of provider names (may be empty)") }),
  displayName: nonEmpty(),
  version: nonEmpty(),
  command: nonEmpty("a non-empty executable name or path").refine((value) => !/[\0\n\r]/.test(value), {
    error: "expected an executable name without NUL or line breaks",
  }),
  capabilities: z.object(
    { resume: bool, fork: bool, transcripts: bool } satisfies Record<keyof ProviderPlugin["capabilities"], z.ZodType>,
    { error: expected("an object {resume, fork, transcripts} of booleans") },
  ),
  buildLaunch: fn("a function (worker, mcp) => LaunchPlan"),
  buildResume: fn("a function (worker, mcp, sessionId) => LaunchPlan"),
  screen: z.object(
    {
      signatures: screenSignaturesSchema,
      paste: pasteStrategySchema,
      exitText: nonEmpty(),
      readySettleMs: intIn(0, 10_000, " (ms)").optional(),
    } satisfies Record<keyof ProviderPlugin["screen"], z.ZodType>,
    { error: expected("an object {signatures, paste, exitText, readySettleMs?}") },
  ),
  prompts: promptCatalog,
  mcpToolName: fn("a function (tool) => string"),
  transcripts,
  probe: z.object(
    {
      isInstalled: fn("a function () => Promise<boolean>"),
      version: fn("a function () => Promise<string | null>"),
      authHint: fn("a function () => Promise<{status, detail}>"),
    } satisfies Record<keyof ProviderProbe, z.ZodType>,
    { error: expected("an object {isInstalled, version, authHint}") },
  ),
} satisfies Record<keyof ProviderPlugin, z.ZodType>;

/** The plugin's default export. Unknown extra fields are allowed (a plugin may carry helpers of its own). */
export const providerPluginSchema = z
  .looseObject(pluginShape, { error: expected("a ProviderPlugin object as the package's default export") })
  .superRefine((plugin, ctx) => {
    const seen = new Set<string>();
    plugin.aliases.forEach((alias, index) => {
      if (alias === plugin.name) {
        ctx.addIssue({
          code: "custom",
          path: ["aliases", index],
          message: `alias "${alias}" repeats the plugin's name`,
        });
      } else if (seen.has(alias)) {
        ctx.addIssue({ code: "custom", path: ["aliases", index], message: `duplicate alias "${alias}"` });
      }
      seen.add(alias);
    });
    if (plugin.capabilities.transcripts && plugin.transcripts === null) {
      ctx.addIssue({
        code: "custom",
        path: ["transcripts"],
        message: "capabilities.transcripts is true, so expected an object {reader, capture, faults}, got null",
      });
    }
  });

// ---- launch plans (what buildLaunch/buildResume return; checked by the conformance kit and by callers) -----------

const launchFileSchema = z.object({
  path: nonEmpty("an absolute file path").refine((value) => value.startsWith("/"), {
    error: "expected an absolute file path",
  }),
  content: z.string({ error: expected("a string") }),
  mode: intIn(0, 0o777, " (a file mode such as 0o600)"),
} satisfies Record<keyof LaunchFile, z.ZodType>);

export const launchPlanSchema = z.object(
  {
    argv: z
      .array(z.string({ error: expected("a string") }), { error: expected("an array of strings (argv)") })
      .min(1, { error: "expected at least the executable in argv[0]" }),
    env: z.record(z.string(), z.string({ error: expected("a string value") }), {
      error: expected("an object of string values"),
    }),
    files: z.array(launchFileSchema, { error: expected("an array of {path, content, mode}") }),
    predeterminedSessionId: z
      .string({ error: expected("a string or null") })
      .min(1)
      .nullable(),
    afterStartKeys: z.array(z.array(nonEmpty("a tmux key name")), {
      error: expected("an array of key sequences (string arrays)"),
    }),
  } satisfies Record<keyof LaunchPlan, z.ZodType>,
  { error: expected("a LaunchPlan object") },
);

// ---- the package.json manifest -------------------------------------------------------------------------------------

export interface ProviderManifest {
  provider: string;
  aliases?: string[];
}

export const providerManifestSchema = z.object(
  {
    provider: providerName,
    aliases: z.array(providerName, { error: expected("an array of provider names") }).optional(),
  },
  { error: expected('an object {"provider": "<name>", "aliases": [...]}') },
);

/** The fields of a package.json the registry reads. */
export const pluginPackageJsonSchema = z.looseObject({
  name: nonEmpty("the package name"),
  version: z.string().optional(),
  teamAgent: providerManifestSchema,
});

// ---- validation entry points ---------------------------------------------------------------------------------------

/** `plugin.screen.paste.maxSubmitPresses`, `plugin.prompts[2].match[0]`. */
export function formatIssuePath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  return out;
}

function toPointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** Generic wording for zod's own issues (our schemas set their own messages where it matters). */
function fallbackMessage(issue: { code?: string; input?: unknown; expected?: unknown }): string | undefined {
  if (issue.code === "invalid_type") return expected(String(issue.expected))(issue);
  return undefined;
}

function failure(
  label: string,
  root: string,
  issues: readonly z.core.$ZodIssue[],
  code: string,
  action: string,
): ValidationError {
  const problems: ValidationProblem[] = issues.map((issue) => ({
    pointer: toPointer(issue.path),
    message: `${formatIssuePath(root, issue.path)}: ${issue.message}`,
  }));
  const lines = problems.map((problem) => `${label}: ${problem.message}`);
  return new ValidationError(lines.join("\n"), problems, { code, action });
}

export const PLUGIN_INVALID_ACTION =
  "Fix the plugin's default export so it matches ProviderPlugin v1 (see the @team-agent/provider-registry README), " +
  "then run describeProviderConformance(plugin) from @team-agent/provider-registry/conformance in the plugin's tests.";

export const MANIFEST_INVALID_ACTION =
  'Give the package.json a manifest such as "teamAgent": {"provider": "my_cli", "aliases": []}, ' +
  "where provider equals the plugin's name.";

export type CheckResult<T> = { ok: true; value: T } | { ok: false; error: ValidationError };

/**
 * Checks a plugin's default export. `label` names the source in messages (the package name, or a path).
 * Returns the ORIGINAL object on success, so class-based plugins keep their prototype and `this`.
 */
export function checkProviderPlugin(value: unknown, label: string): CheckResult<ProviderPlugin> {
  const result = providerPluginSchema.safeParse(value, { error: fallbackMessage });
  if (result.success) return { ok: true, value: value as ProviderPlugin };
  return {
    ok: false,
    error: failure(label, "plugin", result.error.issues, "provider_plugin_invalid", PLUGIN_INVALID_ACTION),
  };
}

/** Like `checkProviderPlugin` but throws the ValidationError (code `provider_plugin_invalid`). */
export function validateProviderPlugin(value: unknown, label = "provider plugin"): ProviderPlugin {
  const result = checkProviderPlugin(value, label);
  if (!result.ok) throw result.error;
  return result.value;
}

/** Checks a package.json object for the `teamAgent` manifest (code `provider_manifest_invalid`). */
export function checkProviderManifest(
  packageJson: unknown,
  label: string,
): CheckResult<{ name: string; version: string | null; manifest: ProviderManifest }> {
  const result = pluginPackageJsonSchema.safeParse(packageJson, { error: fallbackMessage });
  if (result.success) {
    const { name, version, teamAgent } = result.data;
    return { ok: true, value: { name, version: version ?? null, manifest: teamAgent } };
  }
  return {
    ok: false,
    error: failure(label, "package.json", result.error.issues, "provider_manifest_invalid", MANIFEST_INVALID_ACTION),
  };
}

/** Checks one LaunchPlan returned by a plugin (code `provider_launch_plan_invalid`). */
export function checkLaunchPlan(value: unknown, label: string): CheckResult<LaunchPlan> {
  const result = launchPlanSchema.safeParse(value, { error: fallbackMessage });
  if (result.success) return { ok: true, value: value as LaunchPlan };
  return {
    ok: false,
    error: failure(label, "plan", result.error.issues, "provider_launch_plan_invalid", PLUGIN_INVALID_ACTION),
  };
}
