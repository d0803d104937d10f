/**
 * Session drift (spec 03 §1.6, Codex workers): the pane reports a thread other than the session we stored, so a
 * resume or a team restart would bring back the wrong conversation. The daemon marks the agent `session_drift`
 * and refuses sends to it until a reset.
 *
 * Port improvement: the mark is sticky. The original re-emitted the event every tick because its status refresh
 * overwrote the mark; `alreadyDrifted` stops that here.
 */

export interface SessionDrift {
  storedSessionId: string;
  /** The thread id as the pane printed it. */
  actualThreadId: string;
}

// A UUID right after one of the phrases, optionally behind ":", "=", "#" or an "id" label; the lookahead keeps a
// longer token that merely starts like a UUID from counting.
const REPORTED_THREAD =
  /(?:switched to thread|resume|thread)[\s:=#]*(?:id[\s:=#]+)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-z-])/gi;

/** The last thread id the pane reports ("Switched to thread <uuid>", "codex resume <uuid>", "thread: <uuid>"). */
export function findReportedThreadId(capture: string): string | null {
  let last: string | null = null;
  for (const match of capture.matchAll(REPORTED_THREAD)) last = match[1] ?? last;
  return last;
}

export function detectSessionDrift(input: {
  storedSessionId: string | null | undefined;
  capture: string;
  alreadyDrifted: boolean;
}): SessionDrift | null {
  const stored = input.storedSessionId?.trim();
  if (input.alreadyDrifted || !stored) return null;
  const actual = findReportedThreadId(input.capture);
  if (actual === null || actual.toLowerCase() === stored.toLowerCase()) return null;
  return { storedSessionId: stored, actualThreadId: actual };
}
