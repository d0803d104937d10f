/**
 * Finds the transcript of a freshly spawned worker (spec 03 §3.5, §4.2). One check per call; the runtime polls.
 *
 *   1. predetermined id (`--session-id`): its file, in any encoding of the cwd, with a prompt and the same cwd
 *      → high confidence.
 *   2. scan: the 300 newest transcripts of the cwd's project dirs, each with a prompt, the same cwd, an id not
 *      owned by another agent, started within spawn−2 s .. now+5 s and naming this agent in its prompts; the best
 *      (score, start time) wins → high when the score is ≥ 2, else medium.
 *   3. compatible-API only, only when 1 and 2 found nothing: the newest non-empty transcript modified within
 *      spawn−5 s .. now → `session_id: null`, low confidence (idle detection can follow `rollout_path`; resume
 *      refuses; the next call tries again and may move to a newer file).
 */

import { join } from "node:path";
import type { SessionCapture, SessionCaptureContext } from "@team-agent/provider-registry";
import { isSessionId } from "../session-id.js";
import { agentMatchScore } from "./attribution.js";
import { fileStat, listTranscripts, readHeadText, type TranscriptFile } from "./files.js";
import { summarizeHead } from "./head.js";
import { cwdMatches } from "./paths.js";
import { projectDirs, projectsRootFrom } from "./project-dir.js";

export const SCAN_LIMIT = 300;
export const SCAN_EARLY_MS = 2_000;
export const SCAN_LATE_MS = 5_000;
export const FALLBACK_LIMIT = 5;
export const FALLBACK_EARLY_MS = 5_000;

export interface CaptureOptions {
  /** Home dir for the default projects root (tests). */
  home?: string;
}

function result(
  context: SessionCaptureContext,
  sessionId: string | null,
  path: string,
  via: string,
  confidence: SessionCapture["attribution_confidence"],
): SessionCapture {
  return {
    session_id: sessionId,
    rollout_path: path,
    captured_at: context.now,
    captured_via: via,
    attribution_confidence: confidence,
    spawn_cwd: context.spawnCwd,
  };
}

async function byPredeterminedId(context: SessionCaptureContext, dirs: string[]): Promise<SessionCapture | null> {
  const id = context.predeterminedSessionId;
  if (!isSessionId(id) || context.excludeSessionIds.includes(id)) return null;
  for (const dir of dirs) {
    const path = join(dir, `${id}.jsonl`);
    if ((await fileStat(path)) === null) continue;
    const head = summarizeHead((await readHeadText(path)) ?? "");
    if (head.hasUserPrompt && cwdMatches(head.cwd, context.spawnCwd)) {
      return result(context, id, path, "fs_watch", "high");
    }
  }
  return null;
}

/** Newest first across all dirs, one entry per path. */
async function newestTranscripts(dirs: string[], limit: number): Promise<TranscriptFile[]> {
  const all = (await Promise.all(dirs.map(listTranscripts))).flat();
  const unique = new Map(all.map((file) => [file.path, file]));
  return [...unique.values()].sort((a, b) => b.mtimeMs - a.mtimeMs).slice(0, limit);
}

async function byScan(context: SessionCaptureContext, dirs: string[]): Promise<SessionCapture | null> {
  const spawn = Date.parse(context.spawnedAt);
  const now = Date.parse(context.now);
  let best: { score: number; startedMs: number; capture: SessionCapture } | undefined;
  for (const file of await newestTranscripts(dirs, SCAN_LIMIT)) {
    const head = summarizeHead((await readHeadText(file.path)) ?? "");
    if (!head.hasUserPrompt || !cwdMatches(head.cwd, context.spawnCwd)) continue;
    const id = head.sessionId ?? file.stem;
    if (context.excludeSessionIds.includes(id)) continue;
    const startedMs = head.timestamp !== null ? Date.parse(head.timestamp) : file.mtimeMs;
    if (startedMs < spawn - SCAN_EARLY_MS || startedMs > now + SCAN_LATE_MS) continue;
    const score = agentMatchScore(head.userText, context.agentId);
    if (score === 0) continue;
    if (best && (score < best.score || (score === best.score && startedMs <= best.startedMs))) continue;
    best = { score, startedMs, capture: result(context, id, file.path, "fs_watch", score >= 2 ? "high" : "medium") };
  }
  return best?.capture ?? null;
}

/** The compatible-API fallback; deliberately independent of the strict search above. */
export async function compatibleApiFallback(
  context: SessionCaptureContext,
  dirs: string[],
): Promise<SessionCapture | null> {
  const lower = Date.parse(context.spawnedAt) - FALLBACK_EARLY_MS;
  const upper = Date.parse(context.now);
  for (const file of await newestTranscripts(dirs, FALLBACK_LIMIT)) {
    if (file.size <= 0) continue;
    if (file.mtimeMs < lower || file.mtimeMs > upper) continue;
    return result(context, null, file.path, "fs_mtime_fallback", "low");
  }
  return null;
}

export async function captureSession(
  context: SessionCaptureContext,
  options: CaptureOptions = {},
): Promise<SessionCapture | null> {
  const dirs = projectDirs(projectsRootFrom(context.roots, options.home), context.spawnCwd);
  const strict = (await byPredeterminedId(context, dirs)) ?? (await byScan(context, dirs));
  if (strict) return strict;
  if (context.authMode !== "compatible_api") return null;
  return compatibleApiFallback(context, dirs);
}
