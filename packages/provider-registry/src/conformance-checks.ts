/**
 * The conformance checks as plain functions (no test framework): each one throws a ConformanceError naming the
 * plugin, the call and what is wrong. `describeProviderConformance` (conformance.ts) turns them into vitest tests;
 * `runConformance` runs them anywhere (the kit's own tests feed it deliberately broken plugins).
 */
import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CANONICAL_TOOLS, TeamAgentError } from "@team-agent/core-state";
import { type NodeState, type ProcessEvidence, readTurnState, type TurnState } from "@team-agent/idle-predicate";
import type {
  AuthMode,
  CanonicalTool,
  LaunchPlan,
  McpServerLaunch,
  ProviderPlugin,
  TranscriptFault,
  WorkerLaunchSpec,
} from "./contract.js";
import { checkLaunchPlan, checkProviderPlugin } from "./schema.js";

export class ConformanceError extends Error {
  override name = "ConformanceError";
}

/** A transcript text the plugin author recorded or wrote, with the state the shared verdict must reach. */
export interface TranscriptSample {
  name?: string;
  text: string;
  expectedState: NodeState;
  /** Process evidence for open turns (omit it and an open turn reads `unknown`). */
  process?: ProcessEvidence | null;
}

export interface ConformanceOptions {
  /** How messages name the plugin (default: its `name`). */
  label?: string;
  /** Transcript samples replayed through `readTurnState` with the plugin's reader. */
  samples?: readonly TranscriptSample[];
  /** Auth modes the plugin supports; each must yield a launch plan (default: all three). */
  authModes?: readonly AuthMode[];
  /** Overrides for the sample worker (e.g. a model the plugin insists on). The workspace is the kit's temp dir. */
  worker?: Partial<Omit<WorkerLaunchSpec, "workspace" | "authMode" | "dangerousAutoApprove">>;
}

/** A fresh temp folder per run: the sample worker's workspace and its provider config dir live in it. */
export interface ConformanceContext {
  root: string;
  workspace: string;
  cleanup(): Promise<void>;
}

export interface ConformanceCheck {
  name: string;
  run(context: ConformanceContext): void | Promise<void>;
}

export async function createConformanceContext(): Promise<ConformanceContext> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), "ta-conformance-")));
  const workspace = path.join(root, "workspace");
  await mkdir(workspace);
  return { root, workspace, cleanup: () => rm(root, { recursive: true, force: true }) };
}

// ---- the sample worker ------------------------------------------------------------------------------------------

export const ALL_AUTH_MODES: readonly AuthMode[] = ["subscription", "official_api", "compatible_api"];
const ALL_TOOLS: readonly CanonicalTool[] = CANONICAL_TOOLS;

/** Distinctive ids, so finding them in a plan is proof they were passed on and not a coincidence. */
export const SAMPLE_TEAM_ID = "conformance-team-q7";
export const SAMPLE_AGENT_ID = "conformance-worker-k3";
/** A well-formed session id that no CLI has ever issued. */
export const SAMPLE_SESSION_ID = "0b9c1d2e-3f40-4a51-9b62-7c83d94ea5f6";

/** Non-secret profile settings, the kind the contract allows (model, base URL, provider id). */
const SAFE_SETTINGS = {
  MODEL: "conformance-model-1",
  BASE_URL: "https://conformance.invalid/v1",
  MODEL_PROVIDER: "conformance_provider",
};

/** Secret-looking settings the runtime should never hand over, but a plugin must not leak if it gets them. */
export const SAMPLE_SECRETS: Readonly<Record<string, string>> = {
  API_KEY: "sk-conformance-secret-api-key-4f1c",
  ANTHROPIC_API_KEY: "sk-ant-conformance-secret-88aa",
  ANTHROPIC_AUTH_TOKEN: "conformance-secret-auth-token-51be",
  OPENAI_API_KEY: "sk-conformance-secret-openai-9d02",
  TEAM_AGENT_PROVIDER_API_KEY: "conformance-secret-provider-key-77e3",
  PASSWORD: "conformance-secret-password-0c6d",
};

