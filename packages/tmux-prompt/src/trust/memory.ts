import { createHash } from "node:crypto";

export interface TrustMemoryOptions {
  /**
   * After this long an answered screen that is still (or again) on display may be answered once more: a CLI busy
   * starting up can drop the keys, or redraw the dialog from its first state (seen with Claude Code 2.1.332 under
   * load). Default 3 s.
   */
  retryAfterMs?: number;
  /** Answers per pane and screen at most; then it stays on screen for someone to look at. Default 3. */
  maxAnswers?: number;
  now?: () => number;
}

/**
 * Which (pane, screen) pairs were answered, so a retry on an unchanged screen presses nothing until the CLI had
 * time to act on the keys, and never more than a few times. One instance per process by default; tests and
 * long-lived daemons may inject their own.
 */
export class TrustAnswerMemory {
  private readonly answered = new Map<string, { count: number; at: number }>();
  private readonly retryAfterMs: number;
  private readonly maxAnswers: number;
  private readonly now: () => number;

  constructor(options: TrustMemoryOptions = {}) {
    this.retryAfterMs = options.retryAfterMs ?? 3_000;
    this.maxAnswers = options.maxAnswers ?? 3;
    this.now = options.now ?? Date.now;
  }

  /** True while this screen must not be answered (again): answered recently, or as often as allowed. */
  has(paneId: string, screenHash: string): boolean {
    const entry = this.answered.get(`${paneId}\t${screenHash}`);
    if (entry === undefined) return false;
    return entry.count >= this.maxAnswers || this.now() - entry.at < this.retryAfterMs;
  }

  add(paneId: string, screenHash: string): void {
    const key = `${paneId}\t${screenHash}`;
    this.answered.set(key, { count: (this.answered.get(key)?.count ?? 0) + 1, at: this.now() });
  }

  clear(): void {
    this.answered.clear();
  }
}

export const processTrustMemory = new TrustAnswerMemory();

/** sha256 of the lines the decision was made on; blank-line and trailing-space noise is already gone from them. */
export function screenHash(lines: readonly string[]): string {
  return createHash("sha256").update(lines.join("\n"), "utf8").digest("hex");
}
