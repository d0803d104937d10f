/**
 * Puts one text into a pane's input box and submits it, proving each step on screen (spec 3.2, adapted):
 * gate → baseline capture → load-buffer (stdin) → paste-buffer → delete-buffer (always) → visible? → submit key →
 * submitted? Bounded attempts; every attempt is recorded and returned.
 *
 * Captures include history in proportion to the message's length and evidence is counted over the whole capture,
 * so a long message whose token line has scrolled up is still recognised and never pasted a second time.
 */
import type { ScreenClassification } from "../screen/types.js";
import type { TmuxClient } from "../tmux/client.js";
import {
  type Evidence,
  type Probes,
  placeholderCount,
  probesFor,
  probesInInput,
  proofOfPaste,
  readEvidence,
  type Signatures,
} from "./evidence.js";
import { type GateClient, prePasteGate } from "./gate.js";
import { pollUntil, sleep } from "./poll.js";
import { extractToken } from "./render.js";
import { DEFAULT_PASTE_STRATEGY, type PasteStrategy } from "./types.js";

export type InjectClient = GateClient & Pick<TmuxClient, "loadBuffer" | "pasteBuffer" | "deleteBuffer">;

export type InjectStage =
  | "pre-paste-gate"
  | "pre-paste-capture"
  | "load-buffer"
  | "paste-buffer"
  | "visible-check"
  | "send-keys"
  | "submit-verification"
  | "submitted";

export interface InjectAttempt {
  attempt: number;
  stage: InjectStage;
  outcome: "refused" | "failed" | "invisible" | "submitted" | "not_submitted";
  verification: string;
  buffer?: string;
  bufferDeleted?: boolean;
  /** The paste of an earlier attempt showed up late, so this attempt pasted nothing. */
  reusedEarlierPaste?: boolean;
  reason?: string;
  detected?: string;
  recoveredFromMode?: string;
  submitPresses?: number;
  error?: string;
  elapsedMs: number;
}

export interface InjectResult {
  ok: boolean;
  stage: InjectStage;
  /** Why it failed: the gate's reason (a blocking screen kind, `tmux_target_missing`, …) or the stage's. */
  reason?: string;
  verification: string;
  submitVerification?: string;
  visible: boolean;
  submitted: boolean;
  /** False when the submit key was sent but the screen showed no input box to prove it on. */
  submitVerified: boolean;
  detected?: string;
  /** The gate's reading of the screen when it refused (the trust policy needs it). */
  classification?: ScreenClassification;
  paneMode?: string;
  paneCaptureTail?: string[];
  error?: string;
  attempts: InjectAttempt[];
  submitPresses: number;
}

export interface InjectTiming {
  pollIntervalMs: number;
  /** How long to wait for a paste to show; default from the text's size (3–30 s). */
  visibleTimeoutMs: number;
  /** How long to wait after each submit press; default from the text's size (2–15 s). */
  settleTimeoutMs: number;
  modeClearTimeoutMs: number;
}

export interface InjectOptions {
  /** Buffer name stem; the attempt number is appended so every paste uses its own buffer. */
  bufferName: string;
  strategy?: PasteStrategy;
  signatures?: Signatures;
  /** The delivery token; default the `[team-agent-token:…]` id found in the text. */
  token?: string;
  attempts?: number;
  /** Skip the pre-paste gate (only for keystrokes the caller has already judged safe). */
  bypassGate?: boolean;
  paneWidth?: number;
  timing?: Partial<InjectTiming>;
  /** Called once, after the first successful paste. */
  onPasted?: (attempt: number) => void;
  /** Called once, when the paste is proven visible. */
  onVisible?: (verification: string) => void;
}

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

function defaultTiming(bytes: number, given: Partial<InjectTiming> = {}): InjectTiming {
  return {
    pollIntervalMs: given.pollIntervalMs ?? 100,
    visibleTimeoutMs: given.visibleTimeoutMs ?? clamp((bytes / 25_000) * 1000, 3_000, 30_000),
    settleTimeoutMs: given.settleTimeoutMs ?? clamp((bytes / 50_000) * 1000, 2_000, 15_000),
    modeClearTimeoutMs: given.modeClearTimeoutMs ?? 3_000,
  };
}

/**
 * Message text is data, never keystrokes: an ESC inside it could end the bracketed paste early (`ESC[201~`) and
 * turn the rest into key presses in the agent's CLI. ESC and the other C0/C1 controls (except tab and line breaks)
 * become visible Unicode control pictures.
 */