const SECRET_KEY = /(key|token|secret|passw|credential|auth)/i;
const SECRET_VALUE = /^(sk-|sk_|ghp_|gho_|xox[abp]-|AKIA)/;

/** True for a profile setting that looks like a credential by its key or its value. */
export function isSecretLookingSetting(key: string, value: string): boolean {
  return value.length >= 8 && (SECRET_KEY.test(key) || SECRET_VALUE.test(value));
}

export function sampleWorker(
  context: ConformanceContext,
  authMode: AuthMode,
  dangerousAutoApprove: boolean,
  overrides: ConformanceOptions["worker"] = {},
): WorkerLaunchSpec {
  return {
    teamId: SAMPLE_TEAM_ID,
    agentId: SAMPLE_AGENT_ID,
    role: "conformance tester",
    model: "conformance-model-1",
    tools: ALL_TOOLS,
    // No shell metacharacters and no ids here: any found in the plan came from the plugin, not from the prompt.
    systemPrompt:
      "You are a worker in a conformance test.\nTalk to teammates with send_message and finish with one report_result.",
    providerConfigDir:
      authMode === "compatible_api" ? path.join(context.root, "provider-config", SAMPLE_AGENT_ID) : null,
    profileSettings: { ...SAFE_SETTINGS },
    ...overrides,
    authMode,
    dangerousAutoApprove,
    workspace: context.workspace,
  };
}

/** The team MCP server launch the coordinator would hand the plugin for `worker`. */
export function sampleMcp(context: ConformanceContext, worker: WorkerLaunchSpec): McpServerLaunch {
  return {
    name: "team_orchestrator",
    command: path.join(context.root, "bin", "team-agent-mcp-conformance"),
    args: ["mcp-server", "--workspace", worker.workspace],
    env: {
      TEAM_AGENT_ID: worker.agentId,
      TEAM_AGENT_OWNER_TEAM_ID: worker.teamId,
      TEAM_AGENT_WORKSPACE: worker.workspace,
    },
  };
}

// ---- helpers ------------------------------------------------------------------------------------------------------

function fail(label: string, message: string): never {
  throw new ConformanceError(`${label}: ${message}`);
}

function requireValid(plugin: unknown, label: string): ProviderPlugin {
  const checked = checkProviderPlugin(plugin, label);
  if (!checked.ok) fail(label, "the plugin is not schema-valid (see the schema check); skipping this check's calls");
  return checked.value;
}

/** Shell syntax in an argv element means someone built a shell command line (D8: nothing goes through a shell). */
const SHELL_MARKERS = ["&&", ";", "`", "$("];

/** Checks a plan's shape and the never-a-shell-string rule; returns the plan. */
export function assertSafeLaunchPlan(plugin: ProviderPlugin, value: unknown, call: string, label: string): LaunchPlan {
  const checked = checkLaunchPlan(value, `${label} ${call}`);
  if (!checked.ok) fail(label, `${call} returned an invalid LaunchPlan:\n${checked.error.message}`);
  const plan = checked.value;
  if (plan.argv[0] !== plugin.command) {
    fail(
      label,
      `${call}: argv[0] is ${JSON.stringify(plan.argv[0])}, expected the plugin command ${JSON.stringify(plugin.command)}`,
    );
  }
  plan.argv.forEach((arg, index) => {
    const marker = SHELL_MARKERS.find((item) => arg.includes(item));
    if (marker !== undefined) {
      fail(
        label,
        `${call}: argv[${index}] contains ${JSON.stringify(marker)} (${JSON.stringify(arg.slice(0, 80))}); pass each argument as its own argv element, never a shell string`,
      );
    }
    if (arg.includes("\0")) fail(label, `${call}: argv[${index}] contains a NUL byte`);
  });
  return plan;
}

