/**
 * The neutral turn-state vocabulary (§2.1, §2.3). A provider plugin implements `TranscriptReader`: it turns the
 * parsed records of its own transcript format into `TurnFact`s. Everything after that — parsing, the verdict and
 * the process guard — is shared here, so every provider is judged by the same rules.
 */
import { judgeProcess, type ProcessEvidence } from "./process-guard.js";

export const TURN_FACT_KINDS = ["turn_open", "turn_complete", "interrupted", "failed", "approval", "error"] as const;

export type TurnFactKind = (typeof TURN_FACT_KINDS)[number];

/** Kinds that open or close a turn. `error` is a fault inside a turn and never decides the verdict. */
export const LIFECYCLE_FACT_KINDS: ReadonlySet<TurnFactKind> = new Set([
  "turn_open",
  "turn_complete",
  "interrupted",
  "failed",
  "approval",
]);

export interface TurnFact {
  kind: TurnFactKind;
  turn_id: string | null;
  /** Why the fact was emitted, e.g. the provider's abort reason (`interrupted`) or `assistant_in_flight`. */
  reason?: string;
  /** Stable name of a fault, e.g. `api_error`, `turn_failed`, `approval_required`. */
  signature?: string;
  /** The record the fact came from, for fault reporting. */
  raw?: Record<string, unknown>;
}

/** What a provider plugin implements. Records arrive in file order; facts must come back in file order. */
export interface TranscriptReader {
  extractFacts(records: Record<string, unknown>[]): TurnFact[];
}

export const NODE_STATES = ["idle", "idle_interrupted", "working", "blocked_on_human", "abnormal", "unknown"] as const;

export type NodeState = (typeof NODE_STATES)[number];

export type TurnStateSource = "registry" | "session_file" | "process_guard" | "reader";

export type TurnStateDiagnostic =
  | { kind: "unknown_provider"; provider: string | null }
  | { kind: "json_decode_error"; line: number }
  | { kind: "non_object_record"; line: number }
  | { kind: "reader_error"; error: string }
  | { kind: "invalid_fact"; index: number }
  | { kind: "process_guard"; verdict: "alive" | "dead" | "unverifiable"; detail: string };

export interface TurnState {
  state: NodeState;
  turn_id: string | null;
  /** Why this state, e.g. `turn_complete`, `open_turn`, `crashed_mid_turn`, `unrecognized_format`. */
  reason: string;
  source: TurnStateSource;
  /** `interrupted`, `turn_failed` or `awaiting_approval` when the state carries one. */
  annotations: string[];
  diagnostics: TurnStateDiagnostic[];
}

export interface ReadTurnStateOptions {
  /** Evidence about the worker's process; decides what an open turn means. */
  process?: ProcessEvidence | null;
  /** The provider's name, only to say which one had no reader. */
  provider?: string | null;
}

/**
 * Classifies a transcript's text. Never throws: a bad line, a reader that throws or an unknown provider all come
 * back as `unknown` with diagnostics, because `unknown` is never idle and so never triggers a reminder.
 */
export function readTurnState(
  reader: TranscriptReader | undefined | null,
  text: string,
  options: ReadTurnStateOptions = {},
): TurnState {
  if (!reader) {
    return unknownState("unknown_provider", "registry", [
      { kind: "unknown_provider", provider: options.provider ?? null },
    ]);
  }

  const { records, diagnostics } = parseJsonLines(text);
  let facts: unknown;
  try {
    facts = reader.extractFacts(records);
  } catch (error) {
    diagnostics.push({ kind: "reader_error", error: error instanceof Error ? error.message : String(error) });
    return unknownState("reader_error", "reader", diagnostics);
  }

  const verdict = lastLifecycleFact(facts, diagnostics);
  if (!verdict) {
    const reason =
      records.length === 0
        ? "unreadable_or_empty"
        : hasParseProblems(diagnostics)
          ? "unrecognized_format"
          : "no_turn_lifecycle_fact";
    return unknownState(reason, "session_file", diagnostics);
  }
  return classify(verdict, options.process, diagnostics);
}

