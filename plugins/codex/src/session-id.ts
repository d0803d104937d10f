/** Codex session ids are UUIDs (v7 in 0.169, e.g. `01a21352-c97c-7200-bfaa-526163a35439`). */
const SESSION_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isCodexSessionId(value: unknown): value is string {
  return typeof value === "string" && SESSION_ID_RE.test(value);
}

/** The UUID at the end of a rollout file name (`rollout-<stamp>-<uuid>.jsonl`), or null. */
export function sessionIdFromRolloutName(fileName: string): string | null {
  const m = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i.exec(fileName);
  return m ? (m[1] ?? null) : null;
}
