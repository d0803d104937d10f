/**
 * Finds a fake worker's transcript. The plugin always predetermines the session id, so the normal path is one
 * file check; without one, a scan accepts a transcript only when exactly one candidate fits, because fake workers
 * of one team share a cwd and nothing else in the file says which agent wrote it.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { resolveExistingPath } from "@team-agent/core-state";
import { parseJsonLines } from "@team-agent/idle-predicate";
import type { SessionCapture, SessionCaptureContext } from "@team-agent/provider-registry";
import { defaultProjectsRoot, isSessionId, projectDir } from "./paths.js";

/** Session discovery looks at the head of a transcript only (spec 03 §2.4). */
const HEAD_LINES = 200;
/** A transcript may start a little before the recorded spawn time (clock skew between processes). */
const SPAWN_SLACK_MS = 2_000;
const FUTURE_SLACK_MS = 5_000;

interface TranscriptHead {
  sessionId: string | null;
  cwd: string | null;
  timestamp: string | null;
  hasUserMessage: boolean;
}

async function readHead(path: string): Promise<TranscriptHead | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  const head = text.split("\n").slice(0, HEAD_LINES).join("\n");
  const found: TranscriptHead = { sessionId: null, cwd: null, timestamp: null, hasUserMessage: false };
  for (const record of parseJsonLines(head).records) {
    const str = (key: string) => (typeof record[key] === "string" ? (record[key] as string) : null);
    found.sessionId ??= str("sessionId");
    found.cwd ??= str("cwd");
    found.timestamp ??= str("timestamp");
    if (record["type"] === "user") found.hasUserMessage = true;
  }
  return found;
}

/** A transcript without a cwd counts as the same cwd (as for Claude Code). */
function sameCwd(head: TranscriptHead, cwd: string): boolean {
  return head.cwd === null || resolveExistingPath(head.cwd) === cwd;
}

export async function captureFakeSession(context: SessionCaptureContext): Promise<SessionCapture | null> {
  const cwd = resolveExistingPath(context.spawnCwd);
  const root = context.roots["projects"] ?? defaultProjectsRoot(cwd);
  const dir = projectDir(root, cwd);
  const excluded = new Set(context.excludeSessionIds);
  const captured = (
    sessionId: string | null,
    path: string,
    via: string,
    confidence: SessionCapture["attribution_confidence"],
  ) => ({
    session_id: sessionId,
    rollout_path: path,
    captured_at: context.now,
    captured_via: via,
    attribution_confidence: confidence,
    spawn_cwd: cwd,
  });

  const predetermined = context.predeterminedSessionId;
  if (predetermined !== null) {
    if (!isSessionId(predetermined) || excluded.has(predetermined)) return null;
    const path = join(dir, `${predetermined}.jsonl`);
    const head = await readHead(path);
    // The file appears with the first submitted message; until then there is nothing to attribute.
    if (!head?.hasUserMessage || !sameCwd(head, cwd)) return null;
    return captured(predetermined, path, "predetermined_session_id", "high");
  }

  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".jsonl"));
  } catch {
    return null;
  }
  const from = Date.parse(context.spawnedAt) - SPAWN_SLACK_MS;
  const to = Date.parse(context.now) + FUTURE_SLACK_MS;
  const candidates: { sessionId: string; path: string }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const head = await readHead(path);
    if (!head?.hasUserMessage || !sameCwd(head, cwd)) continue;
    const sessionId = head.sessionId ?? name.slice(0, -".jsonl".length);
    if (excluded.has(sessionId)) continue;
    const started = head.timestamp !== null ? Date.parse(head.timestamp) : (await stat(path)).mtimeMs;
    if (Number.isNaN(started) || started < from || started > to) continue;
    candidates.push({ sessionId, path });
  }
  const only = candidates.length === 1 ? candidates[0] : undefined;
  return only ? captured(only.sessionId, only.path, "fs_scan", "medium") : null;
}
