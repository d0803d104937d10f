/**
 * What the pure screen classifier takes and returns. Provider-specific signatures come from the provider
 * plugins through `ScreenSignatures`; this package never names a provider.
 */

export type ScreenKind =
  | "trust_prompt"
  | "auth_required"
  | "compaction_warning"
  | "press_enter"
  | "yes_no"
  | "numbered_menu"
  | "cli_exited"
  | "pasted_unsubmitted"
  | "busy"
  | "input_ready"
  | "unknown";

/** Kinds that mean the pane will not take a pasted message right now. */
export const BLOCKING_KINDS: ReadonlySet<ScreenKind> = new Set([
  "trust_prompt",
  "auth_required",
  "compaction_warning",
  "press_enter",
  "yes_no",
  "numbered_menu",
  "cli_exited",
]);

/** Shown but not blocking, e.g. an API error line above a ready prompt. */
export interface ScreenNotice {
  kind: string;
  line: string;
}

/** One provider's screen vocabulary, supplied by its plugin. Every field is optional. */
export interface ScreenSignatures {
  provider?: string;
  /** The workspace-trust screen (matched against the lower-cased window, may span lines). */
  trustPrompt?: readonly RegExp[];
  /** Sign-in / first-run authentication screens. */
  authRequired?: readonly RegExp[];
  compactionWarning?: readonly RegExp[];
  /** A turn in progress (spinner + interrupt hint, "Working (12s …)"). */
  busy?: readonly RegExp[];
  /** A line that is the provider's empty or filled input prompt. */
  inputPrompt?: readonly RegExp[];
  /** A paste placeholder such as `[Pasted text #1 +30 lines]`. */
  pastePlaceholder?: readonly RegExp[];
  /** Non-blocking notices: `{ kind: "api_error", pattern: /…/ }`. */
  notices?: readonly { kind: string; pattern: RegExp }[];
}

export interface ClassifyOptions {
  signatures?: ScreenSignatures | readonly ScreenSignatures[];
  /** Pane width in columns, when known (lets the trust path reader accept a path cut at the right edge). */
  paneWidth?: number;
}

export interface ScreenClassification {
  kind: ScreenKind;
  notices: ScreenNotice[];
  /** The provider whose signature matched, when one did. */
  provider?: string;
  /** For `trust_prompt`: the path the screen asks about, as shown (may be truncated or elided). */
  trustPath?: string;
  /** For `trust_prompt`: the path's line reaches the pane's right edge (known width only), so it may be cut. */
  trustPathAtRightEdge?: boolean;
  /** For `numbered_menu` / `trust_prompt`: the options as shown, and which one is highlighted. */
  options?: { number: number; label: string; highlighted: boolean }[];
  /** For `pasted_unsubmitted`: the placeholder text. */
  placeholder?: string;
  /** A blocking screen that was found but judged stale (an input-ready line below it), e.g. an old trust prompt. */
  staleKind?: ScreenKind;
  /** The normalised last lines the decision was made on. */
  window: string[];
  /** Why: which rule matched (for events and debugging). */
  rule: string;
}
