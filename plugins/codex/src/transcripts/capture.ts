/**
 * Finds a Codex worker's rollout file after launch (spec 03 §3.6, §4.2). Codex cannot be given a session id up
 * front and writes the rollout only once the first message is sent, so capture polls and looks for:
 *   - a rollout under `roots.sessions`, else `<roots.codexHome | $CODEX_HOME | ~/.codex>/sessions`,
 *     modified since the spawn;
 *   - whose first line (session meta) has the spawn cwd (both sides symlink-resolved);
 *   - whose meta timestamp, when present, lies within spawn − 2 s .. now + 5 s;
 *   - whose id (`payload.id`, else the file name's UUID) is not excluded (owned by another agent).
 * Workers of a team share one cwd, so the launch also puts an identity line into the developer instructions
 * (see attribution.ts): a rollout naming another agent is never taken; one naming this agent wins with
 * confidence `high`. A rollout without any identity line (not started by this plugin: perhaps the lead's own
 * session in the same folder) is only a fallback, one confidence level below spec §3.6's rule (`medium` when the
 * originator is `codex-tui`/`codex_exec` and a timestamp exists, else `low`). Among equals the earliest wins.
 */
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { resolveExistingPath, ValidationError } from "@team-agent/core-state";
import type { SessionCapture, SessionCaptureContext } from "@team-agent/provider-registry";
import { readAttribution } from "../attribution.js";
import { isCodexSessionId, sessionIdFromRolloutName } from "../session-id.js";
import { isObject, type Json, sessionMeta, str } from "./records.js";
import { newestRollouts, readFirstRecord, readHeadRecords } from "./rollout-files.js";

export const SPAWN_SLACK_BEFORE_MS = 2000;
export const NOW_SLACK_AFTER_MS = 5000;
export const MAX_ROLLOUTS_SCANNED = 1500;
const TRUSTED_ORIGINATORS = new Set(["codex-tui", "codex_exec"]);

export interface CaptureEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
}

export const DEFAULT_CAPTURE_ENVIRONMENT: CaptureEnvironment = { env: process.env, homeDir: homedir() };

/** Where this worker's rollouts are written. */
export function sessionsRoot(roots: SessionCaptureContext["roots"], environment: CaptureEnvironment): string {
  if (roots.sessions) return roots.sessions;
  const home = roots.codexHome || environment.env.CODEX_HOME || join(environment.homeDir, ".codex");
  return join(home, "sessions");
}

function isoMs(value: string, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new ValidationError(`session capture got an invalid ${what} time '${value}'`, [], {
      code: "invalid_capture_context",
      action: "Pass ISO-8601 times (isoNow()) for spawnedAt and now.",
    });
  }
  return ms;
}

type Identity = "ours" | "unmarked" | "other" | "unreadable";

/** Who the developer instructions at the top of the rollout name. */
function identityOf(head: readonly Json[], agentId: string): Identity {
  let sawInstructions = false;
  for (const record of head) {
    if (record.type !== "response_item" || !isObject(record.payload)) continue;
    const payload = record.payload;
    if (payload.type !== "message" || payload.role !== "developer" || !Array.isArray(payload.content)) continue;
    sawInstructions = true;
    for (const item of payload.content) {
      if (!isObject(item) || typeof item.text !== "string") continue;
      const found = readAttribution(item.text);
      if (found) return found.agentId === agentId ? "ours" : "other";
    }
  }
  // No developer message yet: the file is still being written; look again on the next poll.
  return sawInstructions ? "unmarked" : "unreadable";
}

interface Candidate {
  sessionId: string;
  path: string;
  /** Meta timestamp, else the file's modification time. */
  at: number;
  identity: "ours" | "unmarked";
  confidence: SessionCapture["attribution_confidence"];
}

async function candidateOf(
  path: string,
  mtimeMs: number,
  context: SessionCaptureContext,
  spawnCwd: string,
  window: { from: number; to: number },
): Promise<Candidate | null> {
  const first = await readFirstRecord(path);
  const meta = first ? sessionMeta(first) : null;
  if (meta === null) return null;
  const cwd = str(meta.cwd);
  if (cwd === null || resolveExistingPath(cwd) !== spawnCwd) return null;
  const stamp = str(meta.timestamp);
  const stampMs = stamp === null ? null : Date.parse(stamp);
  if (stampMs !== null && (Number.isNaN(stampMs) || stampMs < window.from || stampMs > window.to)) return null;
  const sessionId = str(meta.id) ?? str(meta.session_id) ?? sessionIdFromRolloutName(basename(path));
  if (!isCodexSessionId(sessionId) || context.excludeSessionIds.includes(sessionId)) return null;
  const identity = identityOf(await readHeadRecords(path), context.agentId);
  if (identity === "other" || identity === "unreadable") return null;
  const trusted = TRUSTED_ORIGINATORS.has(str(meta.originator) ?? "") && stampMs !== null;
  return {
    sessionId,
    path,
    at: stampMs ?? mtimeMs,
    identity,
    confidence: identity === "ours" ? "high" : trusted ? "medium" : "low",
  };
}

function better(a: Candidate, b: Candidate, predetermined: string | null): boolean {
  if (predetermined !== null && (a.sessionId === predetermined) !== (b.sessionId === predetermined)) {
    return a.sessionId === predetermined;
  }
  if (a.identity !== b.identity) return a.identity === "ours";
  if (a.at !== b.at) return a.at < b.at;
  return a.path < b.path;
}

/** One look at the rollout files; null when none can be attributed yet. */
export async function captureCodexSession(
  context: SessionCaptureContext,
  environment: CaptureEnvironment = DEFAULT_CAPTURE_ENVIRONMENT,
): Promise<SessionCapture | null> {
  const spawnMs = isoMs(context.spawnedAt, "spawnedAt");
  const nowMs = isoMs(context.now, "now");
  const window = { from: spawnMs - SPAWN_SLACK_BEFORE_MS, to: nowMs + NOW_SLACK_AFTER_MS };
  const spawnCwd = resolveExistingPath(context.spawnCwd);
  const files = await newestRollouts(sessionsRoot(context.roots, environment), window.from, MAX_ROLLOUTS_SCANNED);
  let best: Candidate | null = null;
  for (const file of files) {
    const candidate = await candidateOf(file.path, file.mtimeMs, context, spawnCwd, window);
    if (candidate && (best === null || better(candidate, best, context.predeterminedSessionId))) best = candidate;
  }
  if (best === null) return null;
  return {
    session_id: best.sessionId,
    rollout_path: best.path,
    captured_at: context.now,
    captured_via: "fs_watch",
    attribution_confidence: best.confidence,
    spawn_cwd: context.spawnCwd,
  };
}
