/**
 * The workspace-trust policy (D8): answer a trust prompt only for the team's own workspace, only once per screen,
 * and only with keys the screen proves right. Decided from the classifier's reading of the screen, never from a
 * configured mode.
 */
import type { ScreenClassification } from "../screen/types.js";
import { processTrustMemory, screenHash, type TrustAnswerMemory } from "./memory.js";
import { planTrustKeys, type ShownOption } from "./options.js";
import { matchShownPath, type RealpathFn } from "./paths.js";

export type TrustRefusalReason =
  | "not_a_trust_prompt"
  | "pane_id_missing"
  | "no_path_shown"
  | "workspace_dir_mismatch"
  | "no_options_shown"
  | "no_trusting_option"
  | "no_highlight_visible"
  | "ambiguous_highlight";

export interface TrustDecisionInput {
  classification: Pick<ScreenClassification, "kind" | "trustPath" | "options" | "window" | "provider">;
  /** The directory this team owns. */
  workspace: string;
  paneId: string;
  /** Columns of the pane, when known; lets a path cut at the right edge match. */
  paneWidth?: number;
  memory?: TrustAnswerMemory;
  realpath?: RealpathFn;
  home?: string;
}

export type TrustDecision =
  | {
      action: "answer";
      keys: string[];
      /** The Up/Down presses before Enter (empty when the trusting option is already highlighted). */
      moves: string[];
      option: ShownOption;
      rule: "exact" | "ellipsis" | "right_edge_cut";
      shownPath: string;
      screenHash: string;
    }
  | { action: "refuse"; reason: TrustRefusalReason; shownPath?: string; screenHash: string }
  | { action: "skip"; reason: "already_answered"; screenHash: string };

/** The window line the path was printed on (the last one holding it), for the right-edge rule. */
function lineShowing(window: readonly string[], shown: string): string | undefined {
  for (let index = window.length - 1; index >= 0; index--) {
    const line = window[index] as string;
    if (line.includes(shown)) return line;
  }
  return undefined;
}

export function decideTrustAnswer(input: TrustDecisionInput): TrustDecision {
  const { classification } = input;
  const hash = screenHash(classification.window);
  const refuse = (reason: TrustRefusalReason): TrustDecision => ({
    action: "refuse",
    reason,
    screenHash: hash,
    ...(classification.trustPath !== undefined ? { shownPath: classification.trustPath } : {}),
  });
  if (classification.kind !== "trust_prompt") return refuse("not_a_trust_prompt");
  if (!input.paneId) return refuse("pane_id_missing");
  if ((input.memory ?? processTrustMemory).has(input.paneId, hash)) {
    return { action: "skip", reason: "already_answered", screenHash: hash };
  }

  const shown = classification.trustPath;
  const line = shown === undefined ? undefined : lineShowing(classification.window, shown);
  const match = matchShownPath(shown, input.workspace, {
    ...(line !== undefined ? { line } : {}),
    ...(input.paneWidth !== undefined ? { paneWidth: input.paneWidth } : {}),
    ...(input.realpath ? { realpath: input.realpath } : {}),
    ...(input.home !== undefined ? { home: input.home } : {}),
  });
  if (!match.matched) return refuse(match.reason);

  const plan = planTrustKeys(classification.options);
  if (!plan.ok) return refuse(plan.reason);
  return {
    action: "answer",
    keys: plan.keys,
    moves: plan.moves,
    option: plan.target,
    rule: match.rule,
    shownPath: shown as string,
    screenHash: hash,
  };
}
