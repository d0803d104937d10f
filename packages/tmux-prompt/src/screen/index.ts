/** Public surface of the pure screen layer (string in, result out; no tmux). */
export { classifyScreen } from "./classify.js";
export { captureContainsFragment, containsToken, strongFragments } from "./fragments.js";
export { lastNonBlankLines, screenWindow, splitLines, stripAnsi, WINDOW_SIZE } from "./normalise.js";
export { findPastePlaceholders, newPlaceholders } from "./placeholders.js";
export type {
  ClassifyOptions,
  ScreenClassification,
  ScreenKind,
  ScreenNotice,
  ScreenSignatures,
} from "./types.js";
export { BLOCKING_KINDS } from "./types.js";