export function neutralizeControlCharacters(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? "\u2421" : "\ufffd";
  });
}

/** History lines to capture: enough for the whole message to be on it even if the pane printed all of it. */
export function historyLinesFor(text: string): number {
  let lines = 1;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines++;
  return Math.min(20_000, 2 * lines + 100);
}

interface Context {
  client: InjectClient;
  target: string;
  strategy: PasteStrategy;
  signatures: Signatures;
  probes: Probes;
  history: number;
  timing: InjectTiming;
}

async function captureEvidence(ctx: Context): Promise<{ text: string; evidence: Evidence } | { error: string }> {
  const capture = await ctx.client.capturePane(ctx.target, { start: -ctx.history });
  if (!capture.ok) return { error: capture.error ?? "tmux capture-pane failed" };
  return { text: capture.text, evidence: readEvidence(capture.text, ctx.probes, ctx.signatures) };
}

type Proof = { verification: string; placeholder?: string };

/** Polls captures until one proves a paste the `baseline` did not show, or the timeout passes. */
function waitForPaste(ctx: Context, baseline: Evidence, timeoutMs: number): Promise<Proof | undefined> {
  return pollUntil(
    async () => {
      const now = await captureEvidence(ctx);
      return "error" in now ? undefined : proofOfPaste(baseline, now.evidence);
    },
    { timeoutMs, intervalMs: ctx.timing.pollIntervalMs },
  );
}

/** load-buffer (stdin) then paste-buffer; the buffer is deleted whatever happened. */
async function pasteThroughBuffer(
  ctx: Context,
  buffer: string,
  text: string,
): Promise<
  | { ok: true; deleted: boolean }
  | { ok: false; deleted: boolean; failure: { stage: InjectStage; verification: string; error: string } }
> {
  let failure: { stage: InjectStage; verification: string; error: string } | undefined;
  let deleted = false;
  try {
    const loaded = await ctx.client.loadBuffer(buffer, text);
    if (!loaded.ok) {
      failure = { stage: "load-buffer", verification: "load_buffer_failed", error: loaded.error ?? "" };
    } else {
      const pasted = await ctx.client.pasteBuffer(ctx.target, buffer, { bracketed: ctx.strategy.bracketed });
      if (!pasted.ok)
        failure = { stage: "paste-buffer", verification: "paste_buffer_failed", error: pasted.error ?? "" };
    }
  } finally {
    // Always: a buffer left behind could be pasted into a later session by anyone.
    deleted = (await ctx.client.deleteBuffer(buffer)).ok;
  }
  return failure ? { ok: false, deleted, failure } : { ok: true, deleted };
}

interface SubmitOutcome {
  ok: boolean;
  stage: InjectStage;
  verification: string;
  presses: number;
  verified: boolean;
  error?: string;
}

/** Presses the submit key until the screen shows the paste left the input box (bounded). */
async function submit(ctx: Context, placeholder: string | undefined): Promise<SubmitOutcome> {
  const { client, target, strategy, timing } = ctx;
  const key = strategy.submitKey;
  const maxPresses = Math.max(1, strategy.maxSubmitPresses);
  const sendFailed = (presses: number, error: string | null): SubmitOutcome => ({
    ok: false,
    stage: "send-keys",
    verification: "send_keys_failed",
    presses,
    verified: false,
    error: error ?? "",
  });
  if (strategy.delayBeforeSubmitMs > 0) await sleep(strategy.delayBeforeSubmitMs);
  const before = await client.capturePane(target, { start: -ctx.history });
  const beforeText = before.ok ? before.text : "";

  // What "submitted" looks like: the placeholder count drops, or the input box no longer holds the text.
  let gone: (capture: string) => boolean;
  let cleared: string;
  let stuck: string;
  const shownPlaceholders = placeholder === undefined ? 0 : placeholderCount(beforeText, placeholder, ctx.signatures);
  const held = probesInInput(beforeText, ctx.probes, ctx.signatures);
  if (placeholder !== undefined && shownPlaceholders > 0) {
    gone = (capture) => placeholderCount(capture, placeholder, ctx.signatures) < shownPlaceholders;
    cleared = "pasted_content_prompt_absent_after_submit";
    stuck = "pasted_content_prompt_still_present_after_retries";
  } else if (held !== undefined && held.length > 0) {
    gone = (capture) => {
      const now = probesInInput(capture, ctx.probes, ctx.signatures);
      return now !== undefined && !held.some((probe) => now.includes(probe));
    };
    cleared = "input_cleared_after_submit";
    stuck = "input_still_holds_text_after_retries";
  } else {
    // No input box to prove it on: one press, reported as unverified.
    const sent = await client.sendKeys(target, [key]);
    if (!sent.ok) return sendFailed(0, sent.error);
    return { ok: true, stage: "submitted", verification: `${key}_sent_input_not_located`, presses: 1, verified: false };
  }

  for (let press = 1; press <= maxPresses; press++) {
    const sent = await client.sendKeys(target, [key]);
    if (!sent.ok) return sendFailed(press - 1, sent.error);
    const done = await pollUntil(
      async () => {
        const capture = await client.capturePane(target, { start: -ctx.history });
        return capture.ok && gone(capture.text) ? true : undefined;
      },
      { timeoutMs: timing.settleTimeoutMs, intervalMs: timing.pollIntervalMs },
    );
    if (done) return { ok: true, stage: "submitted", verification: cleared, presses: press, verified: true };
  }
  return { ok: false, stage: "submit-verification", verification: stuck, presses: maxPresses, verified: false };
}

