/**
 * Blocking screens Codex 0.169 can show in a worker's pane, and how the runtime may answer each. Only the update
 * offer and the "task is still running" menu are answered with keys (both answers keep Codex where it was);
 * trust goes to the workspace-trust policy (D8: only the team's own folder); anything that needs a person's
 * decision (sign-in, approvals, questions) is reported to the lead.
 */
import type { PromptCatalogEntry } from "@team-agent/provider-registry";

export const CODEX_PROMPTS: readonly PromptCatalogEntry[] = [
  {
    id: "codex_workspace_trust",
    kind: "trust_prompt",
    // "Folder access" / <path> / "Trust this folder? Codex can read, edit, and run files here, …"
    match: [/trust\s+this\s+folder\?/i, /do\s+you\s+trust\s+the\s+contents\s+of\s+this\s+directory\?/i],
    answer: { type: "trust_policy" },
    description: "Folder access screen (git repositories only); option 1 'Trust and continue' is the default.",
  },
  {
    id: "codex_sign_in",
    kind: "auth_required",
    match: [
      /choose\s+how\s+you\s+want\s+to\s+use\s+codex/i,
      /sign\s+in\s+with\s+chatgpt/i,
      /sign\s+in\s+another\s+way[\s\S]*use\s+an\s+openai\s+api\s+key/i,
      /paste\s+or\s+type\s+your\s+api\s+key/i,
    ],
    answer: { type: "report" },
    description:
      "First-run sign-in (no stored login and no custom model provider): a person must sign in or configure a key.",
  },
  {
    id: "codex_update_available",
    kind: "numbered_menu",
    // "Update available · 0.169.0 → 0.999.0" / "› 1. Update now (runs `npm install -g @openai/codex`)" / "2. Skip"
    match: [/update\s+now\s+\(runs\b/i, /skip\s+until\s+next\s+version/i],
    answer: { type: "keys", keys: ["Down", "Enter"] },
    description: "Startup update offer; Down selects '2. Skip' (the default '1. Update now' would run an installer).",
  },
  {
    id: "codex_task_running_menu",
    kind: "numbered_menu",
    // Ctrl-C during a turn: "Task is still running" / "1. Cancel task" / "2. Run in background" / "3. Exit"
    match: [/task\s+is\s+still\s+running/i, /choose\s+what\s+happens\s+to\s+the\s+current\s+task/i],
    answer: { type: "keys", keys: ["Escape"] },
    description: "Menu opened by Ctrl-C during a turn; Esc closes it and the turn keeps running.",
  },
  {
    id: "codex_command_approval",
    kind: "numbered_menu",
    match: [
      /would\s+you\s+like\s+to\s+run\s+the\s+following\s+command\?/i,
      /would\s+you\s+like\s+to\s+make\s+the\s+following\s+edits\?/i,
    ],
    answer: { type: "report" },
    description: "Approval of a command or edit outside the sandbox; the worker's turn waits for a person.",
  },
  {
    id: "codex_question",
    kind: "numbered_menu",
    // Plan mode `request_user_input`: "Question 1/1 (1 unanswered)" … "enter to submit answer"
    match: [/question\s+\d+\/\d+\s+\(\d+\s+unanswered\)/i, /enter\s+to\s+submit\s+answer/i],
    answer: { type: "report" },
    description: "The model asks the user a question (plan mode); a person must answer.",
  },
];
