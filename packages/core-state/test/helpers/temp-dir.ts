import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/** Temp dirs made during a test, removed together afterwards. */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(prefix = "ta-test-"): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  cleanup(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A TempDirs whose dirs are removed after each test. Call it before registering hooks that still need the dirs
 * (vitest runs afterEach hooks in reverse order).
 */
export function useTempDirs(): TempDirs {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());
  return temp;
}
