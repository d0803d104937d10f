import { describe, expect, it } from "vitest";
import { InputDecoder, type InputEvent } from "../../src/cli/keys.js";
import { waitFor } from "../helpers/env.js";

function decode(...chunks: string[]): InputEvent[] {
  const events: InputEvent[] = [];
  const decoder = new InputDecoder((event) => events.push(event));
  for (const chunk of chunks) decoder.feed(chunk);
  decoder.dispose();
  return events;
}

describe("InputDecoder", () => {
  it("splits keys: Enter, Ctrl-J, arrows (CSI and SS3), backspace, Ctrl-C, text", () => {
    expect(decode("a\r\n\x1b[A\x1bOB\x7f\x03é")).toEqual([
      { type: "key", name: "char", text: "a" },
      { type: "key", name: "enter" },
      { type: "key", name: "newline" },
      { type: "key", name: "up" },
      { type: "key", name: "down" },
      { type: "key", name: "backspace" },
      { type: "key", name: "ctrl-c" },
      { type: "key", name: "char", text: "é" },
    ]);
  });

  it("collects a bracketed paste even when its markers are split across reads", () => {
    expect(decode("\x1b[20", "0~line 1\rline", " 2\x1b[2", "01~\r")).toEqual([
      { type: "paste", text: "line 1\rline 2" },
      { type: "key", name: "enter" },
    ]);
  });

  it("a paste is text, not keys: escape sequences inside it are kept verbatim", () => {
    expect(decode("\x1b[200~a\x1b[Ab\x1b[201~")).toEqual([{ type: "paste", text: "a\x1b[Ab" }]);
  });

  it("a lone ESC becomes the Esc key after a short wait", async () => {
    const events: InputEvent[] = [];
    const decoder = new InputDecoder((event) => events.push(event));
    decoder.feed("\x1b");
    expect(events).toEqual([]);
    await waitFor(() => events.length > 0, "the Esc key", 1_000);
    expect(events).toEqual([{ type: "key", name: "escape" }]);
  });

  it("ESC followed by a non-sequence byte is Esc, then that key", () => {
    expect(decode("\x1bx")).toEqual([
      { type: "key", name: "escape" },
      { type: "key", name: "char", text: "x" },
    ]);
  });
});
