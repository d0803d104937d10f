/** Waiting on a pane without fixed sleeps: poll a check until it answers or a deadline passes. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** First pause between checks; it doubles up to the caller's interval (a TUI usually redraws within ~10 ms). */
export const FIRST_POLL_INTERVAL_MS = 10;

/**
 * Calls `check` until it returns something other than undefined, or `timeoutMs` has passed (the check always runs
 * at least once, and once more at the deadline). Pauses start at 10 ms and double up to `intervalMs`, so a screen
 * that changes quickly is seen quickly while a slow one costs few captures. Returns the last answer or undefined.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs: number },
): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let pause = Math.min(FIRST_POLL_INTERVAL_MS, options.intervalMs);
  for (;;) {
    const answer = await check();
    if (answer !== undefined) return answer;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, options.intervalMs);
  }
}
