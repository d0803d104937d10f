/**
 * Splits a tmux control-mode output stream into command replies. Every command's output arrives framed as
 * `%begin <time> <number> <flags>` … `%end|%error <time> <number> <flags>`; everything outside a frame is an
 * asynchronous notification (%output, %window-add, %session-changed, …) or stray client output, passed on as
 * such for the caller to ignore, except `%exit`, which announces that the connection is ending.
 */

export interface ControlReply {
  /** `%end` (true) or `%error` (false). */
  ok: boolean;
  /** The command's output lines, without the framing. */
  lines: string[];
  /** `1` for commands this client sent; `0` for tmux's own (the startup command, hooks). */
  flags: string;
  number: string;
}

export type ControlEvent =
  | { kind: "reply"; reply: ControlReply }
  | { kind: "exit"; reason: string }
  /** Any other line outside a frame: a notification such as `%session-changed $1 name`, or stray client output. */
  | { kind: "notification"; line: string };

const BEGIN = /^%begin (\d+) (\d+) (\d+)$/;

export class ControlStreamParser {
  private partial = "";
  private open: { guard: string; flags: string; number: string; lines: string[] } | null = null;

  /** Feeds decoded text; returns the replies and exit notices completed by it. */
  push(text: string): ControlEvent[] {
    const events: ControlEvent[] = [];
    const pieces = (this.partial + text).split("\n");
    this.partial = pieces.pop() ?? "";
    for (const line of pieces) {
      const event = this.line(line);
      if (event !== null) events.push(event);
    }
    return events;
  }

  private line(line: string): ControlEvent | null {
    const open = this.open;
    if (open !== null) {
      // Only the exact closing guard (same time and number) ends a frame, so output that merely looks like a
      // guard (a pane showing `%end …`) stays output.
      if (line === `%end ${open.guard}` || line === `%error ${open.guard}`) {
        this.open = null;
        return {
          kind: "reply",
          reply: { ok: line.startsWith("%end"), lines: open.lines, flags: open.flags, number: open.number },
        };
      }
      open.lines.push(line);
      return null;
    }
    const begin = BEGIN.exec(line);
    if (begin !== null) {
      this.open = { guard: `${begin[1]} ${begin[2]} ${begin[3]}`, number: begin[2]!, flags: begin[3]!, lines: [] };
      return null;
    }
    if (line === "%exit" || line.startsWith("%exit ")) return { kind: "exit", reason: line.slice(6) };
    return { kind: "notification", line };
  }
}
