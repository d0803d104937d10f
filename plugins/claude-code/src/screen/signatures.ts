/**
 * What Claude Code 2.1.332 draws, for tmux-prompt's classifier (verbatim texts in
 * packages/tmux-prompt/test/fixtures/screens/README.md). Screen-wide patterns are matched against the lower-cased
 * window; line patterns against each window line without box edges.
 */
import type { PasteStrategy, ScreenSignatures } from "@team-agent/tmux-prompt";
import { PROVIDER_NAME } from "../constants.js";

export const claudeCodeSignatures: ScreenSignatures = {
  provider: PROVIDER_NAME,
  // The question sentence first: the classifier anchors the path search on the first pattern that matches.
  trustPrompt: [/quick\s+safety\s+check/, /accessing\s+workspace:/, /yes,\s+i\s+trust\s+this\s+folder/],
  authRequired: [
    // `/login` menu.
    /select\s+login\s+method/,
    // A message sent while logged out: the reply line, then the composer's dim "Once fixed, resend your message".
    /not\s+logged\s+in\s+·\s+please\s+run\s+\/login[\s\S]*once\s+fixed,\s+resend\s+your\s+message/,
  ],
  compactionWarning: [],
  busy: [
    // Spinner line "✽ Reticulating…" (a random gerund and an ellipsis); a finished turn reads "✻ Baked for 0s · done …".
    /^\s*[·*✢✳✶✻✽]\s+\S[^…]*…/u,
    // Retry line "✻ 500 Injected test error (HTTP 500) · retrying in 2s · attempt 3/10".
    /^\s*[·*✢✳✶✻✽]\s.*·\s*retrying in \d+s\b/u,
    // Footer hint, absent while a draft sits in the composer (the spinner line still shows then).
    /·\s*esc to interrupt\b/u,
  ],
  inputPrompt: [
    // The live composer is `❯` + U+00A0 (+ draft); right-trimming leaves a bare `❯` when it is empty. History lines
    // use `❯` + a normal space and are not prompts.
    /^❯$/u,
    /^❯\u00a0/u,
  ],
  pastePlaceholder: [/\[pasted\s+text\s+#\d+\s+\+\d+\s+lines?\]/i],
  notices: [
    { kind: "api_error", pattern: /^●\s+API Error:/u },
    { kind: "rate_limited", pattern: /\(429\)|\b429\b.*\bretrying in\b|\brate.?limit/i },
    { kind: "reconnecting", pattern: /·\s*retrying in \d+s\s*·\s*attempt \d+\/\d+/ },
    { kind: "not_logged_in", pattern: /\bNot logged in\s+·\s+(?:please\s+)?run \/login/i },
    { kind: "auto_compact_next", pattern: /\bauto-compact next\b/ },
  ],
};

/**
 * Bracketed paste, then Enter. Claude Code took an Enter 0.3 s after a paste in the recordings; the pause leaves
 * room for a slow terminal, and the placeholder check retries a swallowed Enter.
 */
export const claudeCodePaste: PasteStrategy = {
  bracketed: true,
  submitKey: "Enter",
  delayBeforeSubmitMs: 400,
  maxSubmitPresses: 3,
};

/** Typed into the composer to quit the CLI. */
export const CLAUDE_EXIT_TEXT = "/exit";
