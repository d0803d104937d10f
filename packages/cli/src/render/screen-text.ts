/**
 * Screens for the lead without handing it the screen: `approvals` turns a blocking prompt into a structured item
 * (kind, options, what it is about) and `peek` (only with the user's authorisation) picks lines of a capture.
 */
import type { ScreenClassification } from "@team-agent/tmux-prompt";

/** Blocking screens that wait for someone to choose: what `approvals` lists. */
export const APPROVAL_KINDS = ["numbered_menu", "yes_no", "press_enter"] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export interface ApprovalItem {
  agent_id: string;
  state: "waiting_approval";
  kind: ApprovalKind;
  /** The classifier rule that recognised it. */
  rule: string;
  /** Menu options as shown (numbered menus). */
  options: { number: number; label: string; highlighted: boolean }[];
  /** Keys that answer it. */
  answer_keys: string[];
  /** What it asks about, when the screen names an MCP tool or a shell command. */
  subject: { tool: string } | { command: string } | null;
}

const MCP_TOOL_PATTERNS = [
  /run tool "([\w.-]+)"/i,
  /team_orchestrator(?:\.|__| - )([A-Za-z_][\w-]*)/,
  /mcp__[\w-]+__([A-Za-z_][\w-]*)/,
];
const COMMAND_LINE = /(?:Bash|Shell)\((.{1,200})\)/;

function subjectOf(window: readonly string[]): ApprovalItem["subject"] {
  for (const line of [...window].reverse()) {
    for (const pattern of MCP_TOOL_PATTERNS) {
      const tool = pattern.exec(line)?.[1];
      if (tool) return { tool };
    }
    const command = COMMAND_LINE.exec(line)?.[1];
    if (command) return { command: command.trim() };
  }
  return null;
}

function isApprovalKind(kind: string): kind is ApprovalKind {
  return (APPROVAL_KINDS as readonly string[]).includes(kind);
}

/** The approval a worker's screen waits for, or null when it is not waiting for a choice. */
export function approvalFrom(agentId: string, screen: ScreenClassification): ApprovalItem | null {
  if (!isApprovalKind(screen.kind)) return null;
  const options = screen.kind === "numbered_menu" ? (screen.options ?? []) : [];
  const answerKeys =
    screen.kind === "yes_no"
      ? ["y", "n"]
      : screen.kind === "press_enter"
        ? ["Enter"]
        : options.map((option) => String(option.number));
  return {
    agent_id: agentId,
    state: "waiting_approval",
    kind: screen.kind,
    rule: screen.rule,
    options,
    answer_keys: answerKeys,
    subject: subjectOf(screen.window),
  };
}

export type PeekMode =
  | { kind: "head"; count: number }
  | { kind: "tail"; count: number }
  | { kind: "search"; text: string; context: number };

export interface PeekBlock {
  /** 1-based number of the block's first line within the searched lines. */
  start_line: number;
  lines: string[];
}

export interface PeekSelection {
  blocks: PeekBlock[];
  /** Lines that contain the search text (search only). */
  matches: number;
  /** More match blocks were found than are shown. */
  truncated: boolean;
}

export const MAX_PEEK_BLOCKS = 5;

/** Lines without the blank ones at the end (a pane is padded to its height). */
export function trimTrailingBlank(lines: readonly string[]): string[] {
  let end = lines.length;
  while (end > 0 && (lines[end - 1] ?? "").trim() === "") end -= 1;
  return lines.slice(0, end);
}

/**
 * Head or tail: one block. Search: a block per match with `context` lines around it, case-insensitive; blocks that
 * overlap or touch are merged, and at most MAX_PEEK_BLOCKS are kept.
 */
export function selectScreenLines(lines: readonly string[], mode: PeekMode): PeekSelection {
  if (mode.kind === "head") {
    return { blocks: [{ start_line: 1, lines: lines.slice(0, mode.count) }], matches: 0, truncated: false };
  }
  if (mode.kind === "tail") {
    const start = Math.max(0, lines.length - mode.count);
    return { blocks: [{ start_line: start + 1, lines: lines.slice(start) }], matches: 0, truncated: false };
  }
  const needle = mode.text.toLowerCase();
  const hits = lines.flatMap((line, index) => (line.toLowerCase().includes(needle) ? [index] : []));
  const ranges: { from: number; to: number }[] = [];
  for (const hit of hits) {
    const from = Math.max(0, hit - mode.context);
    const to = Math.min(lines.length - 1, hit + mode.context);
    const last = ranges.at(-1);
    if (last !== undefined && from <= last.to + 1) last.to = Math.max(last.to, to);
    else ranges.push({ from, to });
  }
  return {
    blocks: ranges
      .slice(0, MAX_PEEK_BLOCKS)
      .map((range) => ({ start_line: range.from + 1, lines: lines.slice(range.from, range.to + 1) })),
    matches: hits.length,
    truncated: ranges.length > MAX_PEEK_BLOCKS,
  };
}
