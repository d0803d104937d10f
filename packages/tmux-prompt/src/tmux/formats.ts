/**
 * tmux format strings we ask for and their strict parsers. Fields are tab-separated; a name containing a tab
 * would shift every later field, so a row with the wrong number of fields is rejected, never guessed at.
 */

/** The pane description fields, in order (spec §1.5). */
export const PANE_FIELDS = [
  "pane_id",
  "session_name",
  "window_index",
  "window_name",
  "pane_index",
  "pane_tty",
  "pane_current_command",
  "pane_active",
  "pane_current_path",
  "session_attached",
  "pane_in_mode",
] as const;

export const PANE_FORMAT = formatOf(PANE_FIELDS);

/** `#{a}\t#{b}…` for the given variables. */
export function formatOf(fields: readonly string[]): string {
  return fields.map((field) => `#{${field}}`).join("\t");
}

export interface PaneInfo {
  paneId: string;
  sessionName: string;
  windowIndex: number;
  windowName: string;
  paneIndex: number;
  paneTty: string;
  paneCurrentCommand: string;
  paneActive: boolean;
  /** Null when the row had only the first eight fields. */
  paneCurrentPath: string | null;
  sessionAttached: number | null;
  paneInMode: boolean | null;
}

/** tmux flag truthiness: an integer > 0, otherwise any non-empty string other than "0". */
export function isTruthyFlag(value: string): boolean {
  const trimmed = value.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed) > 0;
  return trimmed !== "";
}

/** Splits a row into exactly one of the allowed field counts; null when it has any other count. */
export function splitRow(line: string, allowedCounts: readonly number[]): string[] | null {
  const fields = line.split("\t");
  return allowedCounts.includes(fields.length) ? fields : null;
}

const toIndex = (text: string): number | null => (/^\d+$/.test(text) ? Number(text) : null);

/** One PANE_FORMAT row: 8 fields (up to pane_active), 10 (+ path, attached) or 11 (+ in_mode); else null. */
export function parsePaneInfoLine(line: string): PaneInfo | null {
  const fields = splitRow(line, [8, 10, 11]);
  if (fields === null) return null;
  const [paneId, sessionName, windowIndex, windowName, paneIndex, paneTty, command, active, path, attached, inMode] =
    fields as [string, string, string, string, string, string, string, string, ...(string | undefined)[]];
  const window = toIndex(windowIndex);
  const pane = toIndex(paneIndex);
  if (!/^%\d+$/.test(paneId) || window === null || pane === null) return null;
  return {
    paneId,
    sessionName,
    windowIndex: window,
    windowName,
    paneIndex: pane,
    paneTty,
    paneCurrentCommand: command,
    paneActive: isTruthyFlag(active),
    paneCurrentPath: path ?? null,
    sessionAttached: attached === undefined ? null : (toIndex(attached) ?? 0),
    paneInMode: inMode === undefined ? null : isTruthyFlag(inMode),
  };
}

/** `#{pane_mode}`: "" or "0" means no mode; "1" (older tmux) means copy-mode; otherwise the mode's name. */
export function normalizePaneMode(value: string): string | null {
  const mode = value.trim();
  if (mode === "" || mode === "0") return null;
  return mode === "1" ? "copy-mode" : mode;
}
