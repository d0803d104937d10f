/**
 * Real child processes for concurrency tests: tsx scripts from test/fixtures whose stdout can be awaited line by
 * line with deadlines (never fixed sleeps), released as a group through stdin, and killed on cleanup.
 * The child side of this protocol is in child-side.ts.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { DEFAULT_DEADLINE_MS, waitFor } from "./wait.js";

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURES_DIR = join(PACKAGE_DIR, "test", "fixtures");

/** Absolute path of a child script below test/fixtures, e.g. `fixtureScript("runtime/lease-racer.ts")`. */
export function fixtureScript(relativePath: string): string {
  return join(FIXTURES_DIR, relativePath);
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What `announceReadyAndAwaitGo` prints on the child side. */
const isReadyLine = (line: string) => line.startsWith('{"ready":');

/** A running tsx child with its stdout split into lines. */
export class TsChild {
  readonly process: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = "";
  /** Settles once the child has exited and its output is fully read. */
  readonly exited: Promise<ChildExit>;
  private exit: ChildExit | null = null;
  private partial = "";

  constructor(script: string, args: readonly string[]) {
    this.process = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: PACKAGE_DIR });
    this.process.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (this.partial + chunk).split("\n");
      this.partial = parts.pop() ?? "";
      this.lines.push(...parts.filter((line) => line !== ""));
    });
    this.process.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    // A child that ignores stdin may be gone before "go" arrives; that write error is not the test's concern.
    this.process.stdin.on("error", () => {});
    this.exited = new Promise((resolve) => {
      const settle = (exit: ChildExit) => {
        this.exit ??= exit;
        resolve(this.exit);
      };
      // "close", not "exit": by then the last stdout line has been read.
      this.process.on("close", (code, signal) => settle({ code, signal }));
      this.process.on("error", (error) => {
        this.stderr += `spawn failed: ${error.message}`;
        settle({ code: null, signal: null });
      });
    });
  }

  get running(): boolean {
    return this.exit === null;
  }

  /** Waits for a stdout line matching `predicate`; fails early when the child exits without printing it. */
  async waitForLine(predicate: (line: string) => boolean, label: string, timeoutMs?: number): Promise<string> {
    let found: string | undefined;
    await waitFor(
      () => {
        found = this.lines.find(predicate);
        if (found === undefined && !this.running) {
          throw new Error(`child exited (${JSON.stringify(this.exit)}) before ${label}; stderr: ${this.stderr}`);
        }
        return found !== undefined;
      },
      `${label} (stderr: ${this.stderr})`,
      timeoutMs,
    );
    return found!;
  }

  /** Waits for the child to exit on its own, at most `timeoutMs`. */
  async waitForExit(timeoutMs = DEFAULT_DEADLINE_MS): Promise<ChildExit> {
    await waitFor(() => !this.running, `the child to exit (stderr: ${this.stderr})`, timeoutMs);
    return this.exited;
  }

  /** The JSON objects printed as whole stdout lines. */
  jsonLines(): Array<Record<string, unknown>> {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** Sends the go signal a child waits for after announcing it is ready. */
  release(): void {
    if (this.running) this.process.stdin.end("go\n");
  }

  kill(): void {
    if (this.running) this.process.kill("SIGKILL");
  }
}

/** Starts children and, at cleanup, kills whatever is still running and waits until it is gone. */
export class ChildPool {
  private readonly children: TsChild[] = [];

  start(script: string, args: readonly string[]): TsChild {
    const child = new TsChild(script, args);
    this.children.push(child);
    return child;
  }

  /**
   * Starts one child per argument list, waits until every one has announced it is ready, then releases them all
   * at once, so their work overlaps as much as it can.
   */
  async startTogether(
    script: string,
    argLists: readonly (readonly string[])[],
    timeoutMs?: number,
  ): Promise<TsChild[]> {
    const children = argLists.map((args) => this.start(script, args));
    await Promise.all(children.map((child) => child.waitForLine(isReadyLine, "its ready line", timeoutMs)));
    for (const child of children) child.release();
    return children;
  }

  async killAll(): Promise<void> {
    const children = this.children.splice(0);
    for (const child of children) child.kill();
    await Promise.all(children.map((child) => child.exited));
  }
}

/**
 * A ChildPool emptied after each test. Call it after `useTempStore`/`useTempDirs` so the children are dead before
 * their files are removed (vitest runs afterEach hooks in reverse order).
 */
export function useChildPool(): ChildPool {
  const pool = new ChildPool();
  afterEach(() => pool.killAll());
  return pool;
}
