import { createHash } from "node:crypto";

/**
 * Which (pane, screen) pairs were already answered, so a retry on an unchanged screen presses nothing. One
 * instance per process by default; tests and long-lived daemons may inject their own.
 */
export class TrustAnswerMemory {
  private readonly answered = new Set<string>();

  has(paneId: string, screenHash: string): boolean {
    return this.answered.has(`${paneId}\t${screenHash}`);
  }

  add(paneId: string, screenHash: string): void {
    this.answered.add(`${paneId}\t${screenHash}`);
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
