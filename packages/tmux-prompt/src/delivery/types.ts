/** How a provider's input box wants text pasted and submitted; supplied by its plugin. */
export interface PasteStrategy {
  /** Use bracketed paste (`paste-buffer -p`). */
  bracketed: boolean;
  /** Key sent to submit, e.g. `Enter` (some CLIs want `C-m` or `M-Enter`). */
  submitKey: string;
  /** Wait between a visible paste and the submit key (Codex swallows an Enter that follows a paste too closely). */
  delayBeforeSubmitMs: number;
  /** How many submit presses at most when a paste placeholder does not clear. */
  maxSubmitPresses: number;
}

export const DEFAULT_PASTE_STRATEGY: PasteStrategy = {
  bracketed: true,
  submitKey: "Enter",
  delayBeforeSubmitMs: 250,
  maxSubmitPresses: 3,
};
