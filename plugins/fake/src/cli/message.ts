/**
 * Reads what arrived in the input box: a rendered Team Agent message (spec 02 §3.1: header
 * `Team Agent message from <sender>[ for <task>]:`, blank line, content, blank line, `[team-agent-token:<id>]`)
 * or plain text someone typed.
 */

export interface IncomingMessage {
  /** The submitted text, line breaks normalised to `\n`. */
  text: string;
  rendered: boolean;
  sender: string | null;
  task: string | null;
  /** The message id from the token line; null when absent or `missing`. */
  token: string | null;
  /** The body between header and token line (the whole text when not rendered). */
  content: string;
}

const HEADER_RE = /^Team Agent message from (.+?)(?: for (\S+))?:$/u;
const TOKEN_RE = /^\[team-agent-token:([^\]\s]+)\]$/u;

export function parseIncoming(raw: string): IncomingMessage {
  // A terminal paste carries carriage returns (tmux turns line feeds into CRs when pasting).
  const text = raw.replace(/\r\n?/gu, "\n");
  const lines = text.split("\n");
  const first = lines.findIndex((line) => line.trim() !== "");
  let last = lines.length - 1;
  while (last > first && (lines[last] ?? "").trim() === "") last--;
  const header = first >= 0 ? HEADER_RE.exec((lines[first] ?? "").trim()) : null;
  const tokenLine = last > first ? TOKEN_RE.exec((lines[last] ?? "").trim()) : null;
  if (!header || !tokenLine) {
    return { text, rendered: false, sender: null, task: null, token: null, content: text.trim() };
  }
  const token = tokenLine[1] ?? null;
  return {
    text,
    rendered: true,
    sender: header[1] ?? null,
    task: header[2] ?? null,
    token: token === "missing" ? null : token,
    content: lines
      .slice(first + 1, last)
      .join("\n")
      .trim(),
  };
}