/** Everything a plan hands to the outside world, as one searchable text. */
export function planText(plan: LaunchPlan): string {
  return [
    ...plan.argv,
    ...Object.entries(plan.env).map(([key, value]) => `${key}=${value}`),
    ...plan.files.flatMap((file) => [file.path, file.content]),
  ].join("\n");
}

function assertMcpInjected(plan: LaunchPlan, mcp: McpServerLaunch, call: string, label: string): void {
  const text = planText(plan);
  const required: [string, string][] = [
    ["the MCP server command", mcp.command],
    ...mcp.args.map((arg, index): [string, string] => [`MCP server args[${index}]`, arg]),
  ];
  // The identity must reach the server's environment: both the variable name and the value must be in the plan.
  for (const key of ["TEAM_AGENT_ID", "TEAM_AGENT_OWNER_TEAM_ID"]) {
    required.push([`the MCP env name`, key], [`the value of MCP env ${key}`, mcp.env[key] ?? ""]);
  }
  const missing = required.filter(([, needle]) => needle !== "" && !text.includes(needle));
  if (missing.length > 0) {
    fail(
      label,
      `${call}: the plan (argv, env and files) does not carry ${missing.map(([what, needle]) => `${what} ${JSON.stringify(needle)}`).join(", ")}; the worker's CLI must start the team MCP server with the worker's identity`,
    );
  }
}

function assertNoSecrets(
  plan: LaunchPlan,
  secrets: Readonly<Record<string, string>>,
  call: string,
  label: string,
): void {
  const places: [string, string][] = [
    ...plan.argv.map((arg, index): [string, string] => [`argv[${index}]`, arg]),
    ...Object.entries(plan.env).map(([key, value]): [string, string] => [`env.${key}`, value]),
    ...plan.files.map((file): [string, string] => [`file ${file.path}`, file.content]),
  ];
  for (const [key, secret] of Object.entries(secrets)) {
    const hit = places.find(([, text]) => text.includes(secret));
    if (hit) {
      fail(
        label,
        `${call}: the value of profile setting ${key} appears in ${hit[0]}; secrets reach the worker only through the runtime's 0600 env file, never argv, plan env or plan files`,
      );
    }
  }
}

/** What a refusal must look like. Duck-typed: a plugin may bundle its own copy of core-state, defeating instanceof. */
export interface CodedError {
  code: string;
  message: string;
  action: string;
}

export function isCodedError(error: unknown): error is CodedError {
  if (error instanceof TeamAgentError) return true;
  const candidate = error as Partial<CodedError> | null;
  return error instanceof Error && typeof candidate?.code === "string" && typeof candidate.action === "string";
}

/** Calls a builder; a refusal must be a coded error (code + action, e.g. TeamRuntimeError), anything else is a defect. */
function callBuilder(label: string, call: string, build: () => unknown): { plan: unknown } | { refused: CodedError } {
  try {
    return { plan: build() };
  } catch (error) {
    if (isCodedError(error)) return { refused: error };
    fail(
      label,
      `${call} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}; refuse with a TeamRuntimeError (code + action) instead`,
    );
  }
}

function assertResumeRefusal(result: { plan: unknown } | { refused: CodedError }, call: string, label: string): void {
  if ("plan" in result)
    fail(label, `${call} returned a plan; expected a TeamRuntimeError with code resume_unavailable`);
  if (result.refused.code !== "resume_unavailable") {
    fail(label, `${call} threw code ${JSON.stringify(result.refused.code)}; expected resume_unavailable`);
  }
  if (result.refused.action.trim() === "") fail(label, `${call}: the resume_unavailable error has an empty action`);
}

// ---- transcript inputs -------------------------------------------------------------------------------------------