function unknownState(reason: string, source: TurnStateSource, diagnostics: TurnStateDiagnostic[]): TurnState {
  return { state: "unknown", turn_id: null, reason, source, annotations: [], diagnostics };
}

/** Splits JSONL into object records; every line that is not one becomes a diagnostic with its 1-based number. */
export function parseJsonLines(text: string): {
  records: Record<string, unknown>[];
  diagnostics: TurnStateDiagnostic[];
} {
  const records: Record<string, unknown>[] = [];
  const diagnostics: TurnStateDiagnostic[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      diagnostics.push({ kind: "json_decode_error", line: index + 1 });
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      diagnostics.push({ kind: "non_object_record", line: index + 1 });
      continue;
    }
    records.push(value as Record<string, unknown>);
  }
  return { records, diagnostics };
}

function hasParseProblems(diagnostics: TurnStateDiagnostic[]): boolean {
  return diagnostics.some((entry) => entry.kind === "json_decode_error" || entry.kind === "non_object_record");
}

/** The verdict is the LAST lifecycle fact, not the last line: trailing metadata records never change it. */
function lastLifecycleFact(facts: unknown, diagnostics: TurnStateDiagnostic[]): TurnFact | null {
  if (!Array.isArray(facts)) {
    diagnostics.push({ kind: "invalid_fact", index: -1 });
    return null;
  }
  let last: TurnFact | null = null;
  facts.forEach((candidate, index) => {
    const fact = normalizeFact(candidate);
    if (!fact) diagnostics.push({ kind: "invalid_fact", index });
    else if (LIFECYCLE_FACT_KINDS.has(fact.kind)) last = fact;
  });
  return last;
}

function normalizeFact(candidate: unknown): TurnFact | null {
  if (candidate === null || typeof candidate !== "object") return null;
  const fact = candidate as Partial<TurnFact>;
  if (!TURN_FACT_KINDS.includes(fact.kind as TurnFactKind)) return null;
  const turnId = fact.turn_id;
  const normalized: TurnFact = {
    kind: fact.kind as TurnFactKind,
    turn_id: typeof turnId === "string" && turnId !== "" ? turnId : typeof turnId === "number" ? String(turnId) : null,
  };
  if (typeof fact.reason === "string") normalized.reason = fact.reason;
  if (typeof fact.signature === "string") normalized.signature = fact.signature;
  return normalized;
}

function classify(
  fact: TurnFact,
  process: ProcessEvidence | null | undefined,
  diagnostics: TurnStateDiagnostic[],
): TurnState {
  const base = { turn_id: fact.turn_id, source: "session_file" as TurnStateSource, diagnostics };
  switch (fact.kind) {
    case "turn_complete":
      return { ...base, state: "idle", reason: fact.reason ?? "turn_complete", annotations: [] };
    case "interrupted":
      return { ...base, state: "idle_interrupted", reason: fact.reason ?? "interrupted", annotations: ["interrupted"] };
    case "failed":
      return { ...base, state: "abnormal", reason: fact.reason ?? "turn_failed", annotations: ["turn_failed"] };
    case "approval":
      return {
        ...base,
        state: "blocked_on_human",
        reason: fact.reason ?? "approval_required",
        annotations: ["awaiting_approval"],
      };
    default:
      return classifyOpenTurn(fact, process, diagnostics);
  }
}

/** An open turn is only `working` while its process is provably alive; file silence never demotes it. */
function classifyOpenTurn(
  fact: TurnFact,
  process: ProcessEvidence | null | undefined,
  diagnostics: TurnStateDiagnostic[],
): TurnState {
  const judgement = judgeProcess(process);
  diagnostics.push({ kind: "process_guard", verdict: judgement.verdict, detail: judgement.detail });
  const base = { turn_id: fact.turn_id, annotations: [] as string[], diagnostics };
  if (judgement.verdict === "alive") return { ...base, state: "working", reason: "open_turn", source: "session_file" };
  if (judgement.verdict === "dead") {
    return { ...base, state: "abnormal", reason: "crashed_mid_turn", source: "process_guard" };
  }
  return { ...base, state: "unknown", reason: "process_identity_unverified", source: "session_file" };
}
