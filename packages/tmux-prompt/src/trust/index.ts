// The workspace-trust policy (D8): decide from the screen, answer only the team's own workspace, once per screen.
export {
  answerTrustPrompt,
  type TrustAnswerOutcome,
  type TrustClient,
  type TrustContext,
  waitForTrustDismissed,
} from "./answer.js";
export { processTrustMemory, screenHash, TrustAnswerMemory, type TrustMemoryOptions } from "./memory.js";
export { isTrustingLabel, type KeyPlan, planTrustKeys, type ShownOption } from "./options.js";
export { canonicalPath, matchShownPath, type PathMatch, type PathMatchOptions, type RealpathFn } from "./paths.js";
export { decideTrustAnswer, type TrustDecision, type TrustDecisionInput, type TrustRefusalReason } from "./policy.js";
