/**
 * What the fake agent draws, and how the runtime recognises it. The CLI (src/cli/) draws these exact texts and the
 * plugin derives its screen signatures and prompt catalog from the same constants, so the two cannot drift apart.
 */

import type { PromptCatalogEntry } from "@team-agent/provider-registry";
import type { PasteStrategy, ScreenSignatures } from "@team-agent/tmux-prompt";

export const FAKE_TEXT = {
  /** First line of the input screen. Starts with no cursor glyph, so it is never taken for a prompt. */
  title: "✻ Fake agent (Team Agent test CLI)",
  /** The input box's prompt glyph (followed by a space and the draft). */
  prompt: "❯",
  /** The busy line while a turn is open. */
  busy: "✻ Working… (esc to interrupt)",
  footerIdle: "? for shortcuts · /exit to quit",
  footerBusy: "esc to interrupt",
  trustHeading: "Accessing workspace:",
  trustQuestion: "Fake agent safety check: do you trust this folder?",
  trustDetail: "The fake agent (a Team Agent test program) will read and write files here.",
  trustDecline: "No, exit",
  trustAccept: "Yes, I trust this folder",
  menuFooter: "Enter to confirm · Esc to cancel",
  approvalQuestion: "Do you want to proceed?",
  approvalYes: "Yes",
  approvalNo: "No, and tell the fake agent what to do differently (esc)",
  interrupted: "Interrupted · What should the fake agent do instead?",
  apiErrorPrefix: "API Error:",
  /** Gutter of a reply line and of a tool/notice line under it. */
  replyGlyph: "●",
  noticeGlyph: "⎿",
} as const;

/** `[Pasted text #2 +14 lines]`: how a paste of more lines than the collapse threshold is shown in the input box. */
export function pastePlaceholder(index: number, lines: number): string {
  return `[Pasted text #${index} +${lines} lines]`;
}

/** Pastes with more lines than this are collapsed to a placeholder unless the script says otherwise. */
export const DEFAULT_PASTE_COLLAPSE_LINES = 8;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A phrase as a regex that allows any whitespace (including a line break) between its words. */
const phrase = (text: string, flags = "u"): RegExp =>
  new RegExp(text.split(/\s+/).map(escapeRegExp).join("\\s+"), flags);

export const FAKE_SIGNATURES: ScreenSignatures = {
  provider: "fake",
  // The question first: the classifier anchors the trust path search on the first pattern that matches.
  trustPrompt: [phrase(FAKE_TEXT.trustQuestion.toLowerCase()), phrase(FAKE_TEXT.trustAccept.toLowerCase())],
  busy: [new RegExp(`^\\s*${escapeRegExp(FAKE_TEXT.busy)}\\s*$`, "u")],
  // The empty box is a bare `❯` once trailing spaces are trimmed; a filled box is the generic `❯ text` shape.
  inputPrompt: [new RegExp(`^\\s*${FAKE_TEXT.prompt}\\s*$`, "u")],
  pastePlaceholder: [/\[\s*pasted\s+text\s+#\d+\s+\+\d+\s+lines?\s*\]/i],
  notices: [
    {
      kind: "api_error",
      pattern: new RegExp(`${FAKE_TEXT.noticeGlyph}\\s+${escapeRegExp(FAKE_TEXT.apiErrorPrefix)}`, "u"),
    },
  ],
};

/** Bracketed paste, Enter, and a short pause: the fake takes Enter right after a paste, but real CLIs do not. */
export const FAKE_PASTE_STRATEGY: PasteStrategy = {
  bracketed: true,
  submitKey: "Enter",
  delayBeforeSubmitMs: 100,
  maxSubmitPresses: 3,
};

export const FAKE_PROMPTS: readonly PromptCatalogEntry[] = [
  {
    id: "fake_workspace_trust",
    kind: "trust_prompt",
    match: [phrase(FAKE_TEXT.trustQuestion, "iu"), phrase(FAKE_TEXT.trustAccept, "iu")],
    answer: { type: "trust_policy" },
    description:
      "The fake agent's workspace-trust menu (shown with --trust-prompt). The highlighted default exits, so the " +
      "answer is Down then Enter, and only for the team's own workspace.",
  },
  {
    id: "fake_tool_approval",
    kind: "numbered_menu",
    match: [phrase(FAKE_TEXT.approvalQuestion, "iu")],
    answer: { type: "report" },
    description: "A scripted tool approval (`ask_approval`): the turn waits until someone picks Yes or No.",
  },
];
