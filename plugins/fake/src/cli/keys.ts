/**
 * Terminal input → keys and pastes. Raw mode delivers bytes: keys as characters or escape sequences, and a
 * bracketed paste as `ESC[200~ … ESC[201~` (possibly split over several reads). A lone ESC is the Esc key once
 * nothing follows it for a moment.
 */

export type KeyName =
  | "enter"
  | "newline"
  | "up"
  | "down"
  | "left"
  | "right"
  | "backspace"
  | "escape"
  | "ctrl-c"
  | "ctrl-d"
  | "tab"
  | "char";

export type InputEvent = { type: "key"; name: KeyName; text?: string } | { type: "paste"; text: string };

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal sequences start with ESC.
const CSI_RE = /^\x1b\[[0-?]*[ -/]*[@-~]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: SS3 arrows (application cursor mode) start with ESC O.
const SS3_RE = /^\x1bO[A-D]/u;
const ARROWS: Record<string, KeyName> = { A: "up", B: "down", C: "right", D: "left" };
/** How long a lone ESC waits for the rest of a sequence before it counts as the Esc key. */
export const ESC_WAIT_MS = 40;

export class InputDecoder {
  private pending = "";
  private paste: string | null = null;
  private escTimer: NodeJS.Timeout | undefined;

  constructor(private readonly emit: (event: InputEvent) => void) {}

  feed(chunk: string): void {
    if (this.escTimer) {
      clearTimeout(this.escTimer);
      this.escTimer = undefined;
    }
    this.pending += chunk;
    this.drain();
  }

  dispose(): void {
    clearTimeout(this.escTimer);
  }

  private drain(): void {
    while (this.pending.length > 0) {
      if (this.paste !== null) {
        if (!this.drainPaste()) return;
        continue;
      }
      if (this.pending.startsWith("\x1b")) {
        if (!this.drainEscape()) return;
        continue;
      }
      const ch = String.fromCodePoint(this.pending.codePointAt(0) ?? 0);
      this.pending = this.pending.slice(ch.length);
      this.emit(plainKey(ch));
    }
  }

  /** Collects paste text; false while the end marker has not arrived yet. */
  private drainPaste(): boolean {
    const end = this.pending.indexOf(PASTE_END);
    if (end < 0) {
      // Keep a possibly split end marker for the next read.
      let keep = 0;
      for (let n = Math.min(PASTE_END.length - 1, this.pending.length); n > 0; n--) {
        if (PASTE_END.startsWith(this.pending.slice(-n))) {
          keep = n;
          break;
        }
      }
      this.paste += this.pending.slice(0, this.pending.length - keep);
      this.pending = this.pending.slice(this.pending.length - keep);
      return false;
    }
    const text = this.paste + this.pending.slice(0, end);
    this.pending = this.pending.slice(end + PASTE_END.length);
    this.paste = null;
    this.emit({ type: "paste", text });
    return true;
  }

  /** Consumes one escape sequence; false when it may still be incomplete. */
  private drainEscape(): boolean {
    if (this.pending.startsWith(PASTE_START)) {
      this.pending = this.pending.slice(PASTE_START.length);
      this.paste = "";
      return true;
    }
    const incomplete = PASTE_START.startsWith(this.pending) || this.pending === "\x1bO";
    if (incomplete) {
      this.escTimer = setTimeout(() => {
        this.escTimer = undefined;
        this.pending = "";
        this.emit({ type: "key", name: "escape" });
      }, ESC_WAIT_MS);
      return false;
    }
    if (this.pending[1] === "\r") {
      this.pending = this.pending.slice(2);
      this.emit({ type: "key", name: "newline" });
      return true;
    }
    const sequence = CSI_RE.exec(this.pending)?.[0] ?? SS3_RE.exec(this.pending)?.[0];
    if (sequence) {
      this.pending = this.pending.slice(sequence.length);
      const arrow = sequence.length === 3 ? ARROWS[sequence.slice(-1)] : undefined;
      if (arrow) this.emit({ type: "key", name: arrow });
      return true;
    }
    this.pending = this.pending.slice(1);
    this.emit({ type: "key", name: "escape" });
    return true;
  }
}

function plainKey(ch: string): InputEvent {
  switch (ch) {
    case "\r":
      return { type: "key", name: "enter" };
    case "\n":
      return { type: "key", name: "newline" };
    case "\x7f":
    case "\b":
      return { type: "key", name: "backspace" };
    case "\x03":
      return { type: "key", name: "ctrl-c" };
    case "\x04":
      return { type: "key", name: "ctrl-d" };
    case "\t":
      return { type: "key", name: "tab" };
    default:
      return { type: "key", name: "char", text: ch };
  }
}
