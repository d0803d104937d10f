/**
 * Blocking screens of Claude Code 2.1.332 and how the runtime may answer them. Only workspace trust is ever
 * answered automatically (through tmux-prompt's trust policy, which checks the path shown); everything else needs
 * a person or the lead.
 */
import type { PromptCatalogEntry } from "@team-agent/provider-registry";

export const claudeCodePrompts: readonly PromptCatalogEntry[] = [
  {
    id: "claude_workspace_trust",
    kind: "trust_prompt",
    match: [/quick safety check/i, /accessing workspace:/i, /yes, i trust this folder/i],
    answer: { type: "trust_policy" },
    description:
      "Workspace trust ('Accessing workspace: <path>', 'Quick safety check'). Options '❯ No, exit' (default) and " +
      "'Yes, I trust this folder': trusting takes Down, then Enter; Enter alone quits the CLI.",
  },
  {
    id: "claude_api_key_dialog",
    kind: "numbered_menu",
    match: [/detected a custom api key in your environment/i, /do you want to use this api key\?/i],
    answer: { type: "report" },
    description:
      "ANTHROPIC_API_KEY is set and not yet approved: 'Do you want to use this API key?' with '❯ No (recommended)' " +
      "as default. Accepting a key is the user's call; an ANTHROPIC_AUTH_TOKEN does not raise this dialog.",
  },
  {
    id: "claude_login_required",
    kind: "auth_required",
    match: [/select login method/i, /not logged in · please run \/login[\s\S]*once fixed, resend your message/i],
    answer: { type: "report" },
    description: "No credentials: '/login' menu or 'Not logged in · Please run /login' after a message.",
  },
  {
    id: "claude_bypass_permissions_warning",
    kind: "numbered_menu",
    match: [/running in bypass permissions mode/i, /yes, i accept/i],
    answer: { type: "report" },
    description:
      "Shown once for --dangerously-skip-permissions unless skipDangerousModePermissionPrompt is set (the launch " +
      "plan sets it); default '❯ No, exit'.",
  },
  {
    id: "claude_tool_permission",
    kind: "numbered_menu",
    match: [/do you want to proceed\?/i],
    answer: { type: "report" },
    description: "A tool call waits for approval ('Do you want to proceed?', '❯ 1. Yes' … 'No'; Esc denies).",
  },
  {
    id: "claude_question",
    kind: "numbered_menu",
    match: [/enter to select · ↑\/↓ to navigate/i],
    answer: { type: "report" },
    description: "The model asked a multiple-choice question (AskUserQuestion); the lead or a person answers.",
  },
];