/** Deterministic bytes (a small LCG), so a failure reproduces. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** Inputs every reader must survive; none of them may prove a turn state. */
export function hostileTranscriptInputs(): { name: string; text: string }[] {
  const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  return [
    { name: "empty", text: "" },
    { name: "blank lines", text: "\n\n  \n\t\n" },
    {
      name: "garbage",
      text: 'not json at all\n{{{\n]]]\n{"unterminated": \n"just a string"\n42\nnull\n[1,2,3]\ntrue\n',
    },
    {
      name: "type-confused records",
      text: [
        "{}",
        '{"type":42}',
        '{"type":"assistant","message":"text instead of an object"}',
        '{"type":"assistant","message":{"content":null,"stop_reason":7}}',
        '{"type":"user","message":{"content":[null,5,"x",{"type":null}]}}',
        '{"type":"system","subtype":null,"level":[]}',
        '{"type":"event_msg","payload":null}',
        '{"type":"event_msg","payload":"text"}',
        '{"payload":[1,2]}',
        '{"jsonrpc":"2.0","method":null,"params":"x"}',
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}',
      ].join("\n"),
    },
    { name: "binary (all byte values, lenient UTF-8)", text: allBytes.toString("utf8") },
    { name: "binary (pseudo-random bytes)", text: pseudoRandomBytes(4096, 0x7a11).toString("utf8") },
    { name: "NUL and replacement characters", text: '\u0000\u0000{"type":"\u0000"}\n\uFFFD\uFFFD\n' },
  ];
}

/** Truncated when no samples are given: two records in no provider's format. */
const GENERIC_JSONL =
  '{"type":"conformance","payload":{"text":"one"}}\n{"type":"conformance","payload":{"text":"two"}}\n';

/** A text cut at several points, each one mid-line. */
export function truncations(text: string): string[] {
  if (text.length < 2) return [];
  const cuts = new Set<number>();
  for (const fraction of [0.25, 0.5, 0.75]) cuts.add(Math.max(1, Math.floor(text.length * fraction)));
  const lastNewline = text.trimEnd().lastIndexOf("\n");
  if (lastNewline > 0) cuts.add(lastNewline + Math.max(1, Math.floor((text.trimEnd().length - lastNewline) / 2)));
  cuts.add(text.trimEnd().length - 1);
  return [...cuts].filter((cut) => cut > 0 && cut < text.length).map((cut) => text.slice(0, cut));
}

function assertReaderSurvived(state: TurnState, input: string, label: string): void {
  const readerError = state.diagnostics.find((entry) => entry.kind === "reader_error");
  if (readerError)
    fail(label, `transcripts.reader.extractFacts threw on ${input}: ${(readerError as { error: string }).error}`);
  const invalid = state.diagnostics.find((entry) => entry.kind === "invalid_fact");
  if (invalid)
    fail(
      label,
      `transcripts.reader.extractFacts returned an invalid fact on ${input} (index ${(invalid as { index: number }).index}); facts are {kind, turn_id} with a kind from TURN_FACT_KINDS`,
    );
}

const FAULT_KINDS: ReadonlySet<TranscriptFault["kind"]> = new Set([
  "api_error",
  "rate_limited",
  "compaction",
  "tool_error",
  "other",
]);

function assertFaultsSurvived(plugin: ProviderPlugin, text: string, input: string, label: string): void {
  const transcripts = plugin.transcripts!;
  let faults: unknown;
  try {
    faults = transcripts.faults(text);
  } catch (error) {
    fail(label, `transcripts.faults threw on ${input}: ${(error as Error)?.message ?? String(error)}`);
  }
  if (!Array.isArray(faults))
    fail(label, `transcripts.faults returned ${typeof faults} on ${input}; expected an array`);
  faults.forEach((fault: Partial<TranscriptFault> | null, index) => {
    const ok =
      typeof fault === "object" &&
      fault !== null &&
      FAULT_KINDS.has(fault.kind as TranscriptFault["kind"]) &&
      typeof fault.signature === "string" &&
      typeof fault.detail === "string";
    if (!ok)
      fail(
        label,
        `transcripts.faults returned a malformed fault at [${index}] on ${input}; expected {kind, signature, detail}`,
      );
  });
}

