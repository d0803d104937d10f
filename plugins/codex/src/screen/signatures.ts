/**
 * What Codex 0.169 draws, as tmux-prompt's screen vocabulary. Every pattern was checked against real screens
 * (tmux-prompt's test/fixtures/screens/codex-0.169.0-*.txt and this package's test/fixtures/screens/):
 *
 *   trust        "Folder access" / <path> / "Trust this folder? Codex can read, edit, …" / "› 1. Trust and continue"
 *   sign-in      "Welcome to Codex, …" / "Choose how you want to use Codex." / "> 1. Sign in with ChatGPT"
 *   busy         "• Working (17s • esc to interrupt)", "◦ Reconnecting... 2/5 (9s • esc to interrupt)",
 *                "◦ Compacting context (4s • esc to interrupt)"
 *   composer     "› Ask Codex to do anything" (or the draft) above the "<model> default · <cwd>" footer;
 *                sent messages in the history start with "› " too, so only the last such line is the composer
 *   placeholder  "› [Pasted Content 2369 chars]"
 *   errors       "■ <message>" in red; "■ Conversation interrupted - …" uses the same glyph
 */
import type { PasteStrategy, ScreenSignatures } from "@team-agent/tmux-prompt";
import { PROVIDER_NAME } from "../constants.js";

export const CODEX_SIGNATURES: ScreenSignatures = {
  provider: PROVIDER_NAME,
  // Screen-wide patterns run on the lower-cased window; the question sentence comes first (it anchors the path).
  trustPrompt: [
    /trust\s+this\s+folder\?\s+codex\s+can/,
    // wordings of releases before 0.169
    /do\s+you\s+trust\s+the\s+contents\s+of\s+this\s+directory\?/,
  ],
  authRequired: [
    /choose\s+how\s+you\s+want\s+to\s+use\s+codex/,
    /sign\s+in\s+another\s+way[\s\S]*use\s+an\s+openai\s+api\s+key/,
    /paste\s+or\s+type\s+your\s+api\s+key/,
  ],
  // 0.169 compacts silently (a "• Context compacted" line), so there is no warning screen to recognise.
  compactionWarning: [],
  // A spinner glyph, a label, then "(<elapsed> • esc to interrupt)"; elapsed reads "13s" or "1m 06s".
  busy: [/^[•◦]\s+\S.*\((?:\d+[hms]\s*)+•\s+esc to interrupt\)$/u],
  // The composer; a highlighted numbered option ("› 1. Trust and continue") is a menu entry, not a prompt.
  inputPrompt: [/^›(?:$|\s+(?!\p{Nd}+\.\s))/u],
  pastePlaceholder: [/\[Pasted Content \d+ chars\]/],
  notices: [
    { kind: "api_error", pattern: /^■\s+(?!Conversation interrupted\b)/u },
    { kind: "interrupted", pattern: /^■\s+Conversation interrupted\b/u },
    { kind: "rate_limited", pattern: /^■\s+.*(?:\b429\b|rate.?limit|too many requests)/iu },
    { kind: "reconnecting", pattern: /^[•◦]\s+Reconnecting\.\.\./u },
    { kind: "warnings", pattern: /⚠\s*\d+\s+warnings?\s+·\s+f2 to view/u },
  ],
};

/**
 * Codex takes an Enter that follows typed text within about half a second as part of a paste (a newline in the
 * draft, nothing sent). A bracketed paste whose visibility was proven first did not trip that in our runs (one
 * Enter submitted at every delay from 0 to 1000 ms), but a swallowed Enter costs a retry round, so the submit
 * waits a full second, as in every recording; if it is swallowed anyway, the placeholder or draft stays and
 * delivery presses again.
 */
export const CODEX_PASTE_STRATEGY: PasteStrategy = {
  bracketed: true,
  submitKey: "Enter",
  delayBeforeSubmitMs: 1000,
  maxSubmitPresses: 3,
};

/** Typed into an empty composer, quits the TUI (one Ctrl-C would too, but during a turn it opens a menu). */
export const CODEX_EXIT_TEXT = "/exit";

/**
 * 0.169 draws its input prompt first and replaces it with the folder-trust screen ~150 ms later (seen in a git
 * workspace, tmux 3.3a): a fresh worker counts as ready only once the prompt has held this long.
 */
export const CODEX_READY_SETTLE_MS = 1500;
