// Verified message delivery: the pre-paste gate, the paste/verify/submit protocol, and D4 delivery on the store.
export { type DeliverClient, type DeliverParams, type DeliverResult, deliverMessage } from "./deliver.js";
export { type GateClient, type GateOptions, type GateResult, prePasteGate } from "./gate.js";
export {
  historyLinesFor,
  type InjectAttempt,
  type InjectClient,
  type InjectOptions,
  type InjectResult,
  type InjectStage,
  type InjectTiming,
  injectText,
  neutralizeControlCharacters,
} from "./inject.js";
export { extractToken, type RenderableMessage, renderMessage, tokenLine } from "./render.js";
export { DEFAULT_PASTE_STRATEGY, type PasteStrategy } from "./types.js";
