/**
 * For scripts that run as child processes of the tests (started through children.ts). Must not import vitest.
 */
import { writeSync } from "node:fs";
import { createInterface } from "node:readline";

/** One JSON object per stdout line, written synchronously so a SIGKILL right after cannot lose it. */
export function report(fields: Record<string, unknown>): void {
  writeSync(1, `${JSON.stringify(fields)}\n`);
}

/** Argument `index` (0-based, after the script path), or an error naming the missing `<name>`. */
export function argAt(index: number, name: string): string {
  const value = process.argv[2 + index];
  if (value === undefined) throw new Error(`missing argument <${name}>`);
  return value;
}

/**
 * Prints `{"ready": id}` and waits for the parent's go line on stdin, so every child of a group starts its work at
 * the same moment. A parent that goes away closes stdin, which ends the wait with an error.
 */
export async function announceReadyAndAwaitGo(id: string | number): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve, reject) => {
    lines.once("line", () => resolve());
    lines.once("close", () => reject(new Error("stdin closed before the go signal")));
  });
  report({ ready: id });
  try {
    await go;
  } finally {
    lines.close();
  }
}

/** Runs the child's body; any error is reported as `{error, code}` and exits 1. */
export async function runChild(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (error) {
    const code = (error as { code?: unknown }).code ?? null;
    report({ error: error instanceof Error ? error.message : String(error), code });
    process.exitCode = 1;
  }
}
