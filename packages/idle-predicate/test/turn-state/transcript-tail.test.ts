import { describe, expect, it } from "vitest";
import { TURN_STATE_TAIL_BYTES, tailForTurnState, turnStateTailWindow } from "../../src/transcript-tail.js";
import { readTurnState } from "../../src/turn-state.js";
import { jsonl, line, testReader } from "../fixtures/test-reader.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("turnStateTailWindow", () => {
  it("reads a small file whole and the last 128 KiB of a large one", () => {
    expect(TURN_STATE_TAIL_BYTES).toBe(131072);
    expect(turnStateTailWindow(500)).toEqual({ position: 0, length: 500, truncated: false });
    expect(turnStateTailWindow(131072)).toEqual({ position: 0, length: 131072, truncated: false });
    expect(turnStateTailWindow(200_000)).toEqual({ position: 200_000 - 131072, length: 131072, truncated: true });
    expect(turnStateTailWindow(0)).toEqual({ position: 0, length: 0, truncated: false });
  });
});

describe("tailForTurnState", () => {
  it("keeps everything when the window was not cut", () => {
    expect(tailForTurnState(bytes('{"a":1}\n{"b":2}\n'), { truncated: false })).toBe('{"a":1}\n{"b":2}\n');
  });

  it("drops the partial first line when the window was cut", () => {
    expect(tailForTurnState(bytes('":"tail of a line"}\n{"b":2}\n'), { truncated: true })).toBe('{"b":2}\n');
  });

  it("a cut window without any newline is all one partial line", () => {
    expect(tailForTurnState(bytes('{"partial":'), { truncated: true })).toBe("");
  });

  it("decodes invalid UTF-8 leniently, including a multi-byte character split by the cut", () => {
    const text = 'é-prefix\n{"note":"naïve"}\n';
    const encoded = bytes(text);
    const cut = encoded.subarray(1); // starts in the middle of "é"
    expect(tailForTurnState(cut, { truncated: true })).toBe('{"note":"naïve"}\n');
    expect(tailForTurnState(Uint8Array.from([0x7b, 0xff, 0x7d]), { truncated: false })).toBe("{\uFFFD}");
  });

  it("cuts bytes longer than the window to their last tailBytes first, then drops the partial line", () => {
    const text = `${"x".repeat(50)}\n${"y".repeat(20)}\n`;
    expect(tailForTurnState(bytes(text), { truncated: false, tailBytes: 30 })).toBe(`${"y".repeat(20)}\n`);
    expect(tailForTurnState(bytes(text), { truncated: false, tailBytes: 72 })).toBe(text);
    // A cut that happens to land on a line start still loses that line: the bytes cannot tell the two apart.
    expect(tailForTurnState(bytes(text), { truncated: false, tailBytes: 21 })).toBe("");
  });

  it("a lifecycle fact older than the 128 KiB window reads unknown", () => {
    const metadata = line("meta", undefined, { pad: "m".repeat(200) });
    const lines = [line("open", "t1"), line("done", "t1")];
    while (lines.join("\n").length < TURN_STATE_TAIL_BYTES + 10_000) lines.push(metadata);
    const file = bytes(jsonl(...lines));
    const window = turnStateTailWindow(file.length);
    const text = tailForTurnState(file.subarray(window.position), { truncated: window.truncated });
    expect(readTurnState(testReader, text)).toMatchObject({ state: "unknown", reason: "no_turn_lifecycle_fact" });
    // The same fact inside the window is found.
    expect(readTurnState(testReader, new TextDecoder().decode(file)).state).toBe("idle");
  });
});
