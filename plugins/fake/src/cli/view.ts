/**
 * The fake agent's screens as lines of text (pure; the terminal code only writes them). Three modes:
 * - trust: a Claude Code–like folder-trust menu whose highlighted default exits;
 * - input: title, conversation, busy line while a turn is open, the `❯` input box, a footer;
 * - approval: the conversation with a numbered "Do you want to proceed?" menu in place of the input box.
 */
import { FAKE_TEXT } from "../screens.js";
import { printable, textWidth, wrapChars, wrapWords } from "./text.js";

export type HistoryEntry =
  | { kind: "user"; text: string }
  | { kind: "reply"; text: string }
  | { kind: "tool"; name: string; detail: string }
  | { kind: "notice"; text: string }
  | { kind: "json"; text: string };

export interface View {
  mode: "trust" | "input" | "approval";
  columns: number;
  rows: number;
  agentId: string;
  workspace: string;
  /** 0 = "No, exit", 1 = "Yes, I trust this folder". */
  trustHighlight: number;
  /** 0 = Yes, 1 = No. */
  approvalHighlight: number;
  approvalTool: string;
  history: readonly HistoryEntry[];
  busy: boolean;
  /** The input box's text as shown (collapsed pastes already replaced by their placeholders). */
  draft: string;
  queued: readonly string[];
}

/** Lines of a submitted message shown in the conversation before it is cut short. */
const USER_LINES_SHOWN = 4;

function fit(line: string, width: number): string {
  return wrapChars(line, Math.max(1, width))[0] ?? "";
}

/** `first` before the first row, `rest` before the others; prose wrapped at words. */
function block(text: string, width: number, first: string, rest: string, words = true): string[] {
  const inner = Math.max(1, width - textWidth(first));
  const rows = printable(text)
    .split("\n")
    .flatMap((line) => (words ? wrapWords(line, inner) : wrapChars(line, inner)));
  return rows.map((row, index) => `${index === 0 ? first : rest}${row}`);
}

function historyLines(entry: HistoryEntry, width: number): string[] {
  switch (entry.kind) {
    case "user": {
      const lines = entry.text.split("\n");
      const shown = lines.slice(0, USER_LINES_SHOWN).join("\n");
      const more = lines.length > USER_LINES_SHOWN ? [`  … +${lines.length - USER_LINES_SHOWN} more lines`] : [];
      return ["", ...block(shown, width, `${FAKE_TEXT.prompt} `, "  ", false), ...more];
    }
    case "reply":
      return ["", ...block(entry.text, width, `${FAKE_TEXT.replyGlyph} `, "  ")];
    case "tool":
      return [
        "",
        `${FAKE_TEXT.replyGlyph} ${entry.name}`,
        ...block(entry.detail, width, `  ${FAKE_TEXT.noticeGlyph}  `, "     "),
      ];
    case "notice":
      return block(entry.text, width, `  ${FAKE_TEXT.noticeGlyph}  `, "     ");
    case "json":
      return block(entry.text, width, "  ", "  ", false);
  }
}

function trustLines(view: View, width: number): string[] {
  const option = (index: number, label: string) =>
    `${index === view.trustHighlight ? ` ${FAKE_TEXT.prompt}` : "  "} ${label}`;
  return [
    "─".repeat(width),
    ` ${FAKE_TEXT.trustHeading}`,
    "",
    // A path longer than the pane wraps onto the next rows, as Claude Code shows it.
    ...block(view.workspace, width, " ", " ", false),
    "",
    ...block(`${FAKE_TEXT.trustQuestion} ${FAKE_TEXT.trustDetail}`, width, " ", " "),
    "",
    option(0, FAKE_TEXT.trustDecline),
    option(1, FAKE_TEXT.trustAccept),
    "",
    ` ${FAKE_TEXT.menuFooter}`,
  ];
}

function approvalLines(view: View, width: number): string[] {
  const option = (index: number, label: string) =>
    `${index === view.approvalHighlight ? ` ${FAKE_TEXT.prompt}` : "  "} ${index + 1}. ${label}`;
  return [
    "─".repeat(width),
    " Tool use",
    ...block(view.approvalTool, width, "   ", "   ", false),
    "",
    ` ${FAKE_TEXT.approvalQuestion}`,
    option(0, FAKE_TEXT.approvalYes),
    option(1, FAKE_TEXT.approvalNo),
    "",
    " Esc to cancel",
  ];
}

function inputBox(view: View, width: number, maxRows: number): string[] {
  const rows = block(view.draft, width, `${FAKE_TEXT.prompt} `, "  ", false);
  // A draft taller than the room keeps its last rows (where a message's token line is).
  const shown = rows.slice(-Math.max(1, maxRows));
  if (shown.length < rows.length) shown[0] = `${FAKE_TEXT.prompt} ${shown[0]?.slice(2) ?? ""}`;
  return ["─".repeat(width), ...shown, "─".repeat(width)];
}

export function renderView(view: View): string[] {
  const width = Math.max(10, view.columns - 1);
  const rows = Math.max(5, view.rows);
  let lines: string[];
  if (view.mode === "trust") {
    lines = trustLines(view, width);
  } else {
    const top = [` ${FAKE_TEXT.title} · ${view.agentId}`, ...block(view.workspace, width, "   ", "   ", false)];
    const queued = view.queued.map(
      (text) => `  ${FAKE_TEXT.noticeGlyph}  queued: ${fit(printable(text.split("\n")[0] ?? ""), width - 14)}`,
    );
    const busy = view.busy && view.mode === "input" ? [FAKE_TEXT.busy] : [""];
    const bottom =
      view.mode === "approval"
        ? approvalLines(view, width)
        : [
            ...inputBox(view, width, rows - top.length - 6),
            `  ${view.busy ? FAKE_TEXT.footerBusy : FAKE_TEXT.footerIdle}`,
          ];
    // The conversation fills what is left, newest lines at the bottom; older ones scroll out of the frame.
    const room = Math.max(0, rows - top.length - busy.length - queued.length - bottom.length);
    const all = view.history.flatMap((entry) => historyLines(entry, width));
    const conversation = room > 0 ? all.slice(-room) : [];
    const padding = Array.from({ length: room - conversation.length }, () => "");
    lines = [...top, ...conversation, ...padding, ...queued, ...busy, ...bottom];
  }
  const screen = lines.slice(-rows).map((line) => fit(line, width));
  while (screen.length < rows) screen.push("");
  return screen;
}