function tailOf(classification: ScreenClassification | undefined): string[] | undefined {
  return classification?.window.length ? classification.window : undefined;
}

export async function injectText(
  client: InjectClient,
  target: string,
  rawText: string,
  options: InjectOptions,
): Promise<InjectResult> {
  const text = neutralizeControlCharacters(rawText);
  const strategy = options.strategy ?? DEFAULT_PASTE_STRATEGY;
  const signatures = options.signatures ?? [];
  const bytes = Buffer.byteLength(text, "utf8");
  const timing = defaultTiming(bytes, options.timing);
  const attempts: InjectAttempt[] = [];

  if (text === "") {
    // Nothing to paste: an empty buffer would not even be created. Just the key.
    const started = Date.now();
    const sent = await client.sendKeys(target, [strategy.submitKey]);
    const verification = sent.ok ? "empty_text_send_keys" : "send_keys_failed";
    attempts.push({
      attempt: 1,
      stage: sent.ok ? "submitted" : "send-keys",
      outcome: sent.ok ? "submitted" : "failed",
      verification,
      ...(sent.ok ? {} : { error: sent.error ?? "" }),
      elapsedMs: Date.now() - started,
    });
    return {
      ok: sent.ok,
      stage: sent.ok ? "submitted" : "send-keys",
      verification,
      ...(sent.ok ? { submitVerification: `${strategy.submitKey}_sent_direct` } : { error: sent.error ?? "" }),
      visible: sent.ok,
      submitted: sent.ok,
      submitVerified: false,
      attempts,
      submitPresses: sent.ok ? 1 : 0,
    };
  }

  const token = options.token ?? extractToken(text);
  const ctx: Context = {
    client,
    target,
    strategy,
    signatures,
    probes: probesFor(text, token),
    history: historyLinesFor(text),
    timing,
  };
  const canProve = ctx.probes.token !== undefined || ctx.probes.fragments.length > 0;
  const maxAttempts = Math.max(1, options.attempts ?? 3);
  let firstBaseline: Evidence | undefined;
  let lastVerification = "not_attempted";
  let lastStage: InjectStage = "visible-check";
  let lastError: string | undefined;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const started = Date.now();
    const record = (entry: Omit<InjectAttempt, "attempt" | "elapsedMs">): InjectAttempt => {
      const full = { attempt, ...entry, elapsedMs: Date.now() - started };
      attempts.push(full);
      lastStage = entry.stage;
      lastVerification = entry.verification;
      lastError = entry.error;
      return full;
    };

    let recoveredFromMode: string | undefined;
    if (!options.bypassGate) {
      const gate = await prePasteGate(client, target, {
        signatures,
        historyLines: 30,
        modeClearTimeoutMs: timing.modeClearTimeoutMs,
        pollIntervalMs: timing.pollIntervalMs,
        ...(options.paneWidth !== undefined ? { paneWidth: options.paneWidth } : {}),
      });
      if (!gate.ok) {
        record({
          stage: "pre-paste-gate",
          outcome: "refused",
          verification: gate.verification,
          reason: gate.reason,
          ...(gate.detected !== undefined ? { detected: gate.detected } : {}),
          ...(gate.error !== undefined ? { error: gate.error } : {}),
        });
        const tail = tailOf(gate.classification);
        return {
          ok: false,
          stage: "pre-paste-gate",
          reason: gate.reason,
          verification: gate.verification,
          visible: false,
          submitted: false,
          submitVerified: false,
          ...(gate.detected !== undefined ? { detected: gate.detected } : {}),
          ...(gate.classification !== undefined ? { classification: gate.classification } : {}),
          ...(gate.paneMode !== undefined ? { paneMode: gate.paneMode } : {}),
          ...(tail !== undefined ? { paneCaptureTail: tail } : {}),
          ...(gate.error !== undefined ? { error: gate.error } : {}),
          attempts,
          submitPresses: 0,
        };
      }
      recoveredFromMode = gate.recoveredFromMode;
    }
    const fromMode = recoveredFromMode !== undefined ? { recoveredFromMode } : {};

    const baseline = await captureEvidence(ctx);
    if ("error" in baseline) {
      record({
        stage: "pre-paste-capture",
        outcome: "failed",
        verification: "baseline_capture_failed",
        error: baseline.error,
        ...fromMode,
      });
      continue;
    }

    // An earlier paste may still be on its way (a slow CLI): give it one more window, measured against the screen
    // before the first paste, before pasting again, which would put the text in the box twice.
    const before = firstBaseline;
    let proof = before === undefined ? undefined : await waitForPaste(ctx, before, timing.visibleTimeoutMs);
    const reused = proof !== undefined;
    const buffer = `${options.bufferName}-${attempt}`;
    let deleted: boolean | undefined;
    if (!proof) {
      const paste = await pasteThroughBuffer(ctx, buffer, text);
      if (!paste.ok) {
        record({ ...paste.failure, outcome: "failed", buffer, bufferDeleted: paste.deleted, ...fromMode });
        continue;
      }
      deleted = paste.deleted;
      if (firstBaseline === undefined) {
        firstBaseline = baseline.evidence;
        options.onPasted?.(attempt);
      }

      proof = await waitForPaste(
        ctx,
        baseline.evidence,
        canProve ? timing.visibleTimeoutMs : Math.min(timing.visibleTimeoutMs, 1_000),
      );
      // Nothing in the text can be recognised on screen: the paste went through, which is all we can know.
      if (!proof && !canProve) proof = { verification: "no_token" };
      if (!proof) {
        record({
          stage: "visible-check",
          outcome: "invisible",
          verification: "visible_evidence_not_found",
          buffer,
          bufferDeleted: deleted,
          ...fromMode,
        });
        continue;
      }
    }

    options.onVisible?.(proof.verification);
    const submitted = await submit(ctx, proof.placeholder);
    record({
      stage: submitted.stage,
      outcome: submitted.ok ? "submitted" : submitted.stage === "send-keys" ? "failed" : "not_submitted",
      verification: proof.verification,
      ...(reused ? { reusedEarlierPaste: true } : { buffer, bufferDeleted: deleted ?? false }),
      submitPresses: submitted.presses,
      ...(submitted.error !== undefined ? { error: submitted.error } : {}),
      ...fromMode,
    });
    return {
      ok: submitted.ok,
      stage: submitted.stage,
      ...(submitted.ok
        ? {}
        : { reason: submitted.stage === "send-keys" ? "send_keys_failed" : submitted.verification }),
      verification: proof.verification,
      submitVerification: submitted.verification,
      visible: true,
      submitted: submitted.ok,
      submitVerified: submitted.verified,
      ...(submitted.error !== undefined ? { error: submitted.error } : {}),
      attempts,
      submitPresses: submitted.presses,
    };
  }

  // Every attempt failed before a paste could be proven: report the last attempt's stage (a tmux failure to load or
  // paste the buffer is not an invisible paste).
  return {
    ok: false,
    stage: lastStage,
    reason: lastStage === "visible-check" ? "visible_check_failed" : lastVerification,
    verification: lastVerification,
    visible: false,
    submitted: false,
    submitVerified: false,
    error: `message not visible after ${maxAttempts} attempts: ${lastVerification}${lastError ? ` (${lastError})` : ""}`,
    attempts,
    submitPresses: 0,
  };
}
