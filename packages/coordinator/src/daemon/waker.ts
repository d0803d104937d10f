/**
 * Lets the daemon sleep until its next tick or until something worth acting on happens: a sender touched the
 * team's wake file, or a worker's transcript changed (a turn may have ended). fs.watch is inotify on Linux, so a
 * woken daemon reacts in milliseconds while an idle one makes no system calls at all.
 */
import { type FSWatcher, watch } from "node:fs";

export class Waker {
  private pending = false;
  private resolveSleep: (() => void) | null = null;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly onWake: (reason: string) => void;

  constructor(onWake: (reason: string) => void = () => {}) {
    this.onWake = onWake;
  }

  wake(reason: string): void {
    this.pending = true;
    this.onWake(reason);
    this.resolveSleep?.();
  }

  /** Resolves after `ms`, or at once when woken since the last sleep; true when woken. */
  async sleep(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return true;
    }
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), ms);
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.resolveSleep = null;
        resolve(value);
      };
      this.resolveSleep = () => finish(true);
    });
    this.pending = false;
    return woken;
  }

  /** Watches exactly `paths` (adding new ones, closing the rest); a path that cannot be watched is skipped. */
  watchOnly(paths: Iterable<string>, reason: (path: string) => string): void {
    const wanted = new Set(paths);
    for (const [path, watcher] of this.watchers) {
      if (!wanted.has(path)) {
        watcher.close();
        this.watchers.delete(path);
      }
    }
    for (const path of wanted) {
      if (this.watchers.has(path)) continue;
      try {
        const watcher = watch(path, { persistent: false }, () => this.wake(reason(path)));
        watcher.on("error", () => {
          watcher.close();
          this.watchers.delete(path);
        });
        this.watchers.set(path, watcher);
      } catch {
        // Not there yet (a transcript appears with the first message): the next sync tries again.
      }
    }
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.resolveSleep?.();
  }
}
