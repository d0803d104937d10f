/**
 * The turn state is read from the end of a transcript only: the last lifecycle fact is all that matters, and
 * transcripts grow without bound. Callers do the I/O; these helpers say which bytes to read and how to turn them
 * into text.
 */

/** How much of a transcript's end is read (128 KiB). A lifecycle fact older than this reads as `unknown`. */
export const TURN_STATE_TAIL_BYTES = 131072;

export interface TailWindow {
  /** Byte offset to start reading at. */
  position: number;
  /** Bytes to read. */
  length: number;
  /** True when the window starts inside the file, so its first line is probably partial. */
  truncated: boolean;
}

/** Which bytes of a file of `fileSize` bytes to read. */
export function turnStateTailWindow(fileSize: number, tailBytes: number = TURN_STATE_TAIL_BYTES): TailWindow {
  const size = Math.max(0, Math.floor(fileSize));
  const length = Math.min(size, Math.max(0, Math.floor(tailBytes)));
  return { position: size - length, length, truncated: length < size };
}

/**
 * Text of a transcript tail. When the bytes were `truncated` (read from inside the file), everything up to and
 * including the first newline is dropped: it is the end of a line whose start was not read, so parsing it would
 * only produce a bogus diagnostic. Bytes longer than `tailBytes` are cut to their last `tailBytes` first. Invalid
 * UTF-8 becomes U+FFFD instead of failing the read.
 */
export function tailForTurnState(
  bytes: Uint8Array,
  options: { truncated: boolean; tailBytes?: number } = { truncated: false },
): string {
  const limit = options.tailBytes ?? TURN_STATE_TAIL_BYTES;
  let view = bytes;
  let truncated = options.truncated;
  if (view.length > limit) {
    view = view.subarray(view.length - limit);
    truncated = true;
  }
  if (truncated) {
    const newline = view.indexOf(0x0a);
    view = newline === -1 ? view.subarray(view.length) : view.subarray(newline + 1);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(view);
}