// ---- the checks ---------------------------------------------------------------------------------------------------

const EMPTY_SCREENS = ["", "\n", "\n\n\n\n", "   \n \t \n   ", " ".repeat(80)];

function collectPatterns(plugin: ProviderPlugin): { where: string; pattern: RegExp }[] {
  const patterns: { where: string; pattern: RegExp }[] = [];
  const signatures = plugin.screen.signatures;
  for (const key of [
    "trustPrompt",
    "authRequired",
    "compactionWarning",
    "busy",
    "inputPrompt",
    "pastePlaceholder",
  ] as const) {
    for (const [index, pattern] of (signatures[key] ?? []).entries()) {
      patterns.push({ where: `screen.signatures.${key}[${index}]`, pattern });
    }
  }
  for (const [index, notice] of (signatures.notices ?? []).entries()) {
    patterns.push({ where: `screen.signatures.notices[${index}].pattern`, pattern: notice.pattern });
  }
  return patterns;
}

function assertPatternSane(where: string, pattern: RegExp, label: string, screens: readonly string[]): void {
  try {
    new RegExp(pattern.source, pattern.flags);
  } catch (error) {
    fail(label, `${where} does not compile: ${(error as Error).message}`);
  }
  // With g or y, RegExp#test keeps state in lastIndex and alternates answers on the same screen.
  if (/[gy]/.test(pattern.flags)) fail(label, `${where} (${pattern}) has the g or y flag, which makes test() stateful`);
  for (const screen of screens) {
    pattern.lastIndex = 0;
    if (pattern.test(screen))
      fail(
        label,
        `${where} (${pattern}) matches an empty screen ${JSON.stringify(screen)}; it would fire on every blank pane`,
      );
  }
}

