/**
 * Which keys answer a trust menu, read from what the screen shows. Claude Code highlights the option that exits
 * (spec 05), so a blind Enter is wrong there; a digit is never typed (it may land in the input box later).
 */

export interface ShownOption {
  number: number;
  label: string;
  highlighted: boolean;
}

export type KeyPlan =
  | { ok: true; keys: string[]; moves: string[]; target: ShownOption }
  | { ok: false; reason: "no_options_shown" | "no_trusting_option" | "no_highlight_visible" | "ambiguous_highlight" };

const TRUSTS_RE = /\b(?:trust|continue|proceed)\b/iu;
const STARTS_YES_RE = /^yes\b/iu;
const STARTS_TRUST_RE = /^(?:always\s+)?trust\b/iu;
const DECLINES_RE = /\b(?:no|not|don'?t|never|exit|quit|cancel|deny|reject)\b/iu;

/** An option that trusts the folder: "Yes, I trust this folder", "Yes, continue", "Trust", a bare "Yes". */
export function isTrustingLabel(label: string): boolean {
  const text = label.trim();
  if (DECLINES_RE.test(text)) return false;
  if (STARTS_TRUST_RE.test(text)) return true;
  if (!STARTS_YES_RE.test(text)) return false;
  return TRUSTS_RE.test(text) || /^yes[.!]?$/iu.test(text);
}

/**
 * Keys that select the first trusting option and accept it: Enter when it is already highlighted, otherwise Up or
 * Down from the highlighted option (by position on screen), then Enter. Refuses rather than guesses.
 */
export function planTrustKeys(options: readonly ShownOption[] | undefined): KeyPlan {
  if (!options || options.length === 0) return { ok: false, reason: "no_options_shown" };
  const targetIndex = options.findIndex((option) => isTrustingLabel(option.label));
  if (targetIndex < 0) return { ok: false, reason: "no_trusting_option" };
  const highlighted = options.flatMap((option, index) => (option.highlighted ? [index] : []));
  if (highlighted.length === 0) return { ok: false, reason: "no_highlight_visible" };
  if (highlighted.length > 1) return { ok: false, reason: "ambiguous_highlight" };
  const delta = targetIndex - (highlighted[0] as number);
  const moves = Array.from({ length: Math.abs(delta) }, () => (delta > 0 ? "Down" : "Up"));
  return { ok: true, keys: [...moves, "Enter"], moves, target: options[targetIndex] as ShownOption };
}
