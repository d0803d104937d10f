/**
 * Names we give tmux objects and the targets we build from them. tmux silently rewrites some names and resolves
 * targets loosely (prefix matches, indexes, ids), so a name is checked before it is used, and window targets are
 * built with `=` (exact match) on both parts.
 */
import { invalidTmuxInput } from "./errors.js";

/** C0 controls, DEL and C1 controls: they break line- and tab-separated output. */
function hasControlChar(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
/** A leading character tmux reads as an id (`$1`, `@2`, `%3`), a match mode (`=`), a special token or an option. */
const SIGIL_START = /^[$@%=~!^+{-]/;
const MAX_NAME = 200;

function checkCommon(what: string, name: string): void {
  if (name === "") throw invalidTmuxInput(what, name, "the name is empty");
  if (name.length > MAX_NAME) throw invalidTmuxInput(what, name, `longer than ${MAX_NAME} characters`);
  if (hasControlChar(name)) throw invalidTmuxInput(what, name, "contains a control character (tab, newline, …)");
  if (name.trim() !== name) throw invalidTmuxInput(what, name, "starts or ends with whitespace");
  if (SIGIL_START.test(name)) {
    throw invalidTmuxInput(what, name, "starts with a character tmux reads as an id, flag or special target");
  }
}

/** A session name tmux keeps as given: tmux turns `.` and `:` into `_`, so a later target would never match. */
export function assertSessionName(name: string): string {
  checkCommon("session name", name);
  if (/[.:]/.test(name)) {
    throw invalidTmuxInput(
      "session name",
      name,
      "contains `.` or `:`, which tmux rewrites to `_` (the session could never be found under this name)",
      "Replace `.` and `:` in the session name (for example with `-`) and retry.",
    );
  }
  return name;
}

/**
 * A window name a `=session:=window` target can reach: a `.` would be read as the pane separator, an all-digit
 * name as a window index. (`:` is fine: the first colon separates the session.)
 */
export function assertWindowName(name: string): string {
  checkCommon("window name", name);
  if (name.includes(".")) {
    throw invalidTmuxInput("window name", name, "contains `.`, which tmux reads as the window/pane separator");
  }
  if (/^\d+$/.test(name)) {
    throw invalidTmuxInput("window name", name, "is all digits, which tmux reads as a window index");
  }
  return name;
}

/** A paste-buffer name: no control characters, not empty. */
export function assertBufferName(name: string): string {
  if (name === "" || hasControlChar(name) || name.length > MAX_NAME) {
    throw invalidTmuxInput("buffer name", name, "must be 1-200 characters without control characters");
  }
  return name;
}

/** Name prefix of the utility sessions control-mode connections create (see control-transport.ts). */
export const CONTROL_SESSION_PREFIX = "team-agent-control-";

export function isControlSessionName(name: string): boolean {
  return name.startsWith(CONTROL_SESSION_PREFIX);
}

const PANE_ID = /^%\d+$/;

export function isPaneId(target: string): boolean {
  return PANE_ID.test(target);
}

/** `=session`: exactly this session, never a prefix of another. */
export function sessionTarget(session: string): string {
  return `=${assertSessionName(session)}`;
}

/** `=session:=window`: exactly this window of exactly this session (no prefix match, no fallback window). */
export function windowTarget(session: string, window: string): string {
  return `=${assertSessionName(session)}:=${assertWindowName(window)}`;
}

/**
 * Pane targets the client accepts: a pane id (`%12`), or `session[:window[.pane]]` with optional `=` marks.
 * Returns which pane of the listed window is meant (by id, by index, or the active one).
 */
export type PaneSelector = { paneId: string } | { paneIndex: number } | { active: true };

export function paneSelector(target: string): PaneSelector {
  if (isPaneId(target)) return { paneId: target };
  if (target === "" || hasControlChar(target)) throw invalidTmuxInput("target", target, "empty or has controls");
  const colon = target.indexOf(":");
  if (colon === -1) return { active: true };
  // Window names we build never contain `.`, so a `.N` suffix after the colon is a pane index.
  const pane = /\.(\d+)$/.exec(target.slice(colon + 1));
  return pane === null ? { active: true } : { paneIndex: Number(pane[1]) };
}