/** The checks for one plugin, in the order they run. */
export function conformanceChecks(plugin: unknown, options: ConformanceOptions = {}): ConformanceCheck[] {
  const named =
    typeof (plugin as { name?: unknown } | null)?.name === "string" ? (plugin as { name: string }).name : "plugin";
  const label = options.label ?? named;
  const authModes = options.authModes ?? ALL_AUTH_MODES;
  const cases = [
    ...authModes.map((mode) => ({ mode, dangerous: false })),
    ...(authModes.length > 0 ? [{ mode: authModes[0]!, dangerous: true }] : []),
  ];
  const caseName = (c: { mode: AuthMode; dangerous: boolean }) =>
    `${c.mode}${c.dangerous ? ", dangerous auto-approve" : ""}`;
  const checks: ConformanceCheck[] = [];

  checks.push({
    name: "default export matches the ProviderPlugin v1 schema",
    run: () => {
      const checked = checkProviderPlugin(plugin, label);
      if (!checked.ok) throw new ConformanceError(checked.error.message);
    },
  });

  for (const c of cases) {
    checks.push({
      name: `buildLaunch (${caseName(c)}): argv array starting with the plugin command, no shell string, MCP server with the worker's identity`,
      run: (context) => {
        const valid = requireValid(plugin, label);
        const worker = sampleWorker(context, c.mode, c.dangerous, options.worker);
        const mcp = sampleMcp(context, worker);
        const call = `buildLaunch(${caseName(c)})`;
        const result = callBuilder(label, call, () => valid.buildLaunch(worker, mcp));
        if ("refused" in result) {
          fail(
            label,
            `${call} refused: ${result.refused.code}: ${result.refused.message}; list only the auth modes the plugin supports in options.authModes`,
          );
        }
        const plan = assertSafeLaunchPlan(valid, result.plan, call, label);
        assertMcpInjected(plan, mcp, call, label);
      },
    });
  }

  checks.push({
    name: "no secret-looking profile setting reaches argv, plan env or plan files",
    run: (context) => {
      const valid = requireValid(plugin, label);
      const extra = Object.fromEntries(
        Object.entries(options.worker?.profileSettings ?? {}).filter(([key, value]) =>
          isSecretLookingSetting(key, value),
        ),
      );
      const secrets = { ...SAMPLE_SECRETS, ...extra };
      for (const c of cases) {
        const worker = sampleWorker(context, c.mode, c.dangerous, options.worker);
        worker.profileSettings = { ...worker.profileSettings, ...secrets };
        const mcp = sampleMcp(context, worker);
        const builds: [string, () => unknown][] = [
          [`buildLaunch(${caseName(c)})`, () => valid.buildLaunch(worker, mcp)],
          [`buildResume(${caseName(c)})`, () => valid.buildResume(worker, mcp, SAMPLE_SESSION_ID)],
        ];
        for (const [call, build] of builds) {
          const result = callBuilder(label, call, build);
          if ("plan" in result)
            assertNoSecrets(assertSafeLaunchPlan(valid, result.plan, call, label), secrets, call, label);
        }
      }
    },
  });

  checks.push({
    name: "buildResume refuses an empty session id with resume_unavailable",
    run: (context) => {
      const valid = requireValid(plugin, label);
      const worker = sampleWorker(context, authModes[0] ?? "subscription", false, options.worker);
      const call = 'buildResume(worker, mcp, "")';
      assertResumeRefusal(
        callBuilder(label, call, () => valid.buildResume(worker, sampleMcp(context, worker), "")),
        call,
        label,
      );
    },
  });

  checks.push({
    name: "buildResume with a session id returns a safe plan, or refuses with resume_unavailable",
    run: (context) => {
      const valid = requireValid(plugin, label);
      const worker = sampleWorker(context, authModes[0] ?? "subscription", false, options.worker);
      const call = "buildResume(<session id>)";
      const result = callBuilder(label, call, () =>
        valid.buildResume(worker, sampleMcp(context, worker), SAMPLE_SESSION_ID),
      );
      if (!valid.capabilities.resume) {
        assertResumeRefusal(result, `${call} with capabilities.resume false`, label);
        return;
      }
      if ("refused" in result) assertResumeRefusal(result, call, label);
      else
        assertMcpInjected(
          assertSafeLaunchPlan(valid, result.plan, call, label),
          sampleMcp(context, worker),
          call,
          label,
        );
    },
  });

  checks.push({
    name: "transcript reader and fault reader survive empty, truncated, garbage and binary input",
    run: () => {
      const valid = requireValid(plugin, label);
      // The schema already refuses transcripts: null with capabilities.transcripts true.
      if (valid.transcripts === null) {
        if ((options.samples?.length ?? 0) > 0)
          fail(label, "transcript samples were given but the plugin has no transcripts reader");
        return;
      }
      const reader = valid.transcripts.reader;
      const empty = reader.extractFacts([]);
      if (!Array.isArray(empty) || empty.length !== 0)
        fail(label, "transcripts.reader.extractFacts([]) must return an empty array");
      const inputs = hostileTranscriptInputs();
      const sources = (options.samples ?? []).map((sample) => sample.text);
      if (sources.length === 0) sources.push(GENERIC_JSONL);
      for (const [index, text] of sources.entries()) {
        for (const [n, cut] of truncations(text).entries()) {
          inputs.push({ name: `truncated sample ${index} (cut ${n})`, text: cut });
        }
      }
      for (const input of inputs) {
        const state = readTurnState(reader, input.text);
        assertReaderSurvived(state, `input "${input.name}"`, label);
        if (!input.name.startsWith("truncated") && state.state !== "unknown") {
          fail(
            label,
            `input "${input.name}" read as ${state.state} (${state.reason}); text without a lifecycle record must read unknown`,
          );
        }
        assertFaultsSurvived(valid, input.text, `input "${input.name}"`, label);
      }
    },
  });

  (options.samples ?? []).forEach((sample, index) => {
    const sampleName = sample.name ?? `sample ${index}`;
    checks.push({
      name: `transcript ${sampleName} reads as ${sample.expectedState}`,
      run: () => {
        const valid = requireValid(plugin, label);
        if (valid.transcripts === null)
          fail(label, "transcript samples were given but the plugin has no transcripts reader");
        const state = readTurnState(valid.transcripts.reader, sample.text, {
          process: sample.process ?? null,
          provider: valid.name,
        });
        assertReaderSurvived(state, sampleName, label);
        if (state.state !== sample.expectedState) {
          fail(
            label,
            `${sampleName} read as ${state.state} (reason ${state.reason}), expected ${sample.expectedState}`,
          );
        }
        assertFaultsSurvived(valid, sample.text, sampleName, label);
      },
    });
  });

  checks.push({
    name: "prompt catalog: unique ids, patterns compile and do not match an empty screen",
    run: () => {
      // Unique ids are the schema's rule; requireValid has enforced it.
      const valid = requireValid(plugin, label);
      valid.prompts.forEach((entry, index) => {
        for (const [n, pattern] of entry.match.entries()) {
          assertPatternSane(`prompts[${index}] (${entry.id}).match[${n}]`, pattern, label, EMPTY_SCREENS);
        }
      });
    },
  });

  checks.push({
    name: "screen signatures: patterns compile and do not match the empty string",
    run: () => {
      // RegExp instances and a non-blank exitText are the schema's rules; requireValid has enforced them.
      const valid = requireValid(plugin, label);
      for (const { where, pattern } of collectPatterns(valid)) assertPatternSane(where, pattern, label, [""]);
    },
  });

  checks.push({
    name: "paste strategy is within sane limits",
    // The bounds (PASTE_LIMITS) and the submit key's shape are pasteStrategySchema's rules: a plugin passes this
    // check exactly when it is schema-valid. It stays a check of its own so the report names the paste strategy.
    run: () => {
      requireValid(plugin, label);
    },
  });

  checks.push({
    name: "mcpToolName is deterministic, contains the tool name and keeps tools apart",
    run: () => {
      const valid = requireValid(plugin, label);
      const tools = ["report_result", "send_message", "list_agents"];
      const names = tools.map((tool) => {
        const first = valid.mcpToolName(tool);
        const second = valid.mcpToolName(tool);
        if (typeof first !== "string" || first === "")
          fail(label, `mcpToolName("${tool}") returned ${JSON.stringify(first)}`);
        if (first !== second)
          fail(
            label,
            `mcpToolName("${tool}") is not deterministic: ${JSON.stringify(first)} then ${JSON.stringify(second)}`,
          );
        if (!first.includes(tool))
          fail(label, `mcpToolName("${tool}") = ${JSON.stringify(first)} does not contain the tool name`);
        return first;
      });
      if (new Set(names).size !== names.length)
        fail(label, `mcpToolName maps different tools to one name: ${names.join(", ")}`);
    },
  });

  return checks;
}

export interface ConformanceOutcome {
  name: string;
  ok: boolean;
  error?: Error;
}

/** Runs every check outside a test framework (one shared temp context) and reports each outcome. */
export async function runConformance(plugin: unknown, options: ConformanceOptions = {}): Promise<ConformanceOutcome[]> {
  const context = await createConformanceContext();
  try {
    const outcomes: ConformanceOutcome[] = [];
    for (const check of conformanceChecks(plugin, options)) {
      try {
        await check.run(context);
        outcomes.push({ name: check.name, ok: true });
      } catch (error) {
        outcomes.push({
          name: check.name,
          ok: false,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    }
    return outcomes;
  } finally {
    await context.cleanup();
  }
}
