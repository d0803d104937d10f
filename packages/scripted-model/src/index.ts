export {
  type Api,
  lastPrompt,
  type ModelRequest,
  promptsContaining,
  readRequest,
  TOOL_SEARCH,
  type Turn,
  toolLoaded,
  toolResultsSincePrompt,
} from "./request.js";
export { always, DEFAULT_REPLY, onPrompt, type Reply, type Rule, replyFor, type Script, stepOf } from "./script.js";
export {
  type LoggedRequest,
  type ScriptedModel,
  type ScriptedModelOptions,
  startScriptedModel,
} from "./server.js";
export { type ResolvedCall, resolveCall } from "./tool-call.js";
